import { securityApi, type Clock } from '@trygg/protocol';
import type { FastifyInstance } from 'fastify';
import type { HttpProviderNotifier, InboundKind } from '../../notify/notifiers/http-provider/http-provider';

/**
 * Callbacks from an HTTP SMS/voice provider: people's replies (`/replies`, roll call) and
 * delivery reports (`/receipts`). No session: the provider proves itself with an HMAC of the raw
 * body (notifiers/http-provider/inbound.ts), so the body is kept as bytes here, in this scope only.
 */
export interface ProviderInboundDeps {
  notifierOf(id: string): HttpProviderNotifier | undefined;
  clock: Clock;
}

const MAX_BODY = 64 * 1024;

export async function providerInboundRoutes(app: FastifyInstance, deps: ProviderInboundDeps): Promise<void> {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_BODY }, (_req, body, done) => done(null, body));
  const route = (path: string, kind: InboundKind, summary: string) => app.post<{ Params: { notifierId: string } }>(path, { schema: securityApi.providerCallback(summary) }, async (request, reply) => {
    const notifier = deps.notifierOf(request.params.notifierId);
    if (!notifier) return reply.code(404).send({ error: 'no HTTP provider with this id' });
    const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const signature = request.headers[notifier.signatureHeader()];
    const answer = notifier.receive(kind, raw, {
      signature: Array.isArray(signature) ? signature[0] : signature,
      contentType: request.headers['content-type'],
    }, deps.clock.now());
    if (answer.status !== 204) {
      request.log.warn({ notifier: request.params.notifierId, kind, status: answer.status, error: answer.error }, 'provider callback refused');
      return reply.code(answer.status).send({ error: answer.error });
    }
    return reply.code(204).send();
  });
  route('/api/v1/providers/:notifierId/replies', 'reply', 'A person\'s reply (roll call) from an SMS/voice provider');
  route('/api/v1/providers/:notifierId/receipts', 'receipt', 'A delivery report from an SMS/voice provider');
}
