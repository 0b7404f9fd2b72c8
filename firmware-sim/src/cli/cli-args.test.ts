import { describe, expect, it } from 'vitest';
import { loadDeviceIds, parseCliArgs, type CliCommand } from './cli-args';

function command(argv: string[], env: Record<string, string> = {}): CliCommand {
  const parsed = parseCliArgs(argv, env);
  if (!parsed.ok) throw new Error(`expected success, got: ${parsed.error}`);
  return parsed.command;
}

function error(argv: string[]): string {
  const parsed = parseCliArgs(argv, {});
  if (parsed.ok) throw new Error(`expected an error for ${argv.join(' ')}`);
  return parsed.error;
}

const demo = { url: 'mqtt://127.0.0.1:1883', username: 'demo-devices', password: 'trygg-demo-devices', siteId: 'demo' };

describe('parseCliArgs', () => {
  it('presses with the demo defaults', () => {
    expect(command(['press', 'interview-1'])).toEqual({ kind: 'press', deviceId: 'interview-1', waitSeconds: 10, follow: false, connection: demo });
  });

  it('takes the broker from MQTT_URL, or MQTT_PORT, and lets flags win', () => {
    expect(command(['release', 'a'], { MQTT_PORT: '2883' })).toMatchObject({ connection: { url: 'mqtt://127.0.0.1:2883' } });
    expect(command(['release', 'a'], { MQTT_URL: 'mqtts://broker:8883', MQTT_PORT: '2883' })).toMatchObject({
      connection: { url: 'mqtts://broker:8883' },
    });
    expect(
      command(['press', 'a', '--url', 'mqtt://x:1', '--username', 'u', '--password', 'p', '--site', 'oslo', '--wait', '0.5', '--follow'], {
        MQTT_URL: 'mqtt://ignored:1',
      }),
    ).toEqual({ kind: 'press', deviceId: 'a', waitSeconds: 0.5, follow: true, connection: { url: 'mqtt://x:1', username: 'u', password: 'p', siteId: 'oslo' } });
  });

  it('reads heartbeat battery levels and rejects impossible ones', () => {
    expect(command(['heartbeat', 'a', '--battery', '42'])).toMatchObject({ kind: 'heartbeat', deviceId: 'a', battery: 42 });
    expect(command(['heartbeat', 'a'])).not.toHaveProperty('battery');
    expect(error(['heartbeat', 'a', '--battery', '101'])).toMatch(/--battery must be an integer >= 0 and <= 100/);
    expect(error(['heartbeat', 'a', '--battery', 'full'])).toMatch(/--battery/);
  });

  it('parses load with defaults and options', () => {
    expect(command(['load'])).toEqual({ kind: 'load', devices: 100, intervalMs: 1000, prefix: 'load', connection: demo });
    expect(command(['load', '--devices', '500', '--interval-ms', '250', '--duration', '10', '--prefix', 'bench'])).toMatchObject({
      devices: 500,
      intervalMs: 250,
      durationSeconds: 10,
      prefix: 'bench',
    });
    expect(error(['load', '--devices', '0'])).toMatch(/--devices must be an integer >= 1/);
  });

  it('lists with the demo office or a given config', () => {
    expect(command(['list'])).toEqual({ kind: 'list' });
    expect(command(['list', '--config', 'my.yaml'])).toEqual({ kind: 'list', configPath: 'my.yaml' });
  });

  it('shows help for --help, help, or nothing', () => {
    for (const argv of [['--help'], ['-h'], ['help'], [], ['press', 'a', '--help']]) expect(command(argv)).toEqual({ kind: 'help' });
  });

  it('takes a CA file for mqtts:// and wss:// (--ca or MQTT_CA), and refuses it for a plain URL', () => {
    expect(command(['press', 'a', '--url', 'mqtts://trygg.example.org:8883', '--ca', '/etc/trygg/ca.pem'])).toMatchObject({
      connection: { url: 'mqtts://trygg.example.org:8883', caFile: '/etc/trygg/ca.pem' },
    });
    expect(command(['heartbeat', 'a'], { MQTT_URL: 'wss://trygg.example.org/mqtt', MQTT_CA: '/ca.pem' })).toMatchObject({ connection: { caFile: '/ca.pem' } });
    expect(command(['press', 'a'])).not.toHaveProperty('connection.caFile');
    expect(error(['press', 'a', '--ca', '/ca.pem'])).toMatch(/--ca needs an mqtts:\/\/ or wss:\/\/ URL/);
  });

  it('explains usage mistakes in one line', () => {
    expect(error(['press'])).toMatch(/missing <deviceId>/);
    expect(error(['press', 'Interview 1'])).toMatch(/not a valid device id/);
    expect(error(['press', 'a', 'b'])).toMatch(/unexpected argument "b"/);
    expect(error(['explode'])).toMatch(/unknown command "explode"/);
    expect(error(['press', 'a', '--colour', 'red'])).toBe('unknown option "--colour" (try --help)');
    expect(error(['press', 'a', '--url', 'http://x'])).toMatch(/--url must be/);
    expect(error(['press', 'a', '--site', 'Demo'])).toMatch(/--site/);
    expect(error(['press', 'a', '--wait=0'])).toMatch(/--wait must be a number >= 0.1/);
  });
});

describe('loadDeviceIds', () => {
  it('numbers devices with zero padding', () => {
    expect(loadDeviceIds('load', 3)).toEqual(['load-0001', 'load-0002', 'load-0003']);
    expect(loadDeviceIds('x', 12345).at(-1)).toBe('x-12345');
  });
});
