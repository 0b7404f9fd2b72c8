import { readFileSync } from 'node:fs';
import type { DeviceCommand } from '@trygg/protocol';
import { formatDeviceTable, readConfiguredDevices } from '../demo-devices';
import { SimulatorError } from '../errors';
import { startHeartbeatLoad } from '../heartbeat-load';
import { connectSimulator, type DeviceSimulator } from '../simulator';
import { runZigbee } from './zigbee-cli';
import { runSerialCommand } from '../serial-cli';
import { runHid } from './hid-cli';
import { runScenarioCommand } from './scenario-cli';
import { startPressLoad } from '../scenarios/press-load';
import { chooseBroker, type BrokerChoice } from './broker-discovery';
import { USAGE, loadDeviceIds, parseCliArgs, type CliCommand, type Connection } from './cli-args';

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  /** Resolves when the user asks to stop (Ctrl-C); used by `load` without --duration. */
  interrupted(): Promise<void>;
}

/** Feedback after which nothing more will come for this press. */
const FINAL_ACTIONS: ReadonlySet<DeviceCommand['action']> = new Set(['resolved', 'cancelled']);

const TRYGG_BROKER_COMMANDS: ReadonlySet<CliCommand['kind']> = new Set(['press', 'release', 'heartbeat', 'load']);
/** Commands that talk to Trygg's broker: they find a running Trygg by its run-file (broker-discovery.ts). */
const DISCOVERING_COMMANDS: ReadonlySet<CliCommand['kind']> = new Set([...TRYGG_BROKER_COMMANDS, 'scenario']);
const BROKER_HINT = 'If Trygg listens elsewhere, set MQTT_PORT (e.g. MQTT_PORT=18830) or MQTT_URL, or pass --url.';

/** Runs one CLI invocation and returns its exit code; never throws for expected failures. */
export async function runCli(argv: string[], env: Record<string, string | undefined>, io: CliIo): Promise<number> {
  let parsed = parseCliArgs(argv, env);
  let broker: BrokerChoice = { env };
  if (parsed.ok && DISCOVERING_COMMANDS.has(parsed.command.kind)) {
    broker = chooseBroker(argv, env);
    if (broker.env !== env) parsed = parseCliArgs(argv, broker.env);
  }
  if (!parsed.ok) {
    io.err(`error: ${parsed.error}`);
    return 2;
  }
  // A scenario says it once its file is checked (and not at all with --check): it connects only then.
  if (broker.note && parsed.command.kind !== 'scenario') io.err(broker.note);
  try {
    return await run(parsed.command, io, broker);
  } catch (err) {
    // One clear line for what a user can fix; the stack only helps for real bugs.
    if (err instanceof SimulatorError) {
      io.err(`error: ${err.message}`);
      // Commands on Trygg's own broker: say what picks it (Zigbee2MQTT's broker is another matter).
      if (err.code === 'TRYGG_SIM_BROKER_UNREACHABLE' && TRYGG_BROKER_COMMANDS.has(parsed.command.kind)) {
        io.err(BROKER_HINT);
        if (broker.hint) io.err(broker.hint);
      }
      return 1;
    }
    throw err;
  }
}

async function run(command: CliCommand, io: CliIo, broker: BrokerChoice): Promise<number> {
  switch (command.kind) {
    case 'help':
      io.out(USAGE);
      return 0;
    case 'list': {
      const devices = readConfiguredDevices(command.configPath);
      for (const line of formatDeviceTable(devices)) io.out(line);
      return 0;
    }
    case 'press':
      return withSimulator(command.connection, async (sim) => {
        const feedback = collectFeedback(sim, command.deviceId, io);
        try {
          // Like a Trygg device: repeated until Trygg confirms it stored the press, then done.
          const confirmed = await sim.pressReliably(command.deviceId, { giveUpMs: command.waitSeconds * 1000 });
          const attempts = `${confirmed.attempts} attempt${confirmed.attempts === 1 ? '' : 's'}`;
          io.out(`${command.deviceId}: press stored by Trygg (msg ${short(confirmed.msgId)}, seq ${confirmed.seq}, ${attempts})`);
        } catch (err) {
          feedback.stop();
          if (!(err instanceof SimulatorError) || err.code !== 'TRYGG_SIM_NOT_CONFIRMED') throw err;
          io.err(`error: no confirmation from Trygg within ${command.waitSeconds} s through the MQTT broker at ${command.connection.url}.`);
          io.err(`Is Trygg (server and gateway) running on that broker? ${BROKER_HINT}`);
          if (broker.hint) io.err(broker.hint);
          return 1;
        }
        if (command.follow) await feedback.untilFinal(io.interrupted());
        feedback.stop();
        return 0;
      });
    case 'release':
      return withSimulator(command.connection, async (sim) => {
        const sent = await sim.release(command.deviceId);
        io.out(`${command.deviceId}: release sent (msg ${short(sent.msgId)}, seq ${sent.seq})`);
        return 0;
      });
    case 'heartbeat':
      return withSimulator(command.connection, async (sim) => {
        const sent = await sim.heartbeat(command.deviceId, command.battery);
        const battery = command.battery === undefined ? '' : `, battery ${command.battery}%`;
        io.out(`${command.deviceId}: heartbeat sent (seq ${sent.seq}${battery})`);
        return 0;
      });
    case 'zigbee':
      return runZigbee(command, io);
    case 'serial':
      return runSerialCommand(command, io);
    case 'hid':
      return runHid(command, io);
    case 'scenario':
      return runScenarioCommand(command, io, () => broker.note && io.err(broker.note));
    case 'load': {
      const connection = withCa(command.connection);
      const started = Date.now();
      const devices = loadDeviceIds(command.prefix, command.devices);
      const load = await startHeartbeatLoad({ ...connection, devices, intervalMs: command.intervalMs });
      io.out(`load: ${command.devices} devices on ${load.connections} connection(s), one heartbeat each every ${command.intervalMs} ms`);
      const sim = command.alarmsPerSecond ? await connectSimulator(connection).catch(async (err: unknown) => { await load.stop(); throw err; }) : null;
      const presses = sim ? startPressLoad({ press: (id) => sim.press(id), devices, perSecond: command.alarmsPerSecond! }) : null;
      if (presses) io.out(`load: ${command.alarmsPerSecond} presses a second, each on the next of ${devices[0]} ... ${devices.at(-1)}`);
      const deadline = command.durationSeconds === undefined ? null : delay(command.durationSeconds * 1000);
      await Promise.race([io.interrupted(), ...(deadline ? [deadline.done] : [])]);
      deadline?.cancel();
      await presses?.stop();
      await sim?.close();
      await load.stop();
      const took = ((Date.now() - started) / 1000).toFixed(1);
      io.out(`load: sent ${load.sent} heartbeats in ${took} s`);
      if (presses) {
        const last = devices[presses.devicesPressed - 1];
        io.out(`load: sent ${presses.sent} presses over ${presses.devicesPressed} distinct devices (${devices[0]} ... ${last})${presses.failed ? `, ${presses.failed} failed` : ''}`);
      }
      return presses?.failed ? 1 : 0;
    }
  }
}

/** --ca names a file; the MQTT client wants its PEM text. */
function withCa(connection: Connection): Connection & { ca?: string } {
  if (!connection.caFile) return connection;
  try {
    return { ...connection, ca: readFileSync(connection.caFile, 'utf8') };
  } catch (err) {
    throw new SimulatorError('TRYGG_SIM_CONFIG', `--ca ${connection.caFile}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
  }
}

async function withSimulator(connection: Connection, body: (sim: DeviceSimulator) => Promise<number>): Promise<number> {
  const sim = await connectSimulator(withCa(connection));
  try {
    return await body(sim);
  } finally {
    await sim.close();
  }
}

/** Prints feedback for one device as it arrives; `untilFinal` waits for the alarm to end. */
function collectFeedback(sim: DeviceSimulator, deviceId: string, io: CliIo) {
  let finished: (() => void) | null = null;
  let final = false;
  const off = sim.onFeedback((id, command) => {
    if (id !== deviceId) return;
    io.out(`${deviceId}: ${command.action} (alarm ${short(command.alarmId)})`);
    if (FINAL_ACTIONS.has(command.action)) {
      final = true;
      finished?.();
    }
  });
  return {
    /** Resolves on `resolved` / `cancelled`, or when the user interrupts. */
    async untilFinal(interrupted: Promise<void>): Promise<void> {
      if (final) return;
      await Promise.race([new Promise<void>((resolve) => (finished = resolve)), interrupted]);
    },
    stop(): void {
      off();
    },
  };
}

function short(id: string): string {
  return id.length > 8 ? `${id.slice(0, 8)}…` : id;
}

function delay(ms: number): { done: Promise<void>; cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  const done = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return { done, cancel: () => clearTimeout(timer) };
}
