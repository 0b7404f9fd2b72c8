import type { TryggConfig } from './config/types';
import { demoArcTarget } from './notify/notifiers/sia-dc09/config';

/**
 * Demo switches (README "Escalation demo"), applied to the running configuration only, never
 * stored: `TRYGG_DEMO_ARC=<host>:<port>` adds the guards' ARC (SIA DC-09 over TCP, account 1234,
 * unencrypted) as a last step of every chain of the demo site; `TRYGG_DEMO_FAST=1` makes every
 * escalation step (the loud last step too) wait at most 5 seconds; `TRYGG_DEMO_SMPP=<host>:<port>` sends the demo
 * office's SMS through an SMSC there (system id `trygg`, password `trygg-demo`; README "SMS demo"):
 * evacuations and the loud escalation step reach the people with a phone, and their replies
 * count in the roll call.
 */
export function demoOverlay(env: NodeJS.ProcessEnv): ((config: TryggConfig) => TryggConfig) | undefined {
  const arc = env.TRYGG_DEMO_ARC;
  const fast = env.TRYGG_DEMO_FAST === '1' || env.TRYGG_DEMO_FAST === 'true';
  const smpp = env.TRYGG_DEMO_SMPP ? demoSmscSettings(env.TRYGG_DEMO_SMPP) : undefined;
  if (!arc && !fast && !smpp) return undefined;
  return (config) => {
    if (smpp) {
      // First in the list: evacuations and people's steps use the first sms notifier without a party.
      config.notifiers = [
        { id: 'demo-sms', channel: 'sms', settings: smpp },
        ...(config.notifiers ?? []).filter((n) => n.id !== 'demo-sms'),
      ];
    }
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
    if (fast) {
      for (const site of config.sites) {
        for (const chain of site.chains) for (const step of chain.steps) step.afterSeconds = Math.min(step.afterSeconds, 5);
        // The loud last step is an escalation step too: it comes 5 s after the chain, not 60.
        site.escalation = { ...site.escalation, loudAfterSeconds: Math.min(site.escalation?.loudAfterSeconds ?? 60, 5) };
      }
    }
    return config;
  };
}

/** `TRYGG_DEMO_SMPP=<host>:<port>` (IPv6 as `[::1]:2775`): the demo SMSC's settings. */
export function demoSmscSettings(hostPort: string): Record<string, unknown> {
  const m = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(hostPort.trim());
  const port = m ? Number(m[2]) : 0;
  if (!m || port < 1 || port > 65535) throw new Error(`TRYGG_DEMO_SMPP must be <host>:<port>, got "${hostPort}"`);
  return { provider: 'smpp', host: m[1], port, systemId: 'trygg', password: 'trygg-demo', sender: 'Trygg' };
}
