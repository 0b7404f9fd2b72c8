import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import {
  isValidId,
  systemClock,
  type Clock,
  type DeviceCommand,
  type DeviceDirectory,
  type DeviceEvent,
  type Receipt,
} from '@trygg/protocol';
import type { Logger } from 'pino';
import { DeviceAdmission } from './admission/device-admission';
import { LogLimiter } from './admission/log-limiter';
import { SqliteDirectoryStore } from './admission/sqlite-directory-store';
import { CommandForwarder } from './commands/command-forwarder';
import { toDeviceEvent } from './device-event-builder';
import { judgeDeviceTime } from './device-time';
import { repairDeviceEvent } from './event-repair';
import { GatewayError } from './errors';
import { countInto, createGatewayStats, type GatewayStats } from './gateway-stats';
import { HeartbeatBatcher } from './heartbeat/heartbeat-batcher';
import { OutboxRelay } from './outbox/outbox-relay';
import { SqliteOutbox } from './outbox/sqlite-outbox';
import type { DeviceInput, DeviceInputSink, DeviceTransport, InputRejectReason } from './transports/device-transport';
import { createTransport, type DeviceTransportConfig } from './transports/transport-factories';
import { UplinkClient } from './uplink/uplink-client';
import type { MqttTls } from './uplink/mqtt-tls';

export interface MqttEndpoint {
  url: string;
  username?: string;
  password?: string;
  /** For `mqtts://`: CA file contents to verify the broker, client certificate for mTLS. */
  tls?: MqttTls;
}

export interface GatewayOptions {
  siteId: string;
  gatewayId: string;
  /** Broker where the server listens. */
  uplink: MqttEndpoint;
  /** Broker MQTT devices speak on; defaults to the uplink broker. */
  deviceMqtt?: MqttEndpoint;
  /** Device transports; defaults to one MQTT transport on `deviceMqtt`. */
  transports?: DeviceTransportConfig[];
  /** The outbox lives in `<dataDir>/gateway-<siteId>-<gatewayId>-outbox.db`. */
  dataDir: string;
  /** Unreceipted events last sent longer ago than this are re-published; default 2000. */
  resendIntervalMs?: number;
  /** Device heartbeats are batched and published this often; default 1000. */
  heartbeatFlushMs?: number;
  /** MQTT reconnect period of every link; default 500. */
  reconnectPeriodMs?: number;
  /** A refused unknown device, or a device's bad clock, is logged at most once per this; default 60 s. */
  deviceLogIntervalMs?: number;
  logger: Logger;
  clock?: Clock;
}

export interface GatewayEvents {
  /** A device event is committed to the outbox (and about to be published). */
  stored: [DeviceEvent];
  receipt: [Receipt];
  /** A link ('uplink' or a transport kind) came up or went down. */
  link: [name: string, up: boolean];
  commandForwarded: [DeviceCommand];
  rejected: [reason: InputRejectReason, topic: string | undefined];
  /** The server's device directory arrived (null: cleared) and is in force. */
  directory: [DeviceDirectory | null];
  /** A message from a device outside the directory was refused before the outbox. */
  refused: [deviceId: string];
}

export interface Gateway extends EventEmitter<GatewayEvents> {
  readonly stats: Readonly<GatewayStats>;
  outboxDepth(): number;
  /** Whether each link is up: `uplink` and one entry per transport kind. */
  links(): Record<string, boolean>;
  /** Resolves once the uplink and every transport are connected and subscribed. */
  ready(): Promise<void>;
  stop(): Promise<void>;
}

export function outboxFile(dataDir: string, siteId: string, gatewayId: string): string {
  return join(dataDir, `gateway-${siteId}-${gatewayId}-outbox.db`);
}

class TryggGateway extends EventEmitter<GatewayEvents> implements Gateway, DeviceInputSink {
  readonly stats = createGatewayStats();
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly outbox: SqliteOutbox;
  private readonly uplink: UplinkClient;
  private readonly relay: OutboxRelay;
  private readonly heartbeats: HeartbeatBatcher;
  private readonly transports: DeviceTransport[];
  private readonly commands: CommandForwarder;
  private readonly admission: DeviceAdmission;
  private readonly deviceProblems: LogLimiter;
  private stopping: Promise<void> | null = null;

  constructor(private readonly opts: GatewayOptions) {
    super();
    const { siteId, gatewayId } = opts;
    this.clock = opts.clock ?? systemClock;
    this.log = opts.logger.child({ siteId, gatewayId });
    this.outbox = SqliteOutbox.open(outboxFile(opts.dataDir, siteId, gatewayId), (eventId, err) =>
      this.log.error({ err, eventId }, 'corrupt outbox row moved to quarantine'),
    );
    try {
      this.admission = new DeviceAdmission({
        store: new SqliteDirectoryStore(this.outbox.database),
        clock: this.clock,
        logger: this.log.child({ part: 'admission' }),
        logIntervalMs: opts.deviceLogIntervalMs,
      });
      ({ uplink: this.uplink, relay: this.relay, heartbeats: this.heartbeats, transports: this.transports } = this.build());
    } catch (err) {
      this.outbox.close();
      throw err;
    }
    this.deviceProblems = new LogLimiter({ clock: this.clock, intervalMs: opts.deviceLogIntervalMs ?? 60_000, maxKeysPerInterval: 100 });
    this.commands = new CommandForwarder(this.transports, this.stats, this.log.child({ part: 'commands' }), () => this.admission.knownDevices());
    this.applyBindings();
    this.wireUplink();
  }

  /** The parts around the outbox; no I/O happens until start(). */
  private build() {
    const opts = this.opts;
    const { siteId, gatewayId } = opts;
    const transportConfigs = opts.transports ?? [{ kind: 'mqtt', ...(opts.deviceMqtt ?? opts.uplink), reconnectPeriodMs: opts.reconnectPeriodMs }];
    const uplink = new UplinkClient({
      siteId,
      gatewayId,
      ...opts.uplink,
      logger: this.log.child({ link: 'uplink' }),
      clock: this.clock,
      reconnectPeriodMs: opts.reconnectPeriodMs,
      describe: () => ({ outboxDepth: this.outbox.depth(), transports: transportConfigs.map((t) => t.kind) }),
    });
    const relay = new OutboxRelay({
      outbox: this.outbox,
      publish: (event) => uplink.publishEvent(event),
      clock: this.clock,
      logger: this.log.child({ part: 'outbox' }),
      resendIntervalMs: opts.resendIntervalMs ?? 2000,
    });
    const heartbeats = new HeartbeatBatcher({
      siteId,
      gatewayId,
      clock: this.clock,
      logger: this.log,
      flushMs: opts.heartbeatFlushMs ?? 1000,
      publish: (batch) => {
        const sent = uplink.publishHeartbeats(batch);
        if (sent) this.stats.heartbeatBatchesPublished++;
        return sent;
      },
    });
    const ctx = { siteId, gatewayId, clock: this.clock, sink: this as DeviceInputSink };
    const transports = transportConfigs.map((config) =>
      createTransport({ ...ctx, logger: this.log.child({ transport: config.kind }) }, config),
    );
    return { uplink, relay, heartbeats, transports };
  }

  async start(): Promise<void> {
    const depth = this.outbox.depth();
    if (depth > 0) this.log.warn({ depth }, 'outbox holds unreceipted events from before; re-sending on connect');
    this.relay.start();
    this.heartbeats.start();
    this.uplink.start();
    for (const t of this.transports) await t.start();
  }

  outboxDepth(): number {
    return this.outbox.depth();
  }

  links(): Record<string, boolean> {
    const links: Record<string, boolean> = { uplink: this.uplink.isUp() };
    for (const t of this.transports) links[t.kind] = t.isUp();
    return links;
  }

  ready(): Promise<void> {
    return new Promise((resolve) => {
      const check = () => {
        if (Object.values(this.links()).every(Boolean)) {
          this.off('link', check);
          resolve();
        }
      };
      this.on('link', check);
      check();
    });
  }

  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    // Inputs first, so nothing new arrives while the outbox is closing.
    await Promise.allSettled(this.transports.map((t) => t.stop()));
    this.relay.stop();
    this.heartbeats.stop();
    await this.uplink.stop();
    this.outbox.close();
    this.log.info('gateway stopped');
  }

  // --- DeviceInputSink -------------------------------------------------------------------

  admits(deviceId: string, what: string): boolean {
    if (this.admission.admits(deviceId, what)) return true;
    this.stats.unknownDeviceRefused++;
    this.emit('refused', deviceId);
    return false;
  }

  input({ deviceId, message, transport, repaired: salvaged }: DeviceInput): void {
    // First, and cheap: junk for unconfigured ids must cost nothing an alarm would wait behind.
    if (!this.admits(deviceId, message.type)) return;
    this.commands.rememberTransport(deviceId, transport);
    if (salvaged) {
      this.stats.messagesSalvaged++;
      if (this.deviceProblems.check(`${deviceId}:salvage`) === 'log') {
        this.log.warn({ deviceId, type: message.type, dropped: salvaged.slice(0, 5) }, 'device message failed the schema in a detail; kept without it');
      }
    }
    const now = this.clock.now();
    const at = this.deviceTime(deviceId, message.at, now);
    if (message.type === 'heartbeat') {
      this.stats.heartbeatsReceived++;
      this.heartbeats.record({ deviceId, at, ...(message.battery !== undefined && { battery: message.battery }) });
      return;
    }
    this.stats.eventsReceived++;
    const built = toDeviceEvent({ ...message, at, type: message.type }, { siteId: this.opts.siteId, gatewayId: this.opts.gatewayId, deviceId, now });
    const { event, repaired, remaining } = repairDeviceEvent(built, now);
    if (repaired.length > 0) {
      this.stats.eventsRepaired++;
      if (this.deviceProblems.check(`${deviceId}:repair`) === 'log') {
        this.log.warn({ eventId: event.eventId, deviceId, repaired }, 'built event repaired to pass the protocol schema');
      }
    }
    if (remaining.length > 0) {
      // Not repairable (ids, kind): a bug upstream. Sent all the same, so the server's rejection
      // raises a technical alarm instead of the press vanishing here.
      this.log.error({ eventId: event.eventId, errors: remaining.slice(0, 5) }, 'built event fails the protocol schema');
    }
    this.submit(event);
  }

  /** The device's time if believable, else the receive time (counted, logged once per device and interval). */
  private deviceTime(deviceId: string, given: string | undefined, now: number): string {
    const judged = judgeDeviceTime(given, now);
    if (judged.problem === undefined) return judged.at;
    countInto(this.stats.deviceClockReplaced, judged.problem);
    if (this.deviceProblems.check(`${deviceId}:clock`) === 'log') {
      this.log.warn(
        { deviceId, problem: judged.problem, deviceTime: judged.given, used: judged.at },
        "device clock not believable; using the gateway's receive time",
      );
    }
    return judged.at;
  }

  reject(transport: string, reason: InputRejectReason, detail: { topic?: string; errors: string[] }): void {
    countInto(this.stats.rejected, reason);
    this.log.warn({ transport, reason, topic: detail.topic, errors: detail.errors.slice(0, 5) }, 'device payload rejected');
    this.emit('rejected', reason, detail.topic);
  }

  linkChanged(transport: string, up: boolean): void {
    this.emit('link', transport, up);
  }

  // --- internals -------------------------------------------------------------------------

  private submit(event: DeviceEvent): void {
    let result;
    try {
      result = this.relay.submit(event);
    } catch (err) {
      // Losing an alarm is worse than sending it unprotected: publish it anyway, loudly.
      this.stats.outboxWriteFailures++;
      this.log.error({ err, eventId: event.eventId }, 'outbox write failed; publishing without durability');
      this.uplink.publishEvent(event);
      return;
    }
    if (result === 'already-pending') {
      this.stats.eventsAlreadyPending++;
      this.log.info({ eventId: event.eventId }, 'device re-sent a pending event; kept once');
      return;
    }
    this.stats.eventsStored++;
    this.log.info({ eventId: event.eventId, deviceId: event.deviceId, kind: event.kind }, 'device event stored');
    this.emit('stored', event);
  }

  /** Hands the directory's transport bindings to every transport that reads them (no restart). */
  private applyBindings(): void {
    const bindings = this.admission.bindings();
    for (const t of this.transports) {
      try {
        t.applyBindings?.(bindings);
      } catch (err) {
        this.log.error({ err, transport: t.kind }, 'applying device bindings failed; the transport keeps its previous ones');
      }
    }
  }

  private wireUplink(): void {
    this.uplink.on('up', () => {
      this.stats.uplinkConnects++;
      this.emit('link', 'uplink', true);
      try {
        const sent = this.relay.flushAll();
        if (sent > 0) this.log.info({ count: sent }, 'flushed pending events after connect');
      } catch (err) {
        this.log.error({ err }, 'flushing the outbox after connect failed; the resend timer retries');
      }
    });
    this.uplink.on('down', () => this.emit('link', 'uplink', false));
    this.uplink.on('receipt', (receipt) => this.onReceipt(receipt));
    this.uplink.on('directory', (directory) => {
      this.stats.directoriesReceived++;
      if (directory) this.admission.apply(directory);
      else this.admission.clear();
      this.applyBindings();
      this.emit('directory', directory);
    });
    this.uplink.on('command', (command) => {
      void this.commands.forward(command).then((forwarded) => {
        if (forwarded) this.emit('commandForwarded', command);
      });
    });
    this.uplink.on('rejected', (channel, reason, errors) => {
      countInto(this.stats.uplinkRejected, `${channel}:${reason}`);
      this.log.warn({ channel, reason, errors: errors.slice(0, 5) }, 'server payload rejected');
    });
  }

  private onReceipt(receipt: Receipt): void {
    try {
      const result = this.relay.acknowledge(receipt);
      this.stats.receipts[receipt.status]++;
      if (result === 'unknown') this.stats.receiptsUnknown++;
      this.log.debug({ eventId: receipt.eventId, status: receipt.status, result }, 'receipt');
      this.emit('receipt', receipt);
    } catch (err) {
      this.log.error({ err, eventId: receipt.eventId }, 'receipt handling failed; the event will be re-sent');
    }
  }
}

/**
 * Starts a gateway. Resolves as soon as the outbox is open and the links are connecting: a
 * broker that is down at start is retried in the background while presses go to the outbox.
 */
export async function startGateway(opts: GatewayOptions): Promise<Gateway> {
  for (const [name, id] of [['siteId', opts.siteId], ['gatewayId', opts.gatewayId]] as const) {
    if (!isValidId(id)) throw new GatewayError('TRYGG_GW_CONFIG', `${name} "${id}" must match ^[a-z0-9][a-z0-9_-]{0,63}$`);
  }
  const gateway = new TryggGateway(opts);
  try {
    await gateway.start();
  } catch (err) {
    await gateway.stop().catch(() => {});
    throw err;
  }
  return gateway;
}
