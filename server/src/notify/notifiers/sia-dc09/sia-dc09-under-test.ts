import { Dc09Receiver } from '../../../../../test/support/dc09-receiver';
import type { FarEndMode, NotifierFactory } from '../../notifier-conformance';
import { SequenceNumbers } from './sequence';
import { SiaDc09Notifier } from './sia-dc09-notifier';

/**
 * Test support: the ARC notifier, AES-256 encrypted, against the DC-09 receiver of the test suite
 * on loopback TCP, for the shared conformance suite. The secret is the AES key (a DC-09 key must
 * be hex, so the suite's own secret cannot be used). DC-09 carries no notification id: the
 * idempotency key that reaches the ARC is the sequence number, kept across retries, so
 * `receivedIds` maps received sequence numbers back to the notifications they were given to.
 * Far end: 'recoverable' = no answer, 'permanent' = DUH, 'hang' = no answer.
 */
export function siaDc09UnderTest(): NotifierFactory {
  return async ({ logger }) => {
    const key = '5ec12e7a'.repeat(8);
    let mode: FarEndMode = 'ok';
    const arc = await new Dc09Receiver({
      key,
      respond: () => (mode === 'ok' ? undefined : mode === 'permanent' ? 'DUH' : 'silent'),
    }).start();
    const sequences = new SequenceNumbers(1);
    const given = new Map<number, string>();
    const forNotification = sequences.forNotification.bind(sequences);
    sequences.forNotification = (target, id) => {
      const seq = forNotification(target, id);
      given.set(seq, id);
      return seq;
    };
    const notifier = new SiaDc09Notifier({
      targets: { default: { primary: { host: '127.0.0.1', port: arc.tcpPort, protocol: 'tcp' }, account: '1234', key, attempts: 1, timeoutMs: 1000 } },
      sequences,
      logger,
    });
    return {
      notifier,
      secret: key,
      answer: (m) => {
        mode = m;
      },
      receivedIds: () => arc.frames.map((f) => given.get(Number(f.sequence)) ?? `seq ${f.sequence}`),
      cleanup: async () => {
        await notifier.close();
        await arc.stop();
      },
    };
  };
}
