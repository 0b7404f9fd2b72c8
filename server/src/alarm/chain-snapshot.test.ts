import { describe, expect, it } from 'vitest';
import { loadConfigFile } from '../config/load-config';
import { OfficeDirectory } from '../config/office-directory';
import { DEMO_CONFIG } from '../environment';
import { snapshotChain } from './chain-snapshot';

const config = loadConfigFile(DEMO_CONFIG);
const chain = config.sites[0]!.chains[0]!;

describe('chain snapshot', () => {
  it('ends every alarm chain with the loud step to security contacts on every channel', () => {
    const { chain: snap, onSceneSeconds } = snapshotChain(new OfficeDirectory(config), 'demo', chain, 'panic');
    expect(snap.steps).toHaveLength(chain.steps.length + 1);
    expect(snap.steps.at(-1)).toMatchObject({ targets: [{ role: 'security' }], channels: ['console', 'sms', 'voice', 'email'], repeatSeconds: 60 });
    expect(onSceneSeconds).toBe(180);
  });

  it('technical alarms keep their chain as it is', () => {
    const { chain: snap, onSceneSeconds } = snapshotChain(new OfficeDirectory(config), 'demo', chain, 'technical');
    expect(snap.steps).toEqual(chain.steps);
    expect(onSceneSeconds).toBe(0);
  });

  it('small-office profile: neighbours and guards first, at once', () => {
    const small = structuredClone(config);
    small.notifiers = [{ id: 'guards', channel: 'sia-dc09', party: 'guards' }];
    small.sites.push({ ...structuredClone(small.sites[0]!), id: 'nabo', gateways: [], deviceAccounts: [], devices: [], stations: [{ id: 'nabo-pc', name: 'Nabo', zoneId: 'back', roomId: 'backoffice' }], groups: [] , chains: [{ id: 'standard', steps: [{ afterSeconds: 0, targets: [{ zone: 'back' }] }] }] });
    small.sites[0]!.noRespondersOnSite = { neighbours: ['nabo'], external: ['guards'] };
    const { chain: snap } = snapshotChain(new OfficeDirectory(small), 'demo', chain, 'panic');
    expect(snap.steps[0]).toEqual({ afterSeconds: 0, until: 'acknowledged', targets: [{ site: 'nabo' }, { external: 'guards' }] });
    expect(snap.steps[1]!.afterSeconds).toBe(60);
  });
});
