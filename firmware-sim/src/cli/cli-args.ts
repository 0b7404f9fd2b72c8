import { parseArgs } from 'node:util';
import { isValidId } from '@trygg/protocol';
import { parseZigbeeArgs, ZIGBEE_USAGE, ZigbeeUsageError, type ZigbeeCliCommand } from './zigbee-cli';
import { parseSerialArgs, SERIAL_USAGE, type SerialCliCommand } from '../serial-cli';
import { HID_USAGE, parseHidArgs, type HidCliCommand } from './hid-cli';
import { parseScenarioArgs, SCENARIO_USAGE, type ScenarioCliCommand } from './scenario-cli';

export interface Connection {
  url: string;
  username: string;
  password: string;
  siteId: string;
  /** PEM file of the CA that signed the broker's certificate (mqtts://, wss://). */
  caFile?: string;
}

export type CliCommand =
  | { kind: 'help' }
  | { kind: 'press'; deviceId: string; waitSeconds: number; follow: boolean; connection: Connection }
  | { kind: 'release'; deviceId: string; connection: Connection }
  | { kind: 'heartbeat'; deviceId: string; battery?: number; connection: Connection }
  | { kind: 'list'; configPath?: string }
  | { kind: 'load'; devices: number; intervalMs: number; prefix: string; durationSeconds?: number; alarmsPerSecond?: number; connection: Connection }
  | ZigbeeCliCommand
  | SerialCliCommand
  | HidCliCommand
  | ScenarioCliCommand;

export type ParsedCli = { ok: true; command: CliCommand } | { ok: false; error: string };

export const USAGE = `Trygg device simulator

Usage: npm run sim -- <command> [options]

Commands:
  press <deviceId>        press a button like a Trygg device: repeated until Trygg confirms it
                          stored (at most --wait seconds); prints the confirmation and exits
  release <deviceId>      release a button
  heartbeat <deviceId>    send one heartbeat (--battery N, 0-100)
  list                    list the devices of the demo office (or --config <file>)
  load                    heartbeat many devices: --devices N --interval-ms M [--duration S];
                          --alarms-per-second M adds M presses a second spread over distinct
                          devices (nobody resolves them: that is up to the consoles)
${SCENARIO_USAGE}
${ZIGBEE_USAGE}
${SERIAL_USAGE}
${HID_USAGE}

Options:
  --url <url>             MQTT broker (default: $MQTT_URL, mqtt://127.0.0.1:$MQTT_PORT, the running
                          Trygg's from $TRYGG_DATA_DIR/trygg-run.json, else mqtt://127.0.0.1:1883)
  --username <name>       default demo-devices
  --password <secret>     default trygg-demo-devices
  --ca <file>             mqtts:// or wss://: PEM file of the CA that signed the broker's
                          certificate (default: $MQTT_CA, else the system's CAs)
  --site <siteId>         default demo
  --wait <seconds>        press: how long to keep repeating it without a confirmation (default 10)
  --follow                press: after the confirmation, print the feedback (help coming,
                          resolved) until the alarm ends or Ctrl-C
  --battery <0-100>       heartbeat: battery level
  --config <file>         list: configuration file (default: the demo office)
  --devices <N>           load: number of devices (default 100)
  --interval-ms <M>       load: heartbeat interval per device (default 1000)
  --prefix <p>            load: device ids are <p>-0001 ... (default load)
  --duration <seconds>    load: stop after this long (default: until Ctrl-C)
  --alarms-per-second <M> load: presses per second (default 0: heartbeats only)
  -h, --help              show this help`;

const options = {
  url: { type: 'string' },
  username: { type: 'string' },
  password: { type: 'string' },
  ca: { type: 'string' },
  site: { type: 'string' },
  wait: { type: 'string' },
  follow: { type: 'boolean' },
  battery: { type: 'string' },
  config: { type: 'string' },
  devices: { type: 'string' },
  'interval-ms': { type: 'string' },
  prefix: { type: 'string' },
  duration: { type: 'string' },
  'alarms-per-second': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

class UsageError extends Error {}

/** Pure: argv (after `--`) and the environment in, a command or one clear error line out. */
export function parseCliArgs(argv: string[], env: Record<string, string | undefined> = {}): ParsedCli {
  try {
    return { ok: true, command: parse(argv, env) };
  } catch (err) {
    if (err instanceof UsageError || err instanceof ZigbeeUsageError) return { ok: false, error: err.message };
    const code = (err as { code?: string }).code;
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const option = /'([^']+)'/.exec((err as Error).message)?.[1] ?? '?';
      return { ok: false, error: `unknown option "${option}" (try --help)` };
    }
    if (code?.startsWith('ERR_PARSE_ARGS')) return { ok: false, error: (err as Error).message };
    throw err;
  }
}

function parse(argv: string[], env: Record<string, string | undefined>): CliCommand {
  if (argv[0] === 'zigbee') return parseZigbeeArgs(argv.slice(1), env);
  if (argv[0] === 'hid') {
    const hid = parseHidArgs(argv.slice(1));
    if (typeof hid === 'string') throw new UsageError(hid);
    return hid;
  }
  if (argv[0] === 'scenario') {
    const scenario = parseScenarioArgs(argv.slice(1), env);
    if (typeof scenario === 'string') throw new UsageError(scenario);
    return scenario;
  }
  if (argv[0] === 'serial') {
    const serial = parseSerialArgs(argv.slice(1));
    if (typeof serial === 'string') throw new UsageError(serial);
    return serial;
  }
  const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  const [name, ...rest] = positionals;
  if (values.help || name === undefined || name === 'help') return { kind: 'help' };

  const connection = (): Connection => {
    const url = values.url ?? (env.MQTT_URL || `mqtt://127.0.0.1:${env.MQTT_PORT || 1883}`);
    if (!/^(mqtts?|tcp|tls|wss?):\/\/./.test(url)) throw new UsageError(`--url must be an mqtt://, mqtts://, ws:// or wss:// URL, got "${url}"`);
    const siteId = values.site ?? 'demo';
    if (!isValidId(siteId)) throw new UsageError(`--site "${siteId}" is not a valid id (lowercase letters, digits, - and _)`);
    const caFile = values.ca ?? (env.MQTT_CA || undefined);
    if (caFile && !/^(mqtts|tls|wss):\/\//.test(url)) throw new UsageError(`--ca needs an mqtts:// or wss:// URL, got "${url}"`);
    return { url, username: values.username ?? 'demo-devices', password: values.password ?? 'trygg-demo-devices', siteId, ...(caFile && { caFile }) };
  };
  const deviceId = (): string => {
    const id = rest[0];
    if (id === undefined) throw new UsageError(`${name}: missing <deviceId> (see "npm run sim -- list")`);
    if (rest.length > 1) throw new UsageError(`${name}: unexpected argument "${rest[1]}"`);
    if (!isValidId(id)) throw new UsageError(`"${id}" is not a valid device id (lowercase letters, digits, - and _)`);
    return id;
  };
  const noPositionals = () => {
    if (rest.length > 0) throw new UsageError(`${name}: unexpected argument "${rest[0]}"`);
  };

  switch (name) {
    case 'press':
      return {
        kind: 'press', deviceId: deviceId(), waitSeconds: number('--wait', values.wait, 10, { min: 0.1 }), follow: values.follow ?? false, connection: connection(),
      };
    case 'release':
      return { kind: 'release', deviceId: deviceId(), connection: connection() };
    case 'heartbeat': {
      const id = deviceId();
      const battery = values.battery === undefined ? undefined : number('--battery', values.battery, 0, { min: 0, max: 100, integer: true });
      return { kind: 'heartbeat', deviceId: id, ...(battery !== undefined && { battery }), connection: connection() };
    }
    case 'list':
      noPositionals();
      return { kind: 'list', ...(values.config !== undefined && { configPath: values.config }) };
    case 'load': {
      noPositionals();
      const prefix = values.prefix ?? 'load';
      if (!isValidId(`${prefix}-0001`)) throw new UsageError(`--prefix "${prefix}" does not make valid device ids`);
      const duration = values.duration === undefined ? undefined : number('--duration', values.duration, 0, { min: 0 });
      const alarms = values['alarms-per-second'] === undefined ? undefined : number('--alarms-per-second', values['alarms-per-second'], 0, { min: 0, max: 10_000 });
      return {
        kind: 'load',
        devices: number('--devices', values.devices, 100, { min: 1, max: 1_000_000, integer: true }),
        intervalMs: number('--interval-ms', values['interval-ms'], 1000, { min: 1, integer: true }),
        prefix,
        ...(duration !== undefined && { durationSeconds: duration }),
        ...(alarms !== undefined && alarms > 0 && { alarmsPerSecond: alarms }),
        connection: connection(),
      };
    }
    default:
      throw new UsageError(`unknown command "${name}" (try --help)`);
  }
}

function number(flag: string, raw: string | undefined, fallback: number, rule: { min?: number; max?: number; integer?: boolean }): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  const ok =
    raw.trim() !== '' &&
    Number.isFinite(n) &&
    (!rule.integer || Number.isInteger(n)) &&
    (rule.min === undefined || n >= rule.min) &&
    (rule.max === undefined || n <= rule.max);
  if (!ok) {
    const range = `${rule.integer ? 'an integer' : 'a number'}${rule.min !== undefined ? ` >= ${rule.min}` : ''}${rule.max !== undefined ? ` and <= ${rule.max}` : ''}`;
    throw new UsageError(`${flag} must be ${range}, got "${raw}"`);
  }
  return n;
}

/** Device ids for `load`: <prefix>-0001 ... zero-padded to at least four digits. */
export function loadDeviceIds(prefix: string, count: number): string[] {
  const width = Math.max(4, String(count).length);
  return Array.from({ length: count }, (_, i) => `${prefix}-${String(i + 1).padStart(width, '0')}`);
}
