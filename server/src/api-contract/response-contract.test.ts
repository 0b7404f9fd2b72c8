import { Writable } from 'node:stream';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../metrics/metrics';
import { checkResponses, type ResponseContractMode } from './response-contract';

const Answer = { type: 'object', additionalProperties: false, required: ['id', 'count'], properties: { id: { type: 'string' }, count: { type: 'integer' } } };

/** A bare app with one route whose answer grew a field its schema does not name. */
async function appWith(mode: ResponseContractMode) {
  const lines: string[] = [];
  const logger = pino({ level: 'info' }, new Writable({ write(chunk, _e, done) { lines.push(String(chunk)); done(); } }));
  const metrics = createMetrics();
  const app = Fastify({ loggerInstance: logger as unknown as FastifyBaseLogger });
  checkResponses(app, { mode, logger: app.log, violations: metrics.responseContractViolations });
  app.get('/ok', { schema: { response: { 200: Answer } } }, async () => ({ id: 'a', count: 1 }));
  app.get('/drift', { schema: { response: { 200: Answer } } }, async () => ({ id: 'a', count: 1, extra: 'kept' }));
  return { app, lines, metrics };
}

describe('response contract', () => {
  it('report (a running office): the answer goes out whole, the slip is logged with its code and counted', async () => {
    const { app, lines, metrics } = await appWith('report');
    expect((await app.inject('/ok')).json()).toEqual({ id: 'a', count: 1 });
    const res = await app.inject('/drift');
    expect(res.statusCode).toBe(200);
    // JSON.stringify, not fast-json-stringify: a field the schema forgot is never dropped on the way.
    expect(res.json()).toEqual({ id: 'a', count: 1, extra: 'kept' });
    const logged = lines.map((l) => JSON.parse(l) as { code?: string; route?: string; problems?: string[] }).find((l) => l.code === 'TRYGG_SRV_RESPONSE_CONTRACT');
    expect(logged).toMatchObject({ route: 'GET /drift 200', problems: ['extra: must NOT have additional properties'] });
    expect((await metrics.responseContractViolations.get()).values).toEqual([{ value: 1, labels: { route: 'GET /drift 200' } }]);
  });

  it('enforce (tests): the request fails instead, so a slip cannot pass unnoticed', async () => {
    const { app } = await appWith('enforce');
    expect((await app.inject('/ok')).statusCode).toBe(200);
    const res = await app.inject('/drift');
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('kept');
  });
});
