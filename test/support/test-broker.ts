import { once } from 'node:events';
import net, { type AddressInfo, type Socket } from 'node:net';
import { Aedes, type AedesOptions, type Client } from 'aedes';

/**
 * A real aedes broker on a local port for integration tests. `stop()` cuts every connection
 * (like a crashed broker) and `restart()` brings a fresh, empty broker up on the same port.
 */
export class TestBroker {
  broker!: Aedes;
  private server!: net.Server;
  private readonly sockets = new Set<Socket>();
  port = 0;
  private running = false;

  private constructor(private readonly options: AedesOptions) {}

  static async start(port = 0, options: AedesOptions = {}): Promise<TestBroker> {
    const b = new TestBroker(options);
    await b.listen(port);
    return b;
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  private async listen(port: number): Promise<void> {
    this.broker = await Aedes.createBroker(this.options);
    this.server = net.createServer((socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      this.broker.handle(socket);
    });
    this.server.listen(port, '127.0.0.1');
    await once(this.server, 'listening');
    this.port = (this.server.address() as AddressInfo).port;
    this.running = true;
  }

  /** Resolves with the broker-side client once a client with this id has connected. */
  clientConnected(clientId: string): Promise<Client> {
    return new Promise((resolve) => {
      const onClient = (client: Client) => {
        if (client.id !== clientId) return;
        this.broker.off('clientReady', onClient);
        resolve(client);
      };
      this.broker.on('clientReady', onClient);
    });
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await new Promise<void>((resolve) => this.broker.close(() => resolve()));
  }

  async restart(): Promise<void> {
    await this.listen(this.port);
  }
}
