import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedNotification {
  /** The notification id (the idempotency key): the same id twice is a retry. */
  id: string;
  attempt: number;
  purpose: string;
  alarmId?: string;
  deviceId?: string;
  at: number;
}

/**
 * The external party of the chaos office (a webhook notifier): records every delivery and
 * answers 200. What the server sends here is the "notifications" side of the comparison.
 */
export class WebhookSink {
  readonly received: ReceivedNotification[] = [];
  private server: Server | null = null;
  port = 0;

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        try {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
            id: string; attempt: number; purpose: string; subject?: { alarmId?: string; deviceId?: string };
          };
          this.received.push({ id: body.id, attempt: body.attempt, purpose: body.purpose, alarmId: body.subject?.alarmId, deviceId: body.subject?.deviceId, at: Date.now() });
          res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
        } catch {
          res.writeHead(400).end();
        }
      });
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hook`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
