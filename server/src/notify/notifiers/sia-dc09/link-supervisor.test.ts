/**
 * Link supervision as a timeline on a FakeClock: NULL messages at start and every interval,
 * link down after two failed tests in a row, up again after the first success.
 */
import { FakeClock } from '@trygg/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { Dc09Receiver } from '../../../../../test/support/dc09-receiver';
import { ArcLinkSupervisor, type ArcLinkEvent } from './link-supervisor';
import { SiaDc09Notifier } from './sia-dc09-notifier';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function receiver(options: ConstructorParameters<typeof Dc09Receiver>[0]): Promise<Dc09Receiver> {
  const r = await new Dc09Receiver(options).start();
  cleanup.push(() => r.stop());
  return r;
}

describe('ArcLinkSupervisor', () => {
  it('sends NULL every interval, reports the primary down after two failures and up after recovery', async () => {
    const key = '000102030405060708090A0B0C0D0E0F';
    let primary = await receiver({ udp: false, key });
    const port = primary.tcpPort;
    const secondary = await receiver({ tcp: false, key });
    const notifier = new SiaDc09Notifier({
      targets: {
        oslo: {
          primary: { host: '127.0.0.1', port, protocol: 'tcp' },
          secondary: { host: '127.0.0.1', port: secondary.udpPort, protocol: 'udp' },
          account: '1234',
          key,
          timeoutMs: 1000,
          linkTestIntervalS: 60,
        },
        // No interval: not supervised.
        bergen: { primary: { host: '127.0.0.1', port, protocol: 'tcp' }, account: '5678' },
      },
    });
    const clock = new FakeClock();
    const downs: ArcLinkEvent[] = [];
    const ups: ArcLinkEvent[] = [];
    const supervisor = new ArcLinkSupervisor({
      probe: notifier,
      clock,
      onLinkDown: (target, e) => downs.push({ ...e, target }),
      onLinkUp: (target, e) => ups.push({ ...e, target }),
    });
    cleanup.push(() => supervisor.stop());
    const tick = async (ms: number) => {
      clock.advance(ms);
      await supervisor.settled();
    };

    // 0 s: the first test runs at start, on both receivers.
    supervisor.start();
    await tick(0);
    expect(primary.frames.map((f) => [f.id, f.encrypted, f.answer])).toEqual([['NULL', true, 'ACK']]);
    expect(secondary.frames).toHaveLength(1);
    expect(supervisor.status().map((s) => [s.target, s.receiver, s.state])).toEqual([
      ['oslo', 'primary', 'up'],
      ['oslo', 'secondary', 'up'],
    ]);

    // 60 s: the next one, with the next sequence number.
    await tick(60_000);
    expect(primary.frames).toHaveLength(2);
    expect(Number(primary.frames[1]!.sequence)).not.toBe(Number(primary.frames[0]!.sequence));

    // The primary goes away: one failure is not yet "down" ...
    await primary.stop();
    await tick(60_000);
    expect(downs).toEqual([]);
    // ... the second in a row is, once.
    await tick(60_000);
    expect(downs).toEqual([{ target: 'oslo', receiver: 'primary', address: `127.0.0.1:${port}/tcp`, failures: 2, error: expect.stringContaining('ECONNREFUSED') }]);
    expect(downs[0]!.error).not.toContain(key);
    await tick(60_000);
    expect(downs).toHaveLength(1);
    expect(supervisor.status()[0]).toMatchObject({ state: 'down', failures: 3 });
    expect(supervisor.status()[1]).toMatchObject({ state: 'up', failures: 0 });

    // It comes back on the same port: up again, once.
    primary = await receiver({ udp: false, port, key });
    await tick(60_000);
    expect(ups).toEqual([{ target: 'oslo', receiver: 'primary', address: `127.0.0.1:${port}/tcp`, failures: 0 }]);
    await tick(60_000);
    expect(ups).toHaveLength(1);
    expect(primary.frames.map((f) => f.answer)).toEqual(['ACK', 'ACK']);
    expect(secondary.frames).toHaveLength(7);
  });

  it('stop() cancels the timers: no test after it', async () => {
    const arc = await receiver({});
    const notifier = new SiaDc09Notifier({
      targets: { oslo: { primary: { host: '127.0.0.1', port: arc.tcpPort, protocol: 'tcp' }, account: '1234', linkTestIntervalS: 30 } },
    });
    const clock = new FakeClock();
    const supervisor = new ArcLinkSupervisor({ probe: notifier, clock, onLinkDown: () => {}, onLinkUp: () => {} });
    supervisor.start();
    clock.advance(0);
    await supervisor.settled();
    await supervisor.stop();
    clock.advance(120_000);
    await supervisor.settled();
    expect(arc.frames).toHaveLength(1);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('a throwing callback does not stop supervision', async () => {
    const clock = new FakeClock();
    let tests = 0;
    const supervisor = new ArcLinkSupervisor({
      probe: {
        supervisedLinks: () => [{ target: 'oslo', receiver: 'primary', address: 'x', intervalS: 10 }],
        linkTest: async () => {
          tests++;
          return { ok: false, recoverable: true, error: 'no answer' };
        },
      },
      clock,
      failuresBeforeDown: 1,
      onLinkDown: () => {
        throw new Error('boom');
      },
      onLinkUp: () => {},
    });
    supervisor.start();
    for (let i = 0; i < 3; i++) {
      clock.advance(i === 0 ? 0 : 10_000);
      await supervisor.settled();
    }
    expect(tests).toBe(3);
    await supervisor.stop();
  });
});
