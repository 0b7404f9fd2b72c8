import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FarEndMode } from '../notifier-conformance';

/**
 * Test support: a real local HTTP server standing in for an SMS provider or a webhook receiver.
 * It records every request; its failure answers echo the request (URL and headers, credentials
 * included), as careless real providers do, so a notifier that passes them on leaks its secret.
 */
export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export class FarEndHttp {
  readonly requests: RecordedRequest[] = [];
  mode: FarEndMode = 'ok';
  /** Answer of a success (default a JSON message id). */
  okBody: (req: RecordedRequest, index: number) => string = (_req, i) => JSON.stringify({ messageId: `prov-${i + 1}` });
  private server?: Server;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const recorded = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
        this.requests.push(recorded);
        const echo = JSON.stringify({ url: recorded.url, headers: recorded.headers });
        switch (this.mode) {
          case 'ok': res.writeHead(200, { 'content-type': 'application/json' }).end(this.okBody(recorded, this.requests.length - 1)); return;
          case 'recoverable': res.writeHead(503).end(`temporarily unavailable; you sent ${echo}`); return;
          case 'permanent': res.writeHead(400).end(`invalid request; you sent ${echo}`); return;
          case 'hang': return;
        }
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  header(name: string): string[] {
    return this.requests.map((r) => String(r.headers[name.toLowerCase()] ?? ''));
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
