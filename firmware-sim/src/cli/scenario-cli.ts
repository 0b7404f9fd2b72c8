/**
 * `npm run sim -- scenario <file>`: plays a scenario file (docs/simulator.md) in real time
 * against a running system, printing the timeline and whatever the devices hear back.
 */
import { parseArgs } from 'node:util';
import { isValidId, systemClock } from '@trygg/protocol';
import { closeScenarioPorts, openScenarioPorts, type ScenarioConnections } from '../scenarios/ports/open-ports';
import { loadScenarioFile, ScenarioError } from '../scenarios/scenario-file';
import { runScenario } from '../scenarios/scenario-runner';
import type { Scenario } from '../scenarios/scenario-types';
import type { CliIo } from './run-cli';

export interface ScenarioCliCommand {
  kind: 'scenario';
  file: string;
  /** Only check the file. */
  check: boolean;
  verbose: boolean;
  /** Seconds to keep listening for feedback after the scenario's end. */
  waitSeconds: number;
  siteId?: string;
  connections: Required<Pick<ScenarioConnections, 'mqtt' | 'serial' | 'zigbee'>>;
}

export const SCENARIO_USAGE = `  scenario <file>         play a scenario file (YAML timeline, docs/simulator.md) in real time:
                          MQTT devices on --url/--username/--password, serial devices on
                          --serial-port <path> (--baud), Zigbee2MQTT on --zigbee-url
                          ($Z2M_URL, default mqtt://127.0.0.1:1883; --zigbee-username,
                          --zigbee-password, --base-topic); --site overrides the file's site;
                          --check only validates the file; --verbose logs every heartbeat;
                          --wait S listens for feedback S seconds after the end (default 2)`;

const options = {
  url: { type: 'string' },
  username: { type: 'string' },
  password: { type: 'string' },
  site: { type: 'string' },
  'serial-port': { type: 'string' },
  baud: { type: 'string' },
  'zigbee-url': { type: 'string' },
  'zigbee-username': { type: 'string' },
  'zigbee-password': { type: 'string' },
  'base-topic': { type: 'string' },
  check: { type: 'boolean' },
  verbose: { type: 'boolean' },
  wait: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const BROKER_URL = /^(mqtts?|tcp|tls|wss?):\/\/./;

/** Pure: the arguments after `scenario`, a command, or one clear error line. */
export function parseScenarioArgs(argv: string[], env: Record<string, string | undefined>): ScenarioCliCommand | { kind: 'help' } | string {
  const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  if (values.help) return { kind: 'help' };
  const [file, extra] = positionals;
  if (file === undefined) return 'scenario: missing <file> (e.g. firmware-sim/scenarios/demo.yaml)';
  if (extra !== undefined) return `scenario: unexpected argument "${extra}"`;
  const url = values.url ?? (env.MQTT_URL || `mqtt://127.0.0.1:${env.MQTT_PORT || 1883}`);
  if (!BROKER_URL.test(url)) return `--url must be an mqtt://, mqtts://, ws:// or wss:// URL, got "${url}"`;
  const zigbeeUrl = values['zigbee-url'] ?? (env.Z2M_URL || 'mqtt://127.0.0.1:1883');
  if (!BROKER_URL.test(zigbeeUrl)) return `--zigbee-url must be an mqtt://, mqtts://, ws:// or wss:// URL, got "${zigbeeUrl}"`;
  if (values.site !== undefined && !isValidId(values.site)) return `--site "${values.site}" is not a valid id (lowercase letters, digits, - and _)`;
  const baudRate = values.baud === undefined ? 9600 : Number(values.baud);
  if (!Number.isInteger(baudRate) || baudRate < 50 || baudRate > 4_000_000) return `--baud must be an integer baud rate, got "${values.baud}"`;
  const waitSeconds = values.wait === undefined ? 2 : Number(values.wait);
  if (values.wait?.trim() === '' || !Number.isFinite(waitSeconds) || waitSeconds < 0) return `--wait must be a number >= 0, got "${values.wait}"`;
  const baseTopic = values['base-topic'];
  if (baseTopic !== undefined && (baseTopic === '' || /[#+]/.test(baseTopic))) return `--base-topic "${baseTopic}" is not a valid topic`;
  return {
    kind: 'scenario',
    file,
    check: values.check ?? false,
    verbose: values.verbose ?? false,
    waitSeconds,
    ...(values.site !== undefined && { siteId: values.site }),
    connections: {
      mqtt: { url, username: values.username ?? 'demo-devices', password: values.password ?? 'trygg-demo-devices' },
      serial: { ...(values['serial-port'] !== undefined && { path: values['serial-port'] }), baudRate },
      zigbee: {
        url: zigbeeUrl,
        ...(values['zigbee-username'] !== undefined && { username: values['zigbee-username'] }),
        ...(values['zigbee-password'] !== undefined && { password: values['zigbee-password'] }),
        ...(baseTopic !== undefined && { baseTopic }),
      },
    },
  };
}

/** `announceBroker` says which broker it will use, once the file is known good and it connects. */
export async function runScenarioCommand(command: ScenarioCliCommand, io: CliIo, announceBroker: () => void = () => {}): Promise<number> {
  let scenario: Scenario;
  try {
    scenario = loadScenarioFile(command.file);
  } catch (err) {
    if (!(err instanceof ScenarioError)) throw err;
    io.err(`error: ${err.source}: ${err.problems.length} problem${err.problems.length === 1 ? '' : 's'}`);
    for (const p of err.problems) io.err(`  ${p}`);
    return 1;
  }
  if (command.siteId) scenario = { ...scenario, siteId: command.siteId };
  const devices = [...scenario.devices.values()].map((d) => `${d.id} (${d.transport})`).join(', ');
  io.out(`scenario "${scenario.name}": ${scenario.steps.length} steps over ${scenario.endMs / 1000} s, site ${scenario.siteId}; devices ${devices}`);
  if (command.check) return 0;

  const serialless = [...scenario.devices.values()].filter((d) => d.transport === 'serial' && !d.port && !command.connections.serial.path);
  if (serialless.length > 0) {
    io.err(`error: serial devices ${serialless.map((d) => d.id).join(', ')} need --serial-port <path> (or a port in the file)`);
    return 2;
  }
  announceBroker();
  const ports = await openScenarioPorts(scenario, command.connections);
  try {
    const run = runScenario(scenario, { clock: systemClock, ports, log: io.out, logHeartbeats: command.verbose });
    const interrupted = io.interrupted().then(() => 'interrupted' as const);
    const outcome = await Promise.race([run.finished.then(() => 'finished' as const), interrupted]);
    if (outcome === 'finished' && command.waitSeconds > 0) {
      // A real timer: the CLI's edge, letting the last feedback arrive.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([new Promise((r) => (timer = setTimeout(r, command.waitSeconds * 1000))), interrupted]);
      clearTimeout(timer);
    }
    const summary = await run.stop();
    const took = ((Date.now() - run.startedAt) / 1000).toFixed(1);
    io.out(`scenario ${outcome === 'interrupted' ? 'interrupted' : 'done'}: ${summary.steps} steps and ${summary.heartbeats} heartbeats sent in ${took} s; ${summary.failed} failed; ${run.heard.length} heard back`);
    return summary.failed > 0 ? 1 : 0;
  } finally {
    await closeScenarioPorts(ports);
  }
}
