/**
 * `npm run chaos`: the fault-injection campaign of docs/reliability.md ("Fault injection").
 * Starts the server, two gateways and Zigbee2MQTT's Mosquitto as separate processes, presses
 * buttons of every transport at a steady rate with two consoles and a webhook listening,
 * SIGKILLs, freezes and restarts those processes at random, lets everything settle, and compares
 * what the devices were promised with what the server stored, showed and sent. Last line:
 * `chaos: faults <N> presses <P> lost <L> duplicated <D>`; exit code 1 if anything was lost,
 * duplicated or never settled, 2 for a usage or set-up error.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../test/support/free-port';
import { ConsoleWatch } from './console-watch';
import type { DeviceDriver } from './devices/device-driver';
import { HidDevices } from './devices/hid-devices';
import { MqttDevices } from './devices/mqtt-devices';
import { SerialDevices } from './devices/serial-devices';
import { ZigbeeDevices } from './devices/zigbee-devices';
import { FaultScheduler, nameOf, type FaultTarget } from './fault-scheduler';
import { DEVICE_ACCOUNT, HID_GATEWAY, MAIN_GATEWAY, planDevices, SITE_ID, writeChaosOffice } from './office-config';
import { parseOptions, TRANSPORTS, UsageError, USAGE, type ChaosOptions, type Transport } from './options';
import { missingTools } from './preflight';
import { PressLoad } from './press-load';
import { counts } from './press-record';
import { Random } from './random';
import { formatReport, type RunFacts } from './report';
import { hidGatewaySpec, mainGatewaySpec, serverSpec, zigbeeBrokerSpec, type Ports } from './services';
import { outboxLeftovers, readStoredState } from './stored-state';
import { SupervisedProcess } from './supervised-process';
import { tally } from './tally';
import { WebhookSink } from './webhook-sink';
import { outboxFile } from '../gateway/src/index';

const say = (line: string) => process.stdout.write(`${line}\n`);

async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * One press on `transport` must get through before any fault, or the set-up is wrong. A HID
 * button may not be open yet right after the gateway started: then another one is pressed.
 */
async function warmUp(load: PressLoad, transport: Transport): Promise<void> {
  let record = load.pressOnce(transport)!;
  await waitFor(`warm-up press on ${transport}`, () => {
    if (record.notTaken !== undefined) record = load.pressOnce(transport)!;
    return counts(record);
  }, 60_000);
}

async function run(options: ChaosOptions): Promise<number> {
  const missing = missingTools();
  if (missing.length > 0) {
    process.stderr.write(`chaos: cannot run, missing: ${missing.join('; ')}\n`);
    return 2;
  }
  const startedAt = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'trygg-chaos-'));
  mkdirSync(join(dir, 'logs'));
  say(`chaos: ${options.faults} faults, mean gap ${options.meanGapMs} ms, ${options.rate} presses/s, seed ${options.seed}, transports ${options.transports.join(',')}; work dir ${dir}`);
  const random = new Random(options.seed);
  const enabled = (t: Transport) => options.transports.includes(t);

  // Enough fresh devices for every press of the fault phase, with room for a slow run.
  const expected = options.rate * (options.faults * options.meanGapMs) / 1000;
  const perTransport = Math.ceil((expected / options.transports.length) * 1.6) + 20;
  const plan = planDevices(Object.fromEntries(TRANSPORTS.map((t) => [t, enabled(t) ? perTransport : 0])) as Record<Transport, number>);

  const processes: SupervisedProcess[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  const consoles: ConsoleWatch[] = [];
  const drivers: DeviceDriver[] = [];
  const sink = new WebhookSink();
  let failed = true;
  try {
    await sink.start();
    cleanups.push(() => sink.stop());
    const ports: Ports = { http: await freePort(), mqtt: await freePort(), zigbeeBroker: await freePort() };
    const configFile = writeChaosOffice(dir, plan, sink.url);

    const serial = enabled('serial') ? await SerialDevices.create() : null;
    if (serial) cleanups.push(() => serial.pair.close());
    const broker = enabled('zigbee') ? new SupervisedProcess(zigbeeBrokerSpec(dir, ports)) : null;
    const server = new SupervisedProcess(serverSpec(dir, ports, configFile));
    const needsMain = enabled('mqtt') || enabled('serial') || enabled('zigbee');
    const gwMain = needsMain ? new SupervisedProcess(mainGatewaySpec(dir, ports, plan, serial?.pair.a ?? null)) : null;
    const gwHid = enabled('hid') ? new SupervisedProcess(hidGatewaySpec(dir, ports, plan)) : null;
    for (const p of [broker, server, gwMain, gwHid]) if (p) processes.push(p);

    say('chaos: starting the system');
    const startTimeout = (p: SupervisedProcess) => waitFor(`${p.name} start (last output: ${p.lastLines(5).join(' | ')})`, () => p.state === 'up', 90_000);
    if (broker) void broker.supervise();
    if (broker) await startTimeout(broker);
    void server.supervise();
    await startTimeout(server);
    for (const gw of [gwMain, gwHid]) if (gw) void gw.supervise();
    for (const gw of [gwMain, gwHid]) if (gw) await startTimeout(gw);

    if (serial) drivers.push(await serial.attach());
    if (enabled('zigbee')) drivers.push(await ZigbeeDevices.connect(`mqtt://127.0.0.1:${ports.zigbeeBroker}`, plan.zigbee));
    const mqtt = enabled('mqtt') ? await MqttDevices.connect({ url: `mqtt://127.0.0.1:${ports.mqtt}`, ...DEVICE_ACCOUNT, siteId: SITE_ID }) : null;
    if (mqtt) drivers.push(mqtt);
    if (gwHid) drivers.push(new HidDevices(gwHid));
    cleanups.push(async () => {
      for (const d of drivers) await d.close().catch(() => {});
    });

    const baseUrl = `http://127.0.0.1:${ports.http}`;
    consoles.push(new ConsoleWatch(baseUrl, 'backoffice', 'kollega'), new ConsoleWatch(baseUrl, 'manager-office', 'manager'));
    for (const c of consoles) c.start();
    cleanups.push(async () => {
      for (const c of consoles) await c.stop();
    });
    await waitFor('consoles connected', () => consoles.every((c) => c.isConnected()), 30_000);

    // Warm-up: one press per transport must get through before any fault, or the set-up is wrong.
    const load = new PressLoad(drivers, plan);
    for (const t of options.transports) await warmUp(load, t);
    say(`chaos: warm-up presses confirmed on ${options.transports.join(', ')}`);

    // The fault phase.
    // Weights: see docs/reliability.md ("What runs"). Freezes are the cheapest fault, so they are
    // the most frequent; kills and orderly restarts make each process start again.
    const processFaults = [['kill', 3], ['freeze', 6], ['restart', 1]] as const;
    const allTargets: FaultTarget[] = [
      { processes: [server], weight: 2, kinds: processFaults },
      ...(gwMain ? [{ processes: [gwMain], weight: 2, kinds: processFaults } satisfies FaultTarget] : []),
      ...(gwHid ? [{ processes: [gwHid], weight: 1, kinds: processFaults } satisfies FaultTarget] : []),
      ...(gwMain ? [{ processes: [server, gwMain], weight: 0.4, kinds: [['kill', 1]] } satisfies FaultTarget] : []),
      // Zigbee2MQTT's broker: orderly restarts and freezes only (docs/reliability.md, "What is fair").
      ...(broker ? [{ processes: [broker], weight: 1, kinds: [['restart', 1], ['freeze', 2]] } satisfies FaultTarget] : []),
    ];
    const targets = allTargets.filter((t) => !options.targets || options.targets.includes(nameOf(t)));
    const unknownTargets = (options.targets ?? []).filter((name) => !allTargets.some((t) => nameOf(t) === name));
    if (targets.length === 0 || unknownTargets.length > 0) throw new UsageError(`--targets: unknown ${unknownTargets.join(', ')}; this run has ${allTargets.map(nameOf).join(', ')}`);
    const scheduler = new FaultScheduler(targets, random, {
      meanGapMs: options.meanGapMs,
      freezeMaxMs: options.freezeMaxMs,
      startupShare: 0.25,
      onFault: (f) => {
        if (options.verbose) say(`  fault ${scheduler.faults.length}: ${f.kind} ${f.target} (${f.targetState})${f.durationMs ? ` ${f.durationMs} ms` : ''}`);
      },
    });
    say(`chaos: fault phase (targets: ${targets.map(nameOf).join(', ')})`);
    const phaseFrom = Date.now();
    for (const p of processes) p.resetUpTime();
    load.start(options.rate);
    const loads: number[] = [loadavg()[0]!];
    const progress = setInterval(() => {
      loads.push(loadavg()[0]!);
      const c = load.presses.filter(counts).length;
      say(`  ${((Date.now() - phaseFrom) / 1000).toFixed(0)} s: faults ${scheduler.faults.length}/${options.faults}, presses ${load.presses.length} (counted ${c}), ${processes.map((p) => `${p.name} ${p.state}`).join(', ')}`);
    }, 30_000);
    await scheduler.run(options.faults);
    load.stop();
    clearInterval(progress);
    const phaseTo = Date.now();
    const upShare = Object.fromEntries(processes.map((p) => [p.name, p.upTimeMs() / (phaseTo - phaseFrom)]));

    // Settle: everything running, every device done, every counted press shown and notified, outboxes empty.
    say('chaos: settling');
    const settleFrom = Date.now();
    let settled = true;
    try {
      await waitFor('every process up', () => processes.every((p) => p.state === 'up'), options.settleMs);
      const gatewayOutboxes = [gwMain && outboxFile(join(dir, MAIN_GATEWAY), SITE_ID, MAIN_GATEWAY), gwHid && outboxFile(join(dir, HID_GATEWAY), SITE_ID, HID_GATEWAY)].filter((f): f is string => !!f);
      await waitFor('devices done, presses shown and notified, outboxes empty', () => {
        if (drivers.some((d) => d.waiting() > 0)) return false;
        const shown = new Set(consoles.flatMap((c) => c.popups.map((p) => p.deviceId)));
        const notified = new Set(sink.received.map((n) => n.deviceId));
        if (load.presses.some((p) => counts(p) && (!shown.has(p.deviceId) || !notified.has(p.deviceId)))) return false;
        return gatewayOutboxes.every((f) => outboxLeftovers(f) === 0);
      }, Math.max(1000, options.settleMs - (Date.now() - settleFrom)));
    } catch (err) {
      settled = false;
      say(`chaos: did not settle: ${(err as Error).message}`);
    }
    // A little longer, so a late redelivery would still show as a duplicate.
    await new Promise((r) => setTimeout(r, 3000));
    const settledAfterMs = Date.now() - settleFrom;

    say('chaos: stopping');
    for (const c of consoles) await c.stop();
    for (const p of [gwHid, gwMain, server, broker]) if (p) await p.stop();
    const stored = readStoredState(join(dir, 'server', 'trygg.db'));
    const result = tally(load.presses, stored, consoles.map((c) => ({ stationId: c.stationId, popups: c.popups })), sink.received, { from: phaseFrom, to: phaseTo });
    const facts: RunFacts = {
      seed: options.seed, startedAt, meanLoad: loads.reduce((a, b) => a + b, 0) / loads.length, faultPhase: { from: phaseFrom, to: phaseTo }, settledAfterMs, settled,
      faults: scheduler.faults,
      processes: processes.map((p) => ({ name: p.name, starts: p.starts, crashes: p.crashes.length, uncleanStops: p.uncleanStops.length, upShare: upShare[p.name]! })),
      drivers: drivers.map((d) => ({ transport: d.transport, figures: d.figures() })),
      outboxLeftovers: {
        ...(gwMain && { [MAIN_GATEWAY]: outboxLeftovers(outboxFile(join(dir, MAIN_GATEWAY), SITE_ID, MAIN_GATEWAY)) }),
        ...(gwHid && { [HID_GATEWAY]: outboxLeftovers(outboxFile(join(dir, HID_GATEWAY), SITE_ID, HID_GATEWAY)) }),
      },
      popups: Object.fromEntries(consoles.map((c) => [c.stationId, c.popups.length])),
      notifications: sink.received.length,
    };
    writeFileSync(join(dir, 'run.json'), JSON.stringify({ options, facts, result: { ...result, pressToStored: undefined }, presses: load.presses }, null, 1));
    const crashed = facts.processes.filter((p) => p.crashes > 0);
    const unconfirmed = Object.values(result.perTransport).reduce((s, t) => s + t.unconfirmed, 0);
    const uncleanStops = facts.processes.filter((p) => p.uncleanStops > 0);
    const leftovers = Object.entries(facts.outboxLeftovers).filter(([, n]) => n > 0);
    const reasons = [
      ...(result.lost > 0 ? [`${result.lost} lost`] : []),
      ...(result.duplicated > 0 ? [`${result.duplicated} duplicated`] : []),
      ...(!settled ? ['did not settle'] : []),
      ...(unconfirmed > 0 ? [`${unconfirmed} presses never confirmed`] : []),
      ...crashed.map((p) => `${p.name} crashed ${p.crashes}x`),
      ...(result.neverShown.length > 0 ? [`${result.neverShown.length} alarms never shown`] : []),
      ...(result.neverNotified.length > 0 ? [`${result.neverNotified.length} alarms never notified`] : []),
      ...leftovers.map(([g, n]) => `${n} events left in ${g}'s outbox`),
    ];
    failed = reasons.length > 0;
    const lines = formatReport(facts, result);
    if (uncleanStops.length > 0) lines.splice(-1, 0, `chaos: WARNING: ${uncleanStops.map((p) => `${p.name} exited with an error after SIGTERM ${p.uncleanStops}x`).join('; ')} (see its log)`);
    if (failed) lines.splice(-1, 0, `chaos: FAILED (${reasons.join('; ')}); logs, databases and run.json kept in ${dir}`);
    else if (options.keep) lines.splice(-1, 0, `chaos: logs, databases and run.json kept in ${dir}`);
    for (const line of lines) say(line);
    return failed ? 1 : 0;
  } catch (err) {
    process.stderr.write(`chaos: set-up or harness error: ${(err as Error).stack ?? String(err)}\n`);
    for (const p of processes) process.stderr.write(`--- ${p.name} (last lines)\n${p.lastLines(15).join('\n')}\n`);
    process.stderr.write(`chaos: logs kept in ${dir}\n`);
    return 2;
  } finally {
    for (const c of consoles) await c.stop().catch(() => {});
    for (const p of [...processes].reverse()) await p.stop().catch(() => {});
    for (const fn of cleanups.reverse()) await fn().catch(() => {});
    if (!failed && !options.keep) rmSync(dir, { recursive: true, force: true });
  }
}

let options: ChaosOptions;
try {
  options = parseOptions(process.argv.slice(2));
} catch (err) {
  if (!(err instanceof UsageError)) throw err;
  if (err.message) process.stderr.write(`chaos: ${err.message}\n`);
  process.stderr.write(`${USAGE}\n`);
  process.exit(2);
}
process.exitCode = await run(options);
// Lingering sockets (a reconnecting MQTT client) must not keep a finished run alive.
setTimeout(() => process.exit(process.exitCode), 2000).unref();
