import { DEMO_CONFIG, exitOnStartupError, runFromEnvironment, type StartedServer } from '@trygg/server';

/**
 * `npm start`: the server on the environment's settings and, on the demo configuration, the demo
 * office's simulated buttons. They heartbeat like real ones, so supervision sees a healthy office
 * (TRYGG_DEMO_DEVICES=off to watch them go silent instead). The simulator is loaded only then:
 * an office on its own configuration never runs simulator code.
 */
async function demoDevices({ running, environment, tls, logger }: StartedServer) {
  if (environment.configFile !== DEMO_CONFIG) return undefined;
  // Under TLS the certificate names the server's real host, not 127.0.0.1: no demo heartbeats then.
  if (tls) {
    logger.info('demo device heartbeats off under TLS');
    return undefined;
  }
  if (running.mqttPort === undefined || process.env.TRYGG_DEMO_DEVICES === 'off') return undefined;
  const { startHeartbeatLoad } = await import('@trygg/firmware-sim');
  return startHeartbeatLoad({
    url: `mqtt://127.0.0.1:${running.mqttPort}`,
    username: 'demo-devices',
    password: 'trygg-demo-devices',
    siteId: 'demo',
    devices: running.directory.site('demo')?.devices.map((d) => d.id) ?? [],
    intervalMs: 60_000,
    battery: 90,
  }).catch((err: unknown) => {
    logger.warn({ err: { message: (err as Error).message } }, 'demo device heartbeats not started');
    return undefined;
  });
}

runFromEnvironment(demoDevices).catch(exitOnStartupError);
