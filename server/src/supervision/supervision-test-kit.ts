import { noNotifications } from '../notify/no-notifications';
import { join } from 'node:path';
import type { ConsoleServerMessage, DeviceCommand, DeviceEvent, DeviceEventKind, FakeClock } from '@trygg/protocol';
import { pino } from 'pino';
import { AlarmService } from '../alarm/alarm-service';
import type { Alarm } from '../alarm/alarm-types';
import { SessionService } from '../auth/sessions';
import { OfficeDirectory } from '../config/office-directory';
import type { TryggConfig, UserConfig } from '../config/types';
import type { IngestObserver } from '../ingest/ingest-observer';
import type { MqttIngest } from '../ingest/mqtt-ingest';
import { createMetrics } from '../metrics/metrics';
import { SqliteStore } from '../store/sqlite/sqlite-store';
import { ConsoleHub, type ConsoleConnection } from '../ws/console-hub';
import { SupervisionFeature } from './supervision-feature';

/** Test support: one server "life" with the real alarm service, hub and SQLite, driven by hand. */
const logger = pino({ level: 'silent' });

export class RecordingConsole implements ConsoleConnection {
  readonly messages: ConsoleServerMessage[] = [];
  constructor(readonly stationId: string, readonly user?: UserConfig) {}
  send(message: ConsoleServerMessage): void {
    this.messages.push(message);
  }
  popups(): string[] {
    return this.messages.flatMap((m) => (m.type === 'popup' ? [m.alarm.id] : []));
  }
  clears(): string[] {
    return this.messages.flatMap((m) => (m.type === 'clear' ? [m.alarmId] : []));
  }
}

export async function bootSupervision(dir: string, clock: FakeClock, config: TryggConfig) {
  const directory = new OfficeDirectory(config);
  const dbFile = join(dir, 'trygg.db');
  const store = new SqliteStore(dbFile);
  const metrics = createMetrics();
  const hub = new ConsoleHub(store, directory, metrics, logger, clock, 0);
  const commands: DeviceCommand[] = [];
  const alarms = new AlarmService({
    store, directory, clock, hub, metrics, logger,
    outbound: { sendDeviceCommand: (_s, _g, c) => commands.push(c), publishAlarmState: () => undefined },
  });
  const observers: IngestObserver[] = [];
  const ingest = { addObserver: (o: IngestObserver) => observers.push(o) } as unknown as MqttIngest;
  const feature = new SupervisionFeature();
  await feature.start({ directory, store, alarms, ingest, hub, sessions: new SessionService(store, directory, clock), clock, logger, metrics, notifications: noNotifications, dbFile });
  let seq = 0;

  return {
    directory, store, metrics, hub, alarms, feature, commands,
    /** As ingest does for a heartbeat batch: store last-seen, then tell the observers. */
    async heartbeats(deviceIds: string[], opts: { battery?: number; siteId?: string; gatewayId?: string } = {}) {
      const seen = deviceIds.map((deviceId) => ({
        siteId: opts.siteId ?? 'demo', gatewayId: opts.gatewayId ?? 'demo-gw', deviceId, lastSeenAt: clock.now(), battery: opts.battery,
      }));
      await store.recordDeviceSeen(seen);
      for (const o of observers) await o.onHeartbeats?.(seen);
      await feature.settled();
    },
    /** The gateway's own heartbeat (an empty batch), as ingest reports every batch. */
    async gatewayHeartbeat(gatewayId = 'demo-gw', siteId = 'demo') {
      for (const o of observers) await o.onGatewayHeartbeat?.(siteId, gatewayId, clock.now());
      await feature.settled();
    },
    async gatewayStatus(state: 'online' | 'offline', gatewayId = 'demo-gw', siteId = 'demo') {
      const record = { siteId, gatewayId, state, at: clock.now() };
      await store.setGatewayStatus(record);
      for (const o of observers) await o.onGatewayStatus?.(record);
      await feature.settled();
    },
    async event(deviceId: string, kind: DeviceEventKind, extra: Partial<DeviceEvent> = {}) {
      seq += 1;
      const event: DeviceEvent = {
        v: 1, eventId: `${deviceId}-s${seq}-${clock.now()}`, siteId: 'demo', gatewayId: 'demo-gw', deviceId, kind, seq, at: new Date(clock.now()).toISOString(), ...extra,
      };
      const receipt = await alarms.handleDeviceEvent(event, clock.now());
      await feature.settled();
      return receipt;
    },
    /** Moves the fake clock and lets the queued alarm work finish. */
    async advance(ms: number) {
      clock.advance(ms);
      await feature.settled();
    },
    async openAlarms(): Promise<Alarm[]> {
      return store.listAlarms({ state: 'open' });
    },
    async openKeys(): Promise<string[]> {
      return (await store.listAlarms({ state: 'open' })).map((a) => a.dedupeKey ?? `${a.kind}:${a.deviceId}`).sort();
    },
    async metric(name: string): Promise<string> {
      return metrics.registry.getSingleMetricAsString(name);
    },
    async close() {
      await feature.stop();
      alarms.stop();
      await store.close();
    },
  };
}

export type SupervisionLife = Awaited<ReturnType<typeof bootSupervision>>;
