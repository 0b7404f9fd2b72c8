import type { Clock, TimerHandle } from '@trygg/protocol';
import { SimulatorError } from '../errors';
import { formatOffset } from './durations';
import type { PortAction, Scenario, ScenarioDevice, ScenarioPort, ScenarioStep, ScenarioTransport, StepKind } from './scenario-types';

export interface ScenarioRunOptions {
  /** Real time for demos and end-to-end tests, a FakeClock for unit tests. */
  clock: Clock;
  /** One port per transport the scenario uses (see ./ports). */
  ports: Partial<Record<ScenarioTransport, ScenarioPort>>;
  /** Timeline lines ("   2.00 s  heartbeat-stops sensor-9"). */
  log?: (line: string) => void;
  /** Also log each heartbeat round; default false (they are counted in the summary). */
  logHeartbeats?: boolean;
}

/** One thing the runner did: a step, or one device's heartbeat. */
export interface PlayedAction {
  /** Offset from the start when it was handed to the transport. */
  atMs: number;
  /** The clock's time then. */
  at: number;
  kind: StepKind;
  deviceId: string;
  transport: ScenarioTransport;
  /** Index in the scenario's steps; absent for heartbeats. */
  step?: number;
  error?: string;
}

export interface HeardNotice {
  atMs: number;
  deviceId: string;
  transport: ScenarioTransport;
  what: string;
}

export interface ScenarioSummary {
  steps: number;
  heartbeats: number;
  failed: number;
  /** Stopped before its end. */
  stopped: boolean;
}

export interface ScenarioRun {
  readonly startedAt: number;
  readonly played: readonly PlayedAction[];
  readonly heard: readonly HeardNotice[];
  /** Resolves once the end has passed and everything was handed over. */
  readonly finished: Promise<ScenarioSummary>;
  /** When `deviceId` last sent a heartbeat (clock time), if ever. */
  lastHeartbeatAt(deviceId: string): number | undefined;
  /** Ends the run now (heartbeats too); the ports stay open for their owner to close. */
  stop(): Promise<ScenarioSummary>;
}

/**
 * Plays a scenario against its ports on `clock`: each step at its offset, and the heartbeats of
 * every device still beating at each round. Steps at the same offset run in file order, before
 * that offset's heartbeat round (so `heartbeat-stops` at 2s means no heartbeat at 2s). Actions
 * are handed to the ports one after another, so a slow link delays, never reorders, the timeline.
 */
export function runScenario(scenario: Scenario, opts: ScenarioRunOptions): ScenarioRun {
  const missing = [...scenario.transports].filter((t) => !opts.ports[t]);
  if (missing.length > 0) {
    const uses = missing.map((t) => `${t} (${[...scenario.devices.values()].filter((d) => d.transport === t).map((d) => d.id).join(', ')})`);
    throw new SimulatorError('TRYGG_SIM_CONFIG', `scenario "${scenario.name}" uses ${uses.join(' and ')} but no port was given for it`);
  }
  const { clock } = opts;
  const log = opts.log ?? (() => {});
  const startedAt = clock.now();
  const played: PlayedAction[] = [];
  const heard: HeardNotice[] = [];
  const lastBeat = new Map<string, number>();
  const beating = new Set(scenario.heartbeats?.devices ?? []);
  const battery = new Map<string, number>();
  const summary: ScenarioSummary = { steps: 0, heartbeats: 0, failed: 0, stopped: false };
  let nextStep = 0;
  let round = 0;
  let timer: TimerHandle | undefined;
  let chain: Promise<void> = Promise.resolve();
  let done = false;
  let finish!: () => void;
  const ended = new Promise<void>((resolve) => (finish = resolve));

  for (const [transport, port] of Object.entries(opts.ports) as [ScenarioTransport, ScenarioPort][]) {
    port.onNotice((n) => {
      if (done) return;
      const atMs = clock.now() - startedAt;
      heard.push({ atMs, deviceId: n.deviceId, transport, what: n.what });
      log(`${formatOffset(atMs)}  ${n.deviceId} <- ${n.what}`);
    });
  }

  /** Queues one action for its port; `kind` is what the timeline calls it (a `battery` step sends a heartbeat). */
  const send = (kind: StepKind, device: ScenarioDevice, action: Omit<PortAction, 'device' | 'now'>, step?: ScenarioStep, quiet = false) => {
    chain = chain.then(async () => {
      const at = clock.now();
      const record: PlayedAction = { atMs: at - startedAt, at, kind, deviceId: device.id, transport: device.transport, ...(step && { step: step.index }) };
      played.push(record);
      if (action.kind === 'heartbeat') lastBeat.set(device.id, at);
      try {
        await opts.ports[device.transport]!.send({ ...action, device, now: at });
        if (!quiet) log(`${formatOffset(record.atMs)}  ${describe(kind, device, step)}`);
      } catch (err) {
        record.error = err instanceof Error ? err.message : String(err);
        summary.failed++;
        log(`${formatOffset(record.atMs)}  ${describe(kind, device, step)} failed: ${record.error}`);
      }
    });
  };

  const runStep = (step: ScenarioStep) => {
    summary.steps++;
    const { device } = step;
    switch (step.kind) {
      case 'heartbeat-stops':
        beating.delete(device.id);
        chain = chain.then(() => log(`${formatOffset(clock.now() - startedAt)}  heartbeat-stops ${device.id}`));
        return;
      case 'heartbeat-resumes':
        beating.add(device.id);
        return send(step.kind, device, { kind: 'heartbeat', ...batteryOf(device.id) }, step);
      case 'battery':
        battery.set(device.id, step.battery!);
        return send(step.kind, device, { kind: 'heartbeat', battery: step.battery! }, step);
      default: {
        const { battery: b, pin, location, until, action } = step;
        return send(step.kind, device, {
          kind: step.kind,
          ...(b !== undefined && { battery: b }), ...(pin !== undefined && { pin }), ...(location && { location }),
          ...(until && { until }), ...(action !== undefined && { action }),
        }, step);
      }
    }
  };

  const batteryOf = (id: string) => {
    const b = battery.get(id) ?? scenario.heartbeats?.battery;
    return b === undefined ? {} : { battery: b };
  };

  const heartbeatRound = () => {
    const devices = [...beating];
    summary.heartbeats += devices.length;
    for (const id of devices) send('heartbeat', scenario.devices.get(id)!, { kind: 'heartbeat', ...batteryOf(id) }, undefined, true);
    if (opts.logHeartbeats && devices.length > 0) {
      chain = chain.then(() => log(`${formatOffset(clock.now() - startedAt)}  heartbeat ${devices.join(', ')}`));
    }
  };

  const roundAt = (n: number) => (scenario.heartbeats ? n * scenario.heartbeats.everyMs : Infinity);

  /** Runs everything due, then sets the one timer for whatever comes next. */
  const tick = () => {
    timer = undefined;
    if (done) return;
    const elapsed = clock.now() - startedAt;
    for (;;) {
      const step = scenario.steps[nextStep];
      const beatAt = roundAt(round);
      if (step && step.atMs <= elapsed && step.atMs <= beatAt) {
        nextStep++;
        runStep(step);
      } else if (beatAt <= elapsed && beatAt <= scenario.endMs) {
        round++;
        heartbeatRound();
      } else {
        break;
      }
    }
    const nextAt = Math.min(scenario.steps[nextStep]?.atMs ?? Infinity, roundAt(round) <= scenario.endMs ? roundAt(round) : Infinity);
    if (nextAt === Infinity) {
      if (elapsed >= scenario.endMs) return void end(false);
      timer = clock.setTimer(scenario.endMs - elapsed, tick);
      return;
    }
    timer = clock.setTimer(nextAt - elapsed, tick);
  };

  const end = async (stopped: boolean): Promise<ScenarioSummary> => {
    if (!done) {
      done = true;
      summary.stopped = stopped;
      timer?.cancel();
      timer = undefined;
      await chain;
      finish();
    }
    await ended;
    return summary;
  };

  const finished = ended.then(async () => {
    await chain;
    return summary;
  });
  tick();

  return {
    startedAt,
    played,
    heard,
    finished,
    lastHeartbeatAt: (id) => lastBeat.get(id),
    stop: () => end(true),
  };
}

function describe(kind: StepKind, device: ScenarioDevice, step?: ScenarioStep): string {
  const extra: string[] = [];
  if (step?.battery !== undefined) extra.push(`battery ${step.battery}%`);
  if (step?.location) extra.push(`at ${JSON.stringify(step.location)}`);
  if (step?.until) extra.push(`until ${'at' in step.until ? step.until.at : `+${step.until.inMs / 1000}s`}`);
  if (step?.pin !== undefined) extra.push('with PIN');
  return `${kind} ${device.id} (${device.transport}${extra.length ? `, ${extra.join(', ')}` : ''})`;
}
