import type { FastifyInstance } from 'fastify';
import type { Metrics } from '../metrics/metrics';
import type { Store } from '../store/store';

export interface Readiness {
  brokerConnected(): boolean;
  storeOk(): Promise<boolean>;
}

/** `/healthz` (the process answers), `/readyz` (broker, store, gateways) and `/metrics`. */
export async function healthRoutes(app: FastifyInstance, opts: { metrics: Metrics; store: Store; readiness: Readiness }) {
  const { metrics, store, readiness } = opts;
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
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
    return { status: ready ? 'ready' : 'not-ready', checks };
  });

  app.get('/metrics', async (_request, reply) => {
    metrics.openAlarms.set(await store.countOpenAlarms());
    metrics.gatewaysOnline.set((await store.listGatewayStatus()).filter((g) => g.state === 'online').length);
    reply.type(metrics.registry.contentType);
    return metrics.registry.metrics();
  });
}
