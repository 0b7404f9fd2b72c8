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
import type { IngestObserver } from './ingest-observer';
import type { MqttLink } from './mqtt-link';

/**
 * MQTT side of the server: device events in (validate, dedupe, store, receipt), heartbeats and
 * gateway status in, device commands and alarm state out. Every rejection is logged with its
 * reason and counted; nothing a gateway sends can throw out of here.
 */
export class MqttIngest implements AlarmOutbound {
  private alarms?: AlarmService;
  private readonly observers: IngestObserver[] = [];

  constructor(private readonly deps: {
    link: MqttLink;
    store: Store;
    directory: OfficeDirectory;
    metrics: Metrics;
    logger: Logger;
    now: () => number;
  }) {}

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
    const { link } = this.deps;
    link.client.on('message', (topic, payload) => {
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
      const eventId = channel === 'events' && payload.length <= MAX_PAYLOAD_BYTES ? extractEventId(payload) : undefined;
      if (eventId) this.sendReceipt(siteId, gatewayId, { v: 1, eventId, status: 'rejected', reason: 'unknown-site' });
      return;
    }

    if (channel === 'events') {
      const result = decodePayload(payload, validateDeviceEvent);
      if (!result.ok) {
        this.reject(result.reason, { topic, errors: result.errors.slice(0, 5) });
        // A gateway re-sends until it hears back; tell it this event can never be accepted.
        const eventId = result.reason === 'schema' ? extractEventId(payload) : undefined;
        if (eventId) this.sendReceipt(siteId, gatewayId, { v: 1, eventId, status: 'rejected', reason: result.reason });
        return;
      }
      const event = result.value;
      if (event.siteId !== siteId || event.gatewayId !== gatewayId) {
        this.reject('wrong-site', { topic, eventId: event.eventId, payloadSite: event.siteId, payloadGateway: event.gatewayId });
        return this.sendReceipt(siteId, gatewayId, { v: 1, eventId: event.eventId, status: 'rejected', reason: 'wrong-site' });
      }
      const receipt = await this.alarms!.handleDeviceEvent(event, receivedAt);
      return this.sendReceipt(siteId, gatewayId, receipt);
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

  private sendReceipt(siteId: string, gatewayId: string, receipt: Receipt): void {
    this.deps.link.publish(topics.gateway(siteId, gatewayId, 'receipts'), encodePayload(receipt), 1);
  }
}

function extractEventId(payload: Buffer): string | undefined {
  try {
    const id = (JSON.parse(payload.toString('utf8')) as { eventId?: unknown }).eventId;
    return typeof id === 'string' && /^[A-Za-z0-9][A-Za-z0-9:._-]{0,127}$/.test(id) ? id : undefined;
  } catch {
    return undefined;
  }
}
