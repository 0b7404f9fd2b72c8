import type { AlarmKind } from '@trygg/protocol';
import type { OfficeDirectory } from '../config/office-directory';
import type { ChainConfig, EscalationStepConfig } from '../config/types';
import type { ChainSnapshot } from './alarm-types';

export const ESCALATION_DEFAULTS = { loudAfterSeconds: 60, repeatSeconds: 60, onSceneSeconds: 180 };

/**
 * The chain an alarm carries from the moment it is raised (edits of the live chain do not
 * change running alarms). Two safety rules shape it:
 * - small-office profile: a site with nobody on site to respond starts with its neighbours'
 *   consoles and its external parties at once;
 * - owned or loudly escalated: after the configured steps comes a loud step to every security
 *   contact and manager of the site on every channel, repeated until someone acknowledges.
 */
export function snapshotChain(directory: OfficeDirectory, siteId: string, chain: ChainConfig, kind: AlarmKind): { chain: ChainSnapshot; onSceneSeconds: number } {
  const site = directory.site(siteId);
  const steps: EscalationStepConfig[] = structuredClone(chain.steps);
  // Technical alarms go to the people who look after devices; an evacuation already reaches
  // everyone on every channel (evacuation/), so neither gets the loud step.
  if (kind === 'technical' || kind === 'evacuation') return { chain: { chainId: chain.id, steps }, onSceneSeconds: 0 };
  const small = site?.noRespondersOnSite;
  if (small) {
    steps.unshift({
      afterSeconds: 0, until: 'acknowledged',
      targets: [...small.neighbours.map((n) => ({ site: n })), ...(small.external ?? []).map((e) => ({ external: e }))],
    });
    // The configured chain now follows the neighbours' step; its first wait applies after them.
    if (steps[1] && steps[1].afterSeconds === 0) steps[1] = { ...steps[1], afterSeconds: ESCALATION_DEFAULTS.loudAfterSeconds };
  }
  const policy = { ...ESCALATION_DEFAULTS, ...site?.escalation };
  steps.push({
    afterSeconds: policy.loudAfterSeconds,
    targets: [{ role: 'security' }],
    channels: ['console', 'sms', 'voice', 'email'],
    until: 'acknowledged',
    repeatSeconds: policy.repeatSeconds,
  });
  return { chain: { chainId: chain.id, steps }, onSceneSeconds: policy.onSceneSeconds };
}
