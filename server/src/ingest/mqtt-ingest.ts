import {
  decodePayload, encodePayload, MAX_HEARTBEAT_BATCH_BYTES, MAX_PAYLOAD_BYTES, parseTopic, topics, validateDeviceEvent, validateGatewayStatus,
  validateHeartbeatBatch, type DeviceCommand, type Receipt,
} from '@trygg/protocol';
import type { Logger } from 'pino';
import type { AlarmOutbound } from '../alarm/alarm-service';
import type { AlarmService } from '../alarm/alarm-service';
import type { Alarm } from '../alarm/alarm-types';
import { toAlarmStateMessage } from '../alarm/alarm-view';
import type { OfficeDirectory } from '../config/office-directory';
import type { Metrics } from '../metrics/metrics';
import type { Store } from '../store/store';
import { HousekeepingQueue } from './housekeeping-queue';
import type { IngestObserver } from './ingest-observer';
import type { MqttLink } from './mqtt-link';
import { RejectionAlarms } from './rejection-alarms';

/**
 * MQTT side of the server: device events in (validate, dedupe, store, receipt), heartbeats and
 * gateway status in, device commands and alarm state out. Every rejection is logged with its
 * reason and counted; nothing a gateway sends can throw out of here.
 */
export class MqttIngest implements AlarmOutbound {
  private alarms?: AlarmService;
  private rejections?: RejectionAlarms;
  private readonly observers: IngestObserver[] = [];
  /** Heartbeats and gateway status wait here; device events (presses) never do. */
  readonly housekeeping: HousekeepingQueue;

  constructor(private readonly deps: {
    link: MqttLink;
    store: Store;
    directory: OfficeDirectory;
    metrics: Metrics;
    logger: Logger;
    now: () => number;
    /** Heartbeat batches that may wait before the oldest is shed (default 1,000). */
    maxQueuedHeartbeatBatches?: number;
  }) {
    this.housekeeping = new HousekeepingQueue({
      maxHeartbeatBatches: deps.maxQueuedHeartbeatBatches ?? DEFAULT_MAX_QUEUED_HEARTBEAT_BATCHES,
      onShed: () => deps.metrics.heartbeatBatchesShed.inc(),
      onError: (err, kind) => deps.logger.error({ err, kind }, 'ingest housekeeping failed'),
    });
  }

  addObserver(observer: IngestObserver): void {
    this.observers.push(observer);
  }

  private async tell(fn: (o: IngestObserver) => Promise<void> | void | undefined): Promise<void> {
    for (const o of this.observers) {
      try {
        await fn(o);
      } catch (err) {
        this.deps.logger.error({ err, observer: o.name }, 'ingest observer failed');
      }
    }
  }

  start(alarms: AlarmService): void {
    this.alarms = alarms;
    const { link, directory, metrics, logger, now } = this.deps;
    this.rejections = new RejectionAlarms({ alarms, directory, metrics, logger, now });
    link.client.on('message', (topic, payload) => {
      // Alarms first: a device event is handled now; heartbeats and status queue behind it.
      const kind = housekeepingKind(topic);
      if (kind) return this.housekeeping.push(kind, () => this.onMessage(topic, payload));
      this.onMessage(topic, payload).catch((err: unknown) => this.deps.logger.error({ err, topic }, 'ingest failed'));
    });
    link.subscribe([topics.allGatewayChannel('events'), topics.allGatewayChannel('heartbeats'), topics.allGatewayChannel('status')]);
  }

  sendDeviceCommand(siteId: string, gatewayId: string, command: DeviceCommand): void {
    this.deps.link.publish(topics.gateway(siteId, gatewayId, 'commands'), encodePayload(command), 1);
  }

  publishAlarmState(alarm: Alarm): void {
    this.deps.link.publish(topics.alarmState(alarm.siteId, alarm.id), encodePayload(toAlarmStateMessage(alarm)), 1);
  }

  private reject(reason: string, detail: Record<string, unknown>): void {
    this.deps.metrics.eventsRejected.inc({ reason });
    this.deps.logger.warn({ reason, ...detail }, 'inbound message rejected');
  }

  private async onMessage(topic: string, payload: Buffer): Promise<void> {
    const receivedAt = this.deps.now();
    const parsed = parseTopic(topic);
    if (!parsed || parsed.kind !== 'gateway') return this.reject('topic', { topic });
    const { siteId, gatewayId, channel } = parsed;
    if (!this.deps.directory.site(siteId)) {
      this.reject('unknown-site', { topic });
      // The gateway would re-send forever; tell it this event can never be accepted.
      if (channel === 'events') this.eventRejected(siteId, gatewayId, 'unknown-site', payload.length <= MAX_PAYLOAD_BYTES ? eventHints(payload) : {});
      return;
    }

    if (channel === 'events') {
      const result = decodePayload(payload, validateDeviceEvent);
      if (!result.ok) {
        this.reject(result.reason, { topic, errors: result.errors.slice(0, 5) });
        // A gateway re-sends until it hears back; tell it this event can never be accepted.
        return this.eventRejected(siteId, gatewayId, result.reason, result.reason === 'schema' ? eventHints(payload) : {});
      }
      const event = result.value;
      if (event.siteId !== siteId || event.gatewayId !== gatewayId) {
        this.reject('wrong-site', { topic, eventId: event.eventId, payloadSite: event.siteId, payloadGateway: event.gatewayId });
        return this.eventRejected(siteId, gatewayId, 'wrong-site', event);
      }
      const receipt = await this.alarms!.handleDeviceEvent(event, receivedAt);
      this.sendReceipt(siteId, gatewayId, receipt);
      if (receipt.status === 'rejected') this.rejections?.report({ siteId, gatewayId, eventId: event.eventId, deviceId: event.deviceId, kind: event.kind, reason: receipt.reason ?? 'rejected' });
      return;
    }
    if (channel === 'heartbeats') {
      const result = decodePayload(payload, validateHeartbeatBatch, MAX_HEARTBEAT_BATCH_BYTES);
      if (!result.ok) return this.reject(result.reason, { topic, errors: result.errors.slice(0, 5) });
      const batch = result.value;
      if (batch.siteId !== siteId || batch.gatewayId !== gatewayId) return this.reject('wrong-site', { topic });
      const known = batch.devices.filter((d) => this.deps.directory.device(siteId, d.deviceId));
      if (known.length < batch.devices.length) this.reject('unknown-device', { topic, unknown: batch.devices.length - known.length });
      const seen = known.map((d) => ({
        siteId, gatewayId, deviceId: d.deviceId, lastSeenAt: Math.min(Date.parse(d.at), receivedAt), battery: d.battery,
      }));
      await this.deps.store.recordDeviceSeen(seen);
      await this.tell((o) => o.onGatewayHeartbeat?.(siteId, gatewayId, receivedAt));
      if (seen.length > 0) await this.tell((o) => o.onHeartbeats?.(seen));
      return;
    }
    if (channel === 'status') {
      if (payload.length === 0) return; // a cleared retained message
      const result = decodePayload(payload, validateGatewayStatus);
      if (!result.ok) return this.reject(result.reason, { topic, errors: result.errors.slice(0, 5) });
      const status = result.value;
      if (status.siteId !== siteId || status.gatewayId !== gatewayId) return this.reject('wrong-site', { topic });
      const record = { siteId, gatewayId, state: status.state, at: receivedAt, outboxDepth: status.outboxDepth };
      await this.deps.store.setGatewayStatus(record);
      await this.tell((o) => o.onGatewayStatus?.(record));
      const log = status.state === 'online' ? this.deps.logger.info.bind(this.deps.logger) : this.deps.logger.warn.bind(this.deps.logger);
      log({ siteId, gatewayId, state: status.state, outboxDepth: status.outboxDepth }, 'gateway status');
      return;
    }
    this.reject('topic', { topic });
  }

  /**
   * A device event that can never be accepted: the gateway is told (when its id can be read) so
   * it stops re-sending, and a rejected press becomes a technical alarm (RejectionAlarms).
   */
  private eventRejected(siteId: string, gatewayId: string, reason: string, hints: EventHints): void {
    if (hints.eventId) this.sendReceipt(siteId, gatewayId, { v: 1, eventId: hints.eventId, status: 'rejected', reason });
    this.rejections?.report({ siteId, gatewayId, reason, eventId: hints.eventId, deviceId: hints.deviceId, kind: hints.kind });
  }

  private sendReceipt(siteId: string, gatewayId: string, receipt: Receipt): void {
    this.deps.link.publish(topics.gateway(siteId, gatewayId, 'receipts'), encodePayload(receipt), 1);
  }
}

const DEFAULT_MAX_QUEUED_HEARTBEAT_BATCHES = 1000;

/** Heartbeat and status topics (checked by suffix: the full topic check happens when the item runs). */
function housekeepingKind(topic: string): 'heartbeats' | 'status' | undefined {
  if (topic.endsWith('/heartbeats')) return 'heartbeats';
  if (topic.endsWith('/status')) return 'status';
  return undefined;
}

interface EventHints {
  eventId?: string;
  deviceId?: string;
  kind?: string;
}

/** What can still be read from an event that failed the schema: enough to answer and to judge it. */
function eventHints(payload: Buffer): EventHints {
  try {
    const data = JSON.parse(payload.toString('utf8')) as { eventId?: unknown; deviceId?: unknown; kind?: unknown } | null;
    if (typeof data !== 'object' || data === null) return {};
    const text = (value: unknown, pattern: RegExp) => (typeof value === 'string' && pattern.test(value) ? value : undefined);
    return {
      eventId: text(data.eventId, /^[A-Za-z0-9][A-Za-z0-9:._-]{0,127}$/),
      deviceId: text(data.deviceId, /^[a-z0-9][a-z0-9_-]{0,63}$/),
      kind: text(data.kind, /^[a-z-]{1,32}$/),
    };
  } catch {
    return {};
  }
}
