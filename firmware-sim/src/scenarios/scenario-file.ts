import { readFileSync } from 'node:fs';
import { createAjv, formatSchemaErrors, type DeviceLocation } from '@trygg/protocol';
import { parse } from 'yaml';
import { SimulatorError } from '../errors';
import { findZigbeeModel } from '../devices/zigbee-models';
import { parseDuration, parseUntil } from './durations';
import { scenarioSchema } from './scenario-schema';
import {
  STEP_KINDS,
  TRANSPORT_ACTIONS,
  type DeviceActionKind,
  type Scenario,
  type ScenarioDevice,
  type ScenarioStep,
  type ScenarioTransport,
  type StepKind,
} from './scenario-types';

/** A scenario file with problems; `problems` are `path: message`, all of them at once. */
export class ScenarioError extends SimulatorError {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super('TRYGG_SIM_CONFIG', `${source}: ${problems.join('; ')}`);
  }
}

interface RawParams {
  device: string;
  transport?: ScenarioTransport;
  action?: string;
  pin?: string;
  battery?: number;
  location?: DeviceLocation;
  until?: string;
  level?: number;
}

interface RawScenario {
  name: string;
  description?: string;
  site?: string;
  transport?: ScenarioTransport;
  devices?: Record<string, { transport?: ScenarioTransport; port?: string; model?: string; friendlyName?: string }>;
  heartbeats?: { every: string; devices: string[]; battery?: number };
  end?: string;
  steps: ({ at: string } & Partial<Record<StepKind, string | RawParams>>)[];
}

const validate = createAjv().compile<RawScenario>(scenarioSchema);

/** Reads and checks a scenario file; throws a ScenarioError listing every problem. */
export function loadScenarioFile(path: string): Scenario {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new SimulatorError('TRYGG_SIM_CONFIG', `cannot read scenario ${path}: ${(err as Error).message}`, { cause: err });
  }
  return parseScenario(text, path);
}

/** Parses YAML (or JSON) text into a checked Scenario; throws a ScenarioError. */
export function parseScenario(text: string, source = 'scenario'): Scenario {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new ScenarioError(source, [`(yaml): ${(err as Error).message.split('\n')[0]}`]);
  }
  const checked = checkScenario(doc);
  if (!checked.ok) throw new ScenarioError(source, checked.problems);
  return checked.scenario;
}

/**
 * Schema first (every problem as `path: message`), then what a schema cannot say: one action per
 * step, steps in time order, each action possible on its device's transport, heartbeats stopped
 * only for devices that heartbeat.
 */
export function checkScenario(doc: unknown): { ok: true; scenario: Scenario } | { ok: false; problems: string[] } {
  if (!validate(doc)) return { ok: false, problems: formatSchemaErrors(validate.errors) };
  const raw = doc;
  const problems: string[] = [];
  const defaultTransport = raw.transport ?? 'mqtt';

  const declared = new Map<string, ScenarioDevice>();
  for (const [id, d] of Object.entries(raw.devices ?? {})) {
    const device: ScenarioDevice = { id, transport: d.transport ?? defaultTransport };
    const at = `devices.${id}`;
    if (d.port !== undefined) {
      if (device.transport !== 'serial') problems.push(`${at}.port: only serial devices have a port`);
      device.port = d.port;
    }
    for (const key of ['model', 'friendlyName'] as const) {
      if (d[key] === undefined) continue;
      if (device.transport !== 'zigbee') problems.push(`${at}.${key}: only zigbee devices have a ${key}`);
      device[key] = d[key];
    }
    if (d.model !== undefined && !findZigbeeModel(d.model)) problems.push(`${at}.model: unknown Zigbee model "${d.model}"`);
    declared.set(id, device);
  }
  const devices = new Map(declared);
  const deviceFor = (id: string, transport?: ScenarioTransport): ScenarioDevice => {
    const known = declared.get(id) ?? { id, transport: defaultTransport };
    const device = transport && transport !== known.transport ? { id, transport } : known;
    if (!devices.has(id)) devices.set(id, device);
    return device;
  };

  const beating = new Set(raw.heartbeats?.devices ?? []);
  for (const id of beating) deviceFor(id);
  const transports = new Set<ScenarioTransport>([...beating].map((id) => deviceFor(id).transport));

  const steps: ScenarioStep[] = [];
  let previous = 0;
  raw.steps.forEach((step, index) => {
    const at = `steps.${index}`;
    const kinds = STEP_KINDS.filter((k) => step[k] !== undefined);
    if (kinds.length !== 1) {
      problems.push(kinds.length === 0 ? `${at}: no action (one of ${STEP_KINDS.join(', ')})` : `${at}: one action per step, found ${kinds.join(' and ')}`);
      return;
    }
    const kind = kinds[0]!;
    const value = step[kind]!;
    const params: RawParams = typeof value === 'string' ? { device: value } : value;
    const atMs = parseDuration(step.at)!;
    if (atMs < previous) problems.push(`${at}.at: ${step.at} is before the step above it; steps go in time order`);
    previous = Math.max(previous, atMs);
    const device = deviceFor(params.device, params.transport);
    const path = `${at}.${kind}`;

    const action: DeviceActionKind | null =
      kind === 'heartbeat-stops' || kind === 'heartbeat-resumes' ? null : kind === 'battery' ? 'heartbeat' : kind;
    if (action && !TRANSPORT_ACTIONS[device.transport].includes(action)) {
      problems.push(`${path}: a ${device.transport} device cannot send ${kind} (it can: ${TRANSPORT_ACTIONS[device.transport].join(', ')})`);
    }
    if (action) transports.add(device.transport);
    if (!action && !beating.has(device.id)) problems.push(`${path}: ${device.id} is not in heartbeats.devices`);
    if (params.location && device.transport !== 'mqtt') problems.push(`${path}.location: ${device.transport} devices send no location`);
    if (params.action !== undefined && device.transport !== 'zigbee') problems.push(`${path}.action: only zigbee presses have an action`);

    const out: ScenarioStep = { index, atMs, kind, device };
    const battery = params.level ?? params.battery;
    if (battery !== undefined) out.battery = battery;
    if (params.pin !== undefined) out.pin = params.pin;
    if (params.location !== undefined) out.location = params.location;
    if (params.action !== undefined) out.action = params.action;
    if (params.until !== undefined) {
      const until = parseUntil(params.until);
      if (until) out.until = until;
      else problems.push(`${path}.until: "${params.until}" is not +<duration> or a UTC time`);
    }
    steps.push(out);
  });

  const everyMs = raw.heartbeats ? parseDuration(raw.heartbeats.every)! : 0;
  if (raw.heartbeats && everyMs < 100) problems.push(`heartbeats.every: ${raw.heartbeats.every} is too often (at least 100ms)`);
  const lastAt = steps.at(-1)?.atMs ?? 0;
  let endMs = lastAt;
  if (raw.end !== undefined) {
    endMs = parseDuration(raw.end)!;
    if (endMs < lastAt) problems.push(`end: ${raw.end} is before the last step`);
  }
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    scenario: {
      name: raw.name,
      ...(raw.description !== undefined && { description: raw.description }),
      siteId: raw.site ?? 'demo',
      devices,
      ...(raw.heartbeats && {
        heartbeats: {
          everyMs,
          devices: raw.heartbeats.devices,
          ...(raw.heartbeats.battery !== undefined && { battery: raw.heartbeats.battery }),
        },
      }),
      steps,
      endMs,
      transports,
    },
  };
}
