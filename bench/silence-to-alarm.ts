import { join } from 'node:path';
import { closeScenarioPorts, loadScenarioFile, openScenarioPorts, runScenario } from '@trygg/firmware-sim';
import { systemClock } from '@trygg/protocol';
import { fetchMetric } from '../test/support/prometheus-text';
import type { PopupWatch } from './popup-watch';

export const SILENCE_SCENARIO = join(import.meta.dirname, 'scenarios/silence.yaml');

/**
 * (b) From a device's last heartbeat to its technical pop-up on a manager's console, against the
 * configured window (heartbeat x missed): the silence scenario plays on the real clock, the
 * manager's station timestamps each device-offline pop-up.
 */
export async function silenceToAlarm(o: { baseUrl: string; mqttUrl: string; manager: PopupWatch; windowMs: number; heartbeatMs: number }): Promise<string[]> {
  const scenario = loadScenarioFile(SILENCE_SCENARIO);
  const ids = scenario.heartbeats!.devices;
  const ports = await openScenarioPorts(scenario, { mqtt: { url: o.mqttUrl, username: 'demo-devices', password: 'trygg-demo-devices' } });
  try {
    const run = runScenario(scenario, { clock: systemClock, ports });
    // Pop-ups from before the run (these devices were silent since the server started) do not count.
    const arrivals = await Promise.all(ids.map((id) => o.manager.arrival(id, 'technical', o.windowMs + 20_000, run.startedAt)));
    await run.finished;
    const measured = arrivals.map((a, i) => (a.wall - run.lastHeartbeatAt(ids[i]!)!) / 1000).sort((x, y) => x - y);
    const ratios = measured.map((s) => s / (o.windowMs / 1000));
    const three = (xs: number[], d: number) => [xs[0]!, xs[Math.floor(xs.length / 2)]!, xs.at(-1)!].map((x) => x.toFixed(d)).join(' / ');
    const sum = await fetchMetric(o.baseUrl, 'trygg_device_offline_detection_ratio_sum');
    const count = await fetchMetric(o.baseUrl, 'trygg_device_offline_detection_ratio_count');
    return [
      `silence to technical alarm: ${ids.length} devices, window ${o.heartbeatMs / 1000} s x ${o.windowMs / o.heartbeatMs} missed = ${o.windowMs / 1000} s; last heartbeat -> technical pop-up on the manager's console`,
      `  measured ${three(measured, 2)} s (min / median / max); measured/configured ${three(ratios, 3)}; server's own trygg_device_offline_detection_ratio mean ${count > 0 ? (sum / count).toFixed(3) : 'n/a'} (n=${count})`,
    ];
  } finally {
    await closeScenarioPorts(ports);
  }
}
