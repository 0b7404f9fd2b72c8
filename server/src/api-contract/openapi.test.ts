import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../test/support/free-port';
import { registeredRoutes } from '../auth/authorise-requests';
import { loadConfigFile } from '../config/load-config';
import { DEMO_CONFIG } from '../environment';
import { startTrygg, type RunningTrygg } from '../server';

type Operation = { responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>; security?: unknown[] };
type Document = { openapi: string; paths: Record<string, Record<string, Operation>> };

/**
 * The OpenAPI document of the whole server (every feature running) is valid OpenAPI 3.1 and
 * covers every `/api/v1` route the server registers, each with an answer for success and the
 * coded error.
 */
describe('OpenAPI document', () => {
  let dir: string;
  let running: RunningTrygg;
  let doc: Document;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trygg-openapi-'));
    running = await startTrygg({
      config: loadConfigFile(DEMO_CONFIG), dataDir: dir, httpHost: '127.0.0.1', httpPort: await freePort(), mqttHost: '127.0.0.1', mqttPort: await freePort(),
      embeddedGateways: [], logger: pino({ level: 'silent' }),
    });
    const res = await running.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    expect(res.statusCode).toBe(200);
    doc = res.json() as Document;
  });

  afterAll(async () => {
    await running?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('validates as OpenAPI 3.1', async () => {
    expect(doc.openapi).toBe('3.1.0');
    const result = await new Validator().validate(structuredClone(doc) as Parameters<Validator['validate']>[0]);
    expect(result.errors ?? [], JSON.stringify(result.errors, null, 1)?.slice(0, 2000)).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('has every registered /api/v1 route, with a success answer and the coded error, both with a schema', () => {
    // WebSocket routes carry messages (docs/protocol.md), not REST answers.
    const api = registeredRoutes(running.app).filter((r) => r.method !== 'HEAD' && !r.websocket && r.url.startsWith('/api/v1/'));
    expect(api.length).toBeGreaterThan(80);
    const problems: string[] = [];
    for (const route of api) {
      const path = route.url.replace(/:([A-Za-z]+)/g, '{$1}');
      const operation = doc.paths[path]?.[route.method.toLowerCase()];
      if (!operation) {
        problems.push(`${route.method} ${route.url}: missing`);
        continue;
      }
      const statuses = Object.keys(operation.responses ?? {});
      if (!statuses.some((s) => /^2/.test(s))) problems.push(`${route.method} ${route.url}: no success answer`);
      if (!statuses.includes('4XX')) problems.push(`${route.method} ${route.url}: no coded error answer`);
      for (const [status, answer] of Object.entries(operation.responses ?? {})) {
        if (status !== '204' && !Object.values(answer.content ?? {}).some((c) => c.schema)) problems.push(`${route.method} ${route.url}: ${status} without a schema`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('says which operations need the session cookie', () => {
    expect(doc.paths['/api/v1/session']!.post!.security).toEqual([]);
    expect(doc.paths['/api/v1/alarms']!.get!.security).toEqual([{ session: [] }]);
  });

  it('serves the reference page under the server\'s Content Security Policy, with its script from the server itself', async () => {
    const page = await running.app.inject({ method: 'GET', url: '/api/docs' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.body).not.toMatch(/<script>(?!\s*<\/script>)/); // no inline script, which the policy would block
    const script = await running.app.inject({ method: 'GET', url: '/api/docs/static/swagger-ui-bundle.js' });
    expect(script.statusCode).toBe(200);
    expect((await running.app.inject({ method: 'GET', url: '/api/docs/json' })).json()).toEqual(doc);
  });
});
