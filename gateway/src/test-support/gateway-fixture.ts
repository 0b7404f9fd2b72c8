import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { topics, type DeviceMessage, type GatewayChannel } from '@trygg/protocol';
import pino from 'pino';
import { startGateway, type Gateway, type GatewayOptions } from '../gateway';
import { MqttProbe } from '../../../test/support/mqtt-probe';
import { TestBroker } from '../../../test/support/test-broker';

export const SITE = 'demo';
const logger = pino({ level: 'silent' });

/**
 * One integration scene: an uplink broker with a fake "server" probe on the gateway's topics, a
 * device broker (the same one unless `separateDeviceBroker`) with a device probe, a temp data
 * dir, and gateways started on them. `close()` tears everything down.
 */
export class GatewayScene {
  gateways: Gateway[] = [];
  readonly extraBrokers: TestBroker[] = [];
  private constructor(
    readonly gatewayId: string,
    readonly dataDir: string,
    readonly uplinkBroker: TestBroker,
    readonly deviceBroker: TestBroker,
    readonly server: MqttProbe,
    readonly device: MqttProbe,
  ) {}

  static async create(opts: { gatewayId: string; separateDeviceBroker?: boolean }): Promise<GatewayScene> {
    const uplinkBroker = await TestBroker.start();
    const deviceBroker = opts.separateDeviceBroker ? await TestBroker.start() : uplinkBroker;
    const gw = (c: GatewayChannel) => topics.gateway(SITE, opts.gatewayId, c);
    const server = await MqttProbe.connect(uplinkBroker.url, [gw('events'), gw('heartbeats'), gw('status')]);
    const device = await MqttProbe.connect(deviceBroker.url, [topics.allDevicesOfSite(SITE, 'down')]);
    const dataDir = mkdtempSync(join(tmpdir(), 'trygg-gw-'));
    return new GatewayScene(opts.gatewayId, dataDir, uplinkBroker, deviceBroker, server, device);
  }

  topic(channel: GatewayChannel): string {
    return topics.gateway(SITE, this.gatewayId, channel);
  }

  /** Starts a gateway on this scene's brokers and waits until its links are up (unless told not to). */
  async startGateway(overrides: Partial<GatewayOptions> = {}, waitReady = true): Promise<Gateway> {
    const gateway = await startGateway({
      siteId: SITE,
      gatewayId: this.gatewayId,
      uplink: { url: this.uplinkBroker.url },
      deviceMqtt: { url: this.deviceBroker.url },
      dataDir: this.dataDir,
      resendIntervalMs: 100,
      heartbeatFlushMs: 50,
      reconnectPeriodMs: 100,
      logger,
      ...overrides,
    });
    this.gateways.push(gateway);
    if (waitReady) await gateway.ready();
    return gateway;
  }

  /** Resolves when the gateway's link `name` is (or becomes) up or down as asked. */
  waitForLink(gateway: Gateway, name: string, up: boolean): Promise<void> {
    return new Promise((resolve) => {
      const check = () => {
        if (gateway.links()[name] !== up) return;
        gateway.off('link', check);
        resolve();
      };
      gateway.on('link', check);
      check();
    });
  }

  async press(deviceId: string, msgId: string, extra: Partial<DeviceMessage> = {}): Promise<void> {
    const message: DeviceMessage = { v: 1, type: 'press', msgId, seq: 1, ...extra };
    await this.device.publishJson(topics.device(SITE, deviceId, 'up'), message);
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.gateways.map((g) => g.stop()));
    await Promise.allSettled([this.server.close(), this.device.close()]);
    const brokers = new Set([this.uplinkBroker, this.deviceBroker, ...this.extraBrokers]);
    await Promise.allSettled([...brokers].map((b) => b.stop()));
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
