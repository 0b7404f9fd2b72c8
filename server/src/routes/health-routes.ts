import type { FastifyInstance } from 'fastify';
import { isOperator, type OperatorAccess } from '../auth/operator-access';
import { SESSION_COOKIE, type SessionService } from '../auth/sessions';
import type { Metrics } from '../metrics/metrics';
import type { Store } from '../store/store';

export interface Readiness {
  brokerConnected(): boolean;
  storeOk(): Promise<boolean>;
}

/**
 * `/healthz` (the process answers), `/readyz` (broker, store, gateways) and `/metrics`. Who may
 * read what is in auth/route-access.ts: `/metrics` only operators (operator-access.ts); `/readyz`
 * answers anyone ready / not ready, and its checks (which gateways are offline) only to
 * operators and logged-in administrators.
 */
export async function healthRoutes(app: FastifyInstance, opts: { metrics: Metrics; store: Store; readiness: Readiness; operator: OperatorAccess; sessions: SessionService }) {
  const { metrics, store, readiness } = opts;
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (request, reply) => {
    const details = isOperator(request, opts.operator) || (await opts.sessions.userFor(request.cookies[SESSION_COOKIE]))?.role === 'admin';
    const gateways = await store.listGatewayStatus();
    const checks = {
      broker: readiness.brokerConnected(),
      store: await readiness.storeOk(),
      gateways: Object.fromEntries(gateways.map((g) => [`${g.siteId}/${g.gatewayId}`, g.state])),
    };
    // Gateways report in the body but do not make the server unready: an offline gateway is an
    // alarm for the security contact, not a reason to stop accepting alarms from the others.
    const ready = checks.broker && checks.store;
    reply.code(ready ? 200 : 503);
    return details ? { status: ready ? 'ready' : 'not-ready', checks } : { status: ready ? 'ready' : 'not-ready' };
  });

  app.get('/metrics', async (_request, reply) => {
    metrics.openAlarms.set(await store.countOpenAlarms());
    metrics.gatewaysOnline.set((await store.listGatewayStatus()).filter((g) => g.state === 'online').length);
    reply.type(metrics.registry.contentType);
    return metrics.registry.metrics();
  });
}
