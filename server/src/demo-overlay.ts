import type { TryggConfig } from './config/types';
import { demoArcTarget } from './notify/notifiers/sia-dc09/config';

/**
 * Demo switches (README "Escalation demo"), applied to the running configuration only, never
 * stored: `TRYGG_DEMO_ARC=<host>:<port>` adds the guards' ARC (SIA DC-09 over TCP, account 1234,
 * unencrypted) as a last step of every chain of the demo site; `TRYGG_DEMO_FAST=1` makes every
 * escalation step wait at most 5 seconds.
 */
export function demoOverlay(env: NodeJS.ProcessEnv): ((config: TryggConfig) => TryggConfig) | undefined {
  const arc = env.TRYGG_DEMO_ARC;
  const fast = env.TRYGG_DEMO_FAST === '1' || env.TRYGG_DEMO_FAST === 'true';
  if (!arc && !fast) return undefined;
  return (config) => {
    if (arc) {
      config.notifiers = [
        ...(config.notifiers ?? []).filter((n) => n.id !== 'demo-guards'),
        { id: 'demo-guards', channel: 'sia-dc09', party: 'guards', settings: demoArcTarget(arc) as unknown as Record<string, unknown> },
      ];
      for (const chain of config.sites.find((s) => s.id === 'demo')?.chains ?? []) {
        if (!chain.steps.some((s) => s.targets.some((t) => 'external' in t && t.external === 'demo-guards'))) {
          chain.steps.push({ afterSeconds: 60, targets: [{ external: 'demo-guards' }], until: 'acknowledged' });
        }
      }
    }
    if (fast) for (const site of config.sites) for (const chain of site.chains) for (const step of chain.steps) step.afterSeconds = Math.min(step.afterSeconds, 5);
    return config;
  };
}
