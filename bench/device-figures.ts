/**
 * The device figures of `npm run bench` (docs/simulator.md "Bench"): the server as its own
 * process with TRYGG_EMBEDDED_GATEWAY=off, and the gateway as another (test/support/
 * gateway-process.ts) with three transports: MQTT on the server's broker, serial on a socat pty,
 * Zigbee2MQTT on a separate broker (the machine's Mosquitto if one answers, else aedes in here).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PtyPair, startHeartbeatLoad, type HeartbeatLoad } from '@trygg/firmware-sim';
import { connectAsync } from 'mqtt';
import { TestBroker } from '../test/support/test-broker';
import { freePort } from '../test/support/free-port';
import { GatewayProcess } from '../test/support/gateway-process';
import { TryggProcess } from '../test/support/trygg-process';
import { numbered, writeBenchOffice } from './bench-office';
import { heartbeatIngest } from './heartbeat-ingest';
import { formatRow } from './percentiles';
import { PopupWatch } from './popup-watch';
import { silenceToAlarm } from './silence-to-alarm';
import { transportLatency } from './transport-latency';

export type DevicePart = 'ingest' | 'silence' | 'transports';

const env = process.env;
const INGEST_DEVICES = Number(env.BENCH_INGEST_DEVICES ?? 10_000);
const INGEST_INTERVAL_MS = Number(env.BENCH_INGEST_INTERVAL_MS ?? 1000);
const INGEST_MEASURE_MS = Number(env.BENCH_INGEST_MEASURE_MS ?? 15_000);
const BACKGROUND_DEVICES = 1000;
const TRANSPORT_PRESSES = Number(env.BENCH_TRANSPORT_PRESSES ?? 200);
const WARMUP = 10;
/** The bench office's short-window devices: heartbeat 10 s (the schema's shortest) x 2 missed. */
const SILENT_HEARTBEAT_S = 10;
const MISSED = 2;

async function zigbeeBroker(): Promise<{ url: string; label: string; stop(): Promise<void> }> {
  const url = env.BENCH_Z2M_URL ?? 'mqtt://127.0.0.1:1883';
  try {
    const probe = await connectAsync(url, { connectTimeout: 1000, reconnectPeriod: 0 });
    await probe.endAsync();
    return { url, label: url === 'mqtt://127.0.0.1:1883' ? 'the machine\'s broker on :1883' : url, stop: async () => {} };
  } catch {
    const broker = await TestBroker.start(0);
    return { url: broker.url, label: 'aedes in the bench process (no broker on :1883)', stop: () => broker.stop() };
  }
}

/** Runs the chosen parts, printing each as it finishes. */
export async function deviceFigures(parts: Set<DevicePart>, print: (line: string) => void): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'trygg-bench-devices-'));
  const cleanups: (() => Promise<unknown> | unknown)[] = [() => rmSync(dir, { recursive: true, force: true })];
  try {
    const withTransports = parts.has('transports');
    const heartbeat = numbered('hb', parts.has('ingest') ? INGEST_DEVICES : BACKGROUND_DEVICES);
    const n = TRANSPORT_PRESSES + WARMUP;
    const press = withTransports ? { mqtt: numbered('pm', n), serial: numbered('ps', n), zigbee: numbered('pz', n) } : { mqtt: [], serial: [], zigbee: [] };
    const silent = ['silent-1', 'silent-2', 'silent-3', 'silent-4', 'silent-5'];
    const configFile = writeBenchOffice(dir, [heartbeat, press.mqtt, press.serial, press.zigbee], { ids: silent, heartbeatSeconds: SILENT_HEARTBEAT_S });

    const mqttPort = await freePort();
    const mqttUrl = `mqtt://127.0.0.1:${mqttPort}`;
    const trygg = new TryggProcess({
      dataDir: join(dir, 'data'), configFile, httpPort: await freePort(), mqttPort,
      // 10,000 heartbeats a second on one device account: far past the broker's per-account limit.
      env: { LOG_LEVEL: env.BENCH_LOG_LEVEL ?? 'warn', TRYGG_EMBEDDED_GATEWAY: 'off', TRYGG_BROKER_PUBLISH_LIMIT: 'off' },
    });
    cleanups.push(() => trygg.stop());
    await trygg.start();

    const pair = withTransports ? await PtyPair.create() : null;
    if (pair) cleanups.push(() => pair.close());
    const z2m = withTransports ? await zigbeeBroker() : null;
    if (z2m) cleanups.push(() => z2m.stop());
    const baseTopic = `trygg-bench-${process.pid}`;
    const uplink = { url: mqttUrl, username: 'demo-gw', password: 'trygg-demo-gateway' };
    const gateway = new GatewayProcess({
      siteId: 'demo', gatewayId: 'demo-gw', dataDir: join(dir, 'gateway'), uplink,
      transports: [
        { kind: 'mqtt', ...uplink },
        ...(pair ? [{ kind: 'serial' as const, path: pair.a, devices: press.serial }] : []),
        ...(z2m ? [{ kind: 'zigbee2mqtt' as const, url: z2m.url, baseTopic, devices: press.zigbee.map((id) => ({ friendlyName: `bench/${id}`, deviceId: id, model: 'TS0215A_sos' })) }] : []),
      ],
    }, { LOG_LEVEL: env.BENCH_LOG_LEVEL ?? 'warn' });
    cleanups.push(() => gateway.stop());
    await gateway.start();

    const backoffice = await PopupWatch.open(trygg.baseUrl, 'backoffice', { resolvePanics: true });
    const manager = await PopupWatch.open(trygg.baseUrl, 'manager-office', { username: 'manager' });
    cleanups.push(() => backoffice.close(), () => manager.close());

    if (parts.has('ingest')) {
      for (const line of await heartbeatIngest({
        trygg, gateway, mqttUrl, devices: heartbeat, intervalMs: INGEST_INTERVAL_MS, idleMs: 3000, warmupMs: 5000, measureMs: INGEST_MEASURE_MS,
      })) print(line);
    }

    // From here on 1,000 devices beat in the background, as in the press-to-console figure.
    let background: HeartbeatLoad | undefined;
    if (parts.has('silence') || withTransports) {
      background = await startHeartbeatLoad({
        url: mqttUrl, username: 'demo-devices', password: 'trygg-demo-devices', siteId: 'demo', devices: heartbeat.slice(0, BACKGROUND_DEVICES), intervalMs: 1000,
      });
      cleanups.push(() => background?.stop());
      await new Promise((r) => setTimeout(r, 3000));
    }

    if (parts.has('silence')) {
      for (const line of await silenceToAlarm({
        baseUrl: trygg.baseUrl, mqttUrl, manager, windowMs: SILENT_HEARTBEAT_S * MISSED * 1000, heartbeatMs: SILENT_HEARTBEAT_S * 1000,
      })) print(line);
    }

    if (pair && z2m) {
      const t = await transportLatency({
        backoffice, mqttUrl, serialPath: pair.b, zigbee: { url: z2m.url, baseTopic, label: z2m.label }, devices: press,
        samples: TRANSPORT_PRESSES, warmup: WARMUP, gapMs: 10,
      });
      const ratio = (s: { p99: number }, raw: { p99: number }) => (s.p99 / raw.p99).toFixed(2);
      print(`press-to-console by transport (gateway in its own process, ${BACKGROUND_DEVICES} devices heartbeating; Zigbee2MQTT broker: ${z2m.label}):`);
      print(formatRow('raw broker hop (Trygg)', t.rawTrygg));
      print(formatRow('raw broker hop (Zigbee2MQTT)', t.rawZigbee));
      print(formatRow('mqtt', t.mqtt));
      print(formatRow('serial (socat pty)', t.serial));
      print(formatRow('zigbee2mqtt (two brokers)', t.zigbee));
      print(`  p99 / raw Trygg hop p99: mqtt ${ratio(t.mqtt, t.rawTrygg)}, serial ${ratio(t.serial, t.rawTrygg)}, zigbee2mqtt ${ratio(t.zigbee, t.rawTrygg)}`);
      print('  hid: not measured: there is no HID device here; the HID transport is tested through its fake node-hid backend only');
    }
  } finally {
    for (const fn of cleanups.reverse()) await Promise.resolve().then(fn).catch(() => {});
  }
}
