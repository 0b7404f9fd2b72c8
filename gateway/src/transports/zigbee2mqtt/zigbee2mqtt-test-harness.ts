import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import net, { type AddressInfo, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import mqtt from 'mqtt';
import pino, { type Logger } from 'pino';
import type { DeviceInput, DeviceInputSink, InputRejectReason } from '../device-transport';
import { TestBroker } from '../../../../test/support/test-broker';

/**
 * Test support for the Zigbee2MQTT transport suite, which runs against an in-process aedes
 * broker always and against a real Mosquitto when TRYGG_TEST_MOSQUITTO_URL is set.
 */

/** Records what a transport reports to the gateway. */
export class RecordingSink implements DeviceInputSink {
  readonly inputs: DeviceInput[] = [];
  readonly rejects: { reason: InputRejectReason; topic?: string; errors: string[] }[] = [];
  readonly links: boolean[] = [];

  input(input: DeviceInput): void {
    this.inputs.push(input);
  }

  reject(_transport: string, reason: InputRejectReason, detail: { topic?: string; errors: string[] }): void {
    this.rejects.push({ reason, ...detail });
  }

  linkChanged(_transport: string, up: boolean): void {
    this.links.push(up);
  }

  of(deviceId: string, type?: string): DeviceInput[] {
    return this.inputs.filter((i) => i.deviceId === deviceId && (type === undefined || i.message.type === type));
  }
}

/** A pino logger whose lines are kept as parsed objects. */
export function recordingLogger(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines };
}

/**
 * A TCP proxy in front of a broker, so a test can cut the transport's connection (it
 * reconnects) or make the broker unreachable for a while without touching a shared Mosquitto.
 */
export class CuttableProxy {
  private readonly sockets = new Set<Socket>();
  private blocked = false;
  private constructor(
    private readonly server: net.Server,
    private readonly upstream: { host: string; port: number },
  ) {
    server.on('connection', (client) => this.onConnection(client));
  }

  static async start(upstreamUrl: string): Promise<CuttableProxy> {
    const u = new URL(upstreamUrl);
    const server = net.createServer();
    const proxy = new CuttableProxy(server, { host: u.hostname, port: Number(u.port || 1883) });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return proxy;
  }

  get url(): string {
    return `mqtt://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Drops every connection now; new ones are refused while `blocked`. */
  cut(opts: { block?: boolean } = {}): void {
    this.blocked = opts.block ?? false;
    for (const s of this.sockets) s.destroy();
  }

  unblock(): void {
    this.blocked = false;
  }

  async close(): Promise<void> {
    this.cut({ block: true });
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private onConnection(client: Socket): void {
    if (this.blocked) return void client.destroy();
    const server = net.connect(this.upstream.port, this.upstream.host);
    for (const s of [client, server]) {
      this.sockets.add(s);
      s.on('close', () => {
        this.sockets.delete(s);
        client.destroy();
        server.destroy();
      });
      s.on('error', () => {});
    }
    client.pipe(server);
    server.pipe(client);
  }
}

/** A broker for one test: the transport connects through a proxy, the simulator directly. */
export interface BrokerHarness {
  /** For the transport: through the cuttable proxy. */
  readonly url: string;
  /** For the simulator (Zigbee2MQTT itself). */
  readonly directUrl: string;
  /** Unique per test, so parallel runs on one Mosquitto never see each other. */
  readonly baseTopic: string;
  /** Cuts the transport's connection; it reconnects at once (the broker keeps its state). */
  dropConnections(): void;
  /**
   * The broker goes away for `downMs` and comes back. aedes restarts for real (a fresh, empty
   * broker); the shared Mosquitto is cut off at the proxy instead of being restarted.
   */
  restart(downMs: number): Promise<void>;
  /** Ends the persistent session a transport left on the broker. */
  forgetSession(clientId: string): Promise<void>;
  close(): Promise<void>;
}

const uniqueBase = () => `trygg-test-${randomUUID().slice(0, 8)}/zigbee2mqtt`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function forgetSession(url: string, clientId: string): Promise<void> {
  const client = await mqtt.connectAsync(url, { clientId, clean: true, reconnectPeriod: 0 });
  await client.endAsync();
}

export async function aedesHarness(): Promise<BrokerHarness> {
  const broker = await TestBroker.start();
  const proxy = await CuttableProxy.start(broker.url);
  return {
    url: proxy.url,
    directUrl: broker.url,
    baseTopic: uniqueBase(),
    dropConnections: () => proxy.cut(),
    async restart(downMs) {
      proxy.cut({ block: true });
      await broker.stop();
      await sleep(downMs);
      await broker.restart();
      proxy.unblock();
    },
    forgetSession: (clientId) => forgetSession(broker.url, clientId),
    async close() {
      await proxy.close();
      await broker.stop();
    },
  };
}

export async function mosquittoHarness(url: string): Promise<BrokerHarness> {
  const proxy = await CuttableProxy.start(url);
  return {
    url: proxy.url,
    directUrl: url,
    baseTopic: uniqueBase(),
    dropConnections: () => proxy.cut(),
    async restart(downMs) {
      proxy.cut({ block: true });
      await sleep(downMs);
      proxy.unblock();
    },
    forgetSession: (clientId) => forgetSession(url, clientId),
    close: () => proxy.close(),
  };
}
