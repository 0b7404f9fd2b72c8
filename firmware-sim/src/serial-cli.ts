/**
 * `npm run sim -- serial --port <path> <event> <deviceId>`: one event from a simulated serial
 * alarm receiver, waiting for the gateway's ACK and showing the feedback that comes back.
 */
import { parseArgs } from 'node:util';
import { isValidId, SERIAL_EVENT_KINDS, type SerialEventKind, type SerialUntil } from '@trygg/protocol';
import { SimulatedSerialReceiver, type SerialEventOptions } from './devices/serial-receiver';

export interface SerialCliCommand {
  kind: 'serial';
  port: string;
  baudRate: number;
  event: SerialEventKind;
  deviceId: string;
  options: SerialEventOptions;
  /** Seconds to wait for feedback after the ACK. */
  waitSeconds: number;
}

export const SERIAL_USAGE = `  serial <event> <deviceId> --port <path>
                          play a serial alarm receiver (docs/serial-protocol.md) on a tty or pty;
                          <event>: ${SERIAL_EVENT_KINDS.join(', ')}
                          (--baud 9600, --battery N, --pin 1234 with cancel, --until +600 or
                          2026-01-05T10:00:00Z with checkin-start/-extend, --wait S for feedback)`;

const options = {
  port: { type: 'string' },
  baud: { type: 'string' },
  battery: { type: 'string' },
  pin: { type: 'string' },
  until: { type: 'string' },
  wait: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/**
 * Pure: the arguments after `serial`, a command, or one clear error line. Unknown options throw
 * node's ERR_PARSE_ARGS_UNKNOWN_OPTION, which the CLI reports like any other.
 */
export function parseSerialArgs(argv: string[]): SerialCliCommand | { kind: 'help' } | string {
  const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  if (values.help) return { kind: 'help' };
  return parseSerialCommand(positionals, values);
}

function parseSerialCommand(rest: string[], values: { port?: string; baud?: string; battery?: string; pin?: string; until?: string; wait?: string }): SerialCliCommand | string {
  const [event, deviceId, extra] = rest;
  if (event === undefined) return `serial: missing <event> (one of ${SERIAL_EVENT_KINDS.join(', ')})`;
  if (!(SERIAL_EVENT_KINDS as readonly string[]).includes(event)) return `serial: unknown event "${event}" (one of ${SERIAL_EVENT_KINDS.join(', ')})`;
  if (deviceId === undefined) return 'serial: missing <deviceId> (see "npm run sim -- list")';
  if (extra !== undefined) return `serial: unexpected argument "${extra}"`;
  if (!isValidId(deviceId)) return `"${deviceId}" is not a valid device id (lowercase letters, digits, - and _)`;
  if (!values.port) return 'serial: --port <path> is required (the receiver end of the line, e.g. /dev/pts/3)';
  const baudRate = values.baud === undefined ? 9600 : Number(values.baud);
  if (!Number.isInteger(baudRate) || baudRate < 50 || baudRate > 4_000_000) return `--baud must be an integer baud rate, got "${values.baud}"`;
  const waitSeconds = values.wait === undefined ? 3 : Number(values.wait);
  if (values.wait?.trim() === '' || !Number.isFinite(waitSeconds) || waitSeconds < 0) return `--wait must be a number >= 0, got "${values.wait}"`;

  const eventOptions: SerialEventOptions = {};
  if (values.battery !== undefined) {
    if (!/^(100|[1-9]?[0-9])$/.test(values.battery)) return `--battery must be an integer >= 0 and <= 100, got "${values.battery}"`;
    eventOptions.battery = Number(values.battery);
  }
  if (values.pin !== undefined) {
    if (event !== 'cancel') return '--pin goes with the cancel event only';
    if (!/^[0-9]{4,8}$/.test(values.pin)) return '--pin must be 4-8 digits';
    eventOptions.pin = values.pin;
  }
  const timed = event === 'checkin-start' || event === 'checkin-extend';
  if (timed !== (values.until !== undefined)) return timed ? `${event} needs --until (+600 or 2026-01-05T10:00:00Z)` : '--until goes with checkin-start and checkin-extend only';
  if (values.until !== undefined) {
    const until = parseUntil(values.until);
    if (!until) return `--until must be +<seconds> or a UTC time like 2026-01-05T10:00:00Z, got "${values.until}"`;
    eventOptions.until = until;
  }
  return { kind: 'serial', port: values.port, baudRate, event: event as SerialEventKind, deviceId, options: eventOptions, waitSeconds };
}

function parseUntil(raw: string): SerialUntil | null {
  const rel = /^\+([1-9][0-9]{0,5})$/.exec(raw);
  if (rel) return { inSeconds: Number(rel[1]) };
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/.test(raw) && !Number.isNaN(Date.parse(raw)) ? { at: raw } : null;
}

/** How long the gateway has to acknowledge the event before the CLI gives up. */
const ACK_WAIT_MS = 10_000;

export interface SerialCliIo {
  out(line: string): void;
  err(line: string): void;
  interrupted(): Promise<void>;
}

/** Runs the command; 0 once the gateway acknowledged the event, 1 if it refused or never answered. */
export async function runSerialCommand(command: SerialCliCommand, io: SerialCliIo): Promise<number> {
  const rx = await SimulatedSerialReceiver.open({ path: command.port, baudRate: command.baudRate });
  const { deviceId } = command;
  const timers: NodeJS.Timeout[] = [];
  // A real timer: the CLI's edge, waiting on a gateway and a person at the console.
  const after = (ms: number) => new Promise<'timeout'>((resolve) => timers.push(setTimeout(() => resolve('timeout'), ms)));
  let final: () => void = () => {};
  const finished = new Promise<'final'>((resolve) => (final = () => resolve('final')));
  let heard = 0;
  rx.on('feedback', (fb) => {
    if (fb.deviceId !== deviceId) return;
    heard++;
    io.out(`${deviceId}: ${fb.action} (LED ${fb.led}, vibration ${fb.vibration}, buzzer ${fb.buzzer})`);
    if (fb.action === 'resolved' || fb.action === 'cancelled') final();
  });
  try {
    io.out(`serial receiver on ${command.port} (boot ${rx.bootId})`);
    const sent = rx.send(deviceId, command.event, command.options);
    io.out(`${deviceId}: ${command.event} sent (seq ${sent.seq}, msg ${sent.msgId})`);
    const outcome = await Promise.race([
      sent.acked.then((n) => n),
      sent.refused.then(() => 'refused' as const),
      after(ACK_WAIT_MS),
      io.interrupted().then(() => 'interrupted' as const),
    ]);
    if (outcome === 'interrupted') return 1;
    if (outcome === 'refused') {
      io.err(`error: the gateway refused the frame (REJ); see the gateway log for the reason`);
      return 1;
    }
    if (outcome === 'timeout') {
      io.err(`error: no acknowledgement within ${ACK_WAIT_MS / 1000} s: is a gateway's serial transport on the other end of ${command.port}?`);
      return 1;
    }
    io.out(`${deviceId}: acknowledged by the gateway after ${outcome} transmission(s)`);
    if (command.waitSeconds > 0) {
      const waited = await Promise.race([finished, after(command.waitSeconds * 1000), io.interrupted()]);
      if (waited === 'timeout' && heard === 0) io.out(`${deviceId}: no feedback within ${command.waitSeconds} s`);
    }
    return 0;
  } finally {
    for (const t of timers) clearTimeout(t);
    await rx.close();
  }
}
