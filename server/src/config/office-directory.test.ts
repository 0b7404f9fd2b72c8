import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfigFile } from './load-config';
import { OfficeDirectory } from './office-directory';
import type { TryggConfig } from './types';

const DEMO_OFFICE = fileURLToPath(new URL('../../config/demo-office.yaml', import.meta.url));

/** The demo office with `extra` more devices on its first site (a fleet large enough to matter). */
function office(extra = 0): TryggConfig {
  const config = loadConfigFile(DEMO_OFFICE);
  const site = config.sites[0]!;
  for (let i = 0; i < extra; i++) site.devices.push({ id: `fleet-${i}`, type: 'panic-button', roomId: site.rooms[0]!.id, gatewayId: site.gateways[0]!.id });
  return config;
}

describe('OfficeDirectory lookups', () => {
  it('finds every device, room, zone, chain, gateway and station of the configuration by id', () => {
    const config = office(5000);
    const directory = new OfficeDirectory(config);
    for (const site of config.sites) {
      for (const d of site.devices) expect(directory.device(site.id, d.id)?.id).toBe(d.id);
      for (const r of site.rooms) expect(directory.room(site.id, r.id)?.id).toBe(r.id);
      for (const z of site.zones) expect(directory.zone(site.id, z.id)?.id).toBe(z.id);
      for (const c of site.chains) expect(directory.chain(site.id, c.id)?.id).toBe(c.id);
      for (const g of site.gateways) expect(directory.gateway(site.id, g.id)?.id).toBe(g.id);
      for (const s of site.stations) expect(directory.station(s.id)?.station.id).toBe(s.id);
    }
    const site = config.sites[0]!;
    expect(directory.device(site.id, 'no-such-device')).toBeUndefined();
    expect(directory.device('no-such-site', site.devices[0]!.id)).toBeUndefined();
    expect(directory.room(site.id, undefined)).toBeUndefined();
    expect(directory.chain(site.id, 'no-such-chain')).toBeUndefined();
    expect(directory.gateway(site.id, 'no-such-gateway')).toBeUndefined();
  });

  it('answers from the new configuration after replace: added ids found, removed ones gone, changed ones changed', () => {
    const before = office(10);
    const directory = new OfficeDirectory(before);
    const siteId = before.sites[0]!.id;
    expect(directory.device(siteId, 'fleet-3')).toBeDefined();

    const after = office(0);
    const site = after.sites[0]!;
    site.devices.push({ id: 'newcomer', type: 'panic-button', roomId: site.rooms[1]!.id, gatewayId: site.gateways[0]!.id });
    site.rooms[0] = { ...site.rooms[0]!, name: 'Renamed room' };
    site.chains.push({ ...site.chains[0]!, id: 'added-chain' });
    directory.replace(after);

    expect(directory.device(siteId, 'fleet-3')).toBeUndefined();
    expect(directory.device(siteId, 'newcomer')?.roomId).toBe(site.rooms[1]!.id);
    expect(directory.room(siteId, site.rooms[0]!.id)?.name).toBe('Renamed room');
    expect(directory.chain(siteId, 'added-chain')?.steps).toEqual(site.chains[0]!.steps);
    expect(directory.chainFor(siteId, undefined).id).toBe(site.defaultChain);
  });

  it('keeps the first of a duplicated id, as a walk of the list did', () => {
    const config = office(0);
    const site = config.sites[0]!;
    const first = site.devices[0]!;
    site.devices.push({ ...first, roomId: site.rooms[1]!.id });
    const directory = new OfficeDirectory(config);
    expect(directory.device(site.id, first.id)?.roomId).toBe(first.roomId);
  });
});
