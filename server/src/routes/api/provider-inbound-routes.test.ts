import { createHmac } from 'node:crypto';
import { systemClock } from '@trygg/protocol';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HttpProviderNotifier, type InboundReport } from '../../notify/notifiers/http-provider/http-provider';
import type { ProviderReply } from '../../notify/provider-reply';
import { providerInboundRoutes } from './provider-inbound-routes';

const KEY = 'inbound-5ecret-key';
const sign = (body: string) => `sha256=${createHmac('sha256', KEY).update(body).digest('hex')}`;

describe('HTTP provider callbacks', () => {
  let app: FastifyInstance;
  let replies: ProviderReply[];
  let reports: InboundReport[];

  beforeEach(async () => {
    replies = [];
    reports = [];
    const provider = new HttpProviderNotifier({
      name: 'acme', channel: 'sms', url: 'https://sms.example.org/send',
      inbound: { signingKey: '${secret:ACME_INBOUND}', replies: { fromPath: 'msisdn', textPath: 'message.body' }, receipts: { refPath: 'messageId', statusPath: 'status' } },
    }, { secrets: { ACME_INBOUND: KEY } });
    provider.onReply((r) => replies.push(r));
    provider.onDeliveryReport((r) => reports.push(r));
    const plain = new HttpProviderNotifier({ name: 'plain', channel: 'sms', url: 'https://sms.example.org/send' }, {});
    app = Fastify();
    // Refusals before the route (a body too large) answer coded errors, as the server's app.ts does.
    app.setErrorHandler((error: Error & { statusCode?: number }, _request, reply) =>
      reply.code(error.statusCode ?? 500).send({ code: 'TRYGG_SRV_PAYLOAD_TOO_LARGE', message: error.message }));
    await app.register(providerInboundRoutes, { clock: systemClock, notifierOf: (id: string) => ({ acme: provider, plain } as Record<string, HttpProviderNotifier>)[id] });
    // Other routes keep the usual JSON parsing: the raw-body parser stays in its own scope.
    app.post('/echo', async (request: { body: unknown }) => request.body);
  });

  afterEach(() => app.close());

  it('a signed reply reaches roll call with the sender in E.164', async () => {
    const body = JSON.stringify({ msisdn: '004791234567', message: { body: 'OK' } });
    const res = await app.inject({ method: 'POST', url: '/api/v1/providers/acme/replies', payload: body, headers: { 'content-type': 'application/json', 'x-trygg-signature': sign(body) } });
    expect(res.statusCode, res.body).toBe(204);
    expect(replies).toEqual([expect.objectContaining({ channel: 'sms', from: '+4791234567', text: 'OK' })]);
  });

  it('a signed delivery report (JSON or form) is recorded as delivered or failed', async () => {
    const json = JSON.stringify({ messageId: 'p-1', status: 'DELIVRD' });
    expect((await app.inject({ method: 'POST', url: '/api/v1/providers/acme/receipts', payload: json, headers: { 'content-type': 'application/json', 'x-trygg-signature': sign(json) } })).statusCode).toBe(204);
    const form = 'messageId=p-2&status=UNDELIV';
    expect((await app.inject({ method: 'POST', url: '/api/v1/providers/acme/receipts', payload: form, headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-trygg-signature': sign(form) } })).statusCode).toBe(204);
    expect(reports.map((r) => [r.messageId, r.state])).toEqual([['p-1', 'delivered'], ['p-2', 'failed']]);
  });

  it('refuses a forged or unsigned callback, a provider without callbacks, and an unknown id', async () => {
    const body = JSON.stringify({ msisdn: '+4791234567', message: { body: 'OK' } });
    const forged = await app.inject({ method: 'POST', url: '/api/v1/providers/acme/replies', payload: body, headers: { 'content-type': 'application/json', 'x-trygg-signature': sign(`${body} `) } });
    expect(forged.statusCode).toBe(401);
    expect((await app.inject({ method: 'POST', url: '/api/v1/providers/acme/replies', payload: body, headers: { 'content-type': 'application/json' } })).statusCode).toBe(401);
    expect((await app.inject({ method: 'POST', url: '/api/v1/providers/plain/replies', payload: body, headers: { 'x-trygg-signature': sign(body) } })).statusCode).toBe(404);
    expect((await app.inject({ method: 'POST', url: '/api/v1/providers/nobody/replies', payload: body })).statusCode).toBe(404);
    expect(replies).toEqual([]);
  });

  it('a signed body without the fields is a 400 that names what is missing; a huge body is refused', async () => {
    const body = JSON.stringify({ message: { body: 'OK' } });
    const res = await app.inject({ method: 'POST', url: '/api/v1/providers/acme/replies', payload: body, headers: { 'content-type': 'application/json', 'x-trygg-signature': sign(body) } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatch(/sender/);
    const huge = 'x'.repeat(70 * 1024);
    expect((await app.inject({ method: 'POST', url: '/api/v1/providers/acme/replies', payload: huge, headers: { 'content-type': 'text/plain', 'x-trygg-signature': sign(huge) } })).statusCode).toBe(413);
    const echo = await app.inject({ method: 'POST', url: '/echo', payload: { a: 1 } });
    expect(echo.json()).toEqual({ a: 1 });
  });
});
