import { describe, expect, it } from 'vitest';
import type { Alarm } from '../alarm/alarm-types';
import { validateConfig } from '../config/load-config';
import { OfficeDirectory } from '../config/office-directory';
import type { TryggConfig, UserConfig } from '../config/types';
import { resolveStepTargets, type Presence } from './step-router';

const hash = 'scrypt$16384$8$1$YGupddiFMddJGZO5BmxT3A==$TLEOS0N7vwCtqLQecxdXaba6LXxq7U2ZnU7dFYjIMDY=';
const config = validateConfig({
  version: 1,
  notifiers: [
    { id: 'guards', channel: 'sia-dc09', party: 'guards', settings: { primary: { host: '127.0.0.1', port: 7000, protocol: 'tcp' }, account: '1234' } },
    { id: 'police', channel: 'sms', party: 'police', to: { phone: '+4722225555', name: 'Politiet' } },
    { id: 'sms', channel: 'sms' },
    { id: 'mail', channel: 'email', settings: { host: '127.0.0.1', port: 2525, from: 'trygg@example.no' } },
  ],
  sites: [
    {
      id: 'a', name: 'A', defaultChain: 'c', neighbourAgreements: ['b'],
      zones: [{ id: 'front', name: 'F' }, { id: 'back', name: 'B' }],
      rooms: [{ id: 'r1', name: 'R1', zoneId: 'front' }, { id: 'r2', name: 'R2', zoneId: 'back' }],
      gateways: [], devices: [],
      stations: [{ id: 'st-front', name: 'SF', zoneId: 'front', roomId: 'r1' }, { id: 'st-back', name: 'SB', zoneId: 'back', roomId: 'r2' }],
      groups: [{ id: 'all', zones: ['front', 'back'] }],
      chains: [{
        id: 'c', steps: [
          { afterSeconds: 0, targets: [{ group: 'all' }] },
          { afterSeconds: 0, targets: [{ group: 'all' }], includeOriginZone: true },
          { afterSeconds: 0, targets: [{ role: 'security' }], channels: ['console', 'sms', 'email'] },
          { afterSeconds: 0, targets: [{ external: 'guards' }, { external: 'police' }, { site: 'b' }] },
        ],
      }],
    },
    {
      id: 'b', name: 'B', defaultChain: 'c', neighbourAgreements: ['a'], zones: [{ id: 'z', name: 'Z' }], rooms: [{ id: 'rb', name: 'RB', zoneId: 'z' }], gateways: [], devices: [],
      stations: [{ id: 'st-b', name: 'SB', zoneId: 'z', roomId: 'rb' }], groups: [], chains: [{ id: 'c', steps: [{ afterSeconds: 0, targets: [{ zone: 'z' }] }] }],
    },
  ],
  users: [
    { username: 'sec', name: 'Sigrid', role: 'security', sites: ['a'], phone: '+4790000001', email: 'sigrid@example.org', passwordHash: hash },
    { username: 'resp', name: 'Rolf', role: 'responder', sites: ['a'], phone: '+4790000002', passwordHash: hash },
    { username: 'other', name: 'Olga', role: 'manager', sites: ['b'], phone: '+4790000003', passwordHash: hash },
  ],
} satisfies TryggConfig);
const directory = new OfficeDirectory(config);

function alarm(over: Partial<Alarm> = {}): Alarm {
  return {
    id: 'x', siteId: 'a', kind: 'panic', drill: false, roomId: 'r1', zoneId: 'front', chain: { chainId: 'c', steps: config.sites[0]!.chains[0]!.steps },
    state: 'raised', raisedAt: 0, updatedAt: 0, pressCount: 1, responders: [], lastStep: -1, lastNotifiedStep: -1, nextStepDueAt: null, routedStations: [], version: 1,
    ...over,
  };
}

function presence(online: string[], users: Record<string, UserConfig> = {}): Presence {
  return {
    isOnline: (id) => online.includes(id),
    stationsWithUser: (who) => Object.entries(users).filter(([, u]) => who(u)).map(([station]) => station),
  };
}

describe('step router', () => {
  it('keeps the origin zone silent unless the step includes it', () => {
    expect(resolveStepTargets(directory, alarm(), 0, presence(['st-front', 'st-back']))).toMatchObject({ stations: ['st-back'], online: ['st-back'] });
    expect(resolveStepTargets(directory, alarm(), 1, presence(['st-back'])).stations).toEqual(['st-back', 'st-front']);
  });

  it('role targets reach the consoles where such people are logged in, and their phones and mail', () => {
    const r = resolveStepTargets(directory, alarm(), 2, presence(['st-back'], { 'st-back': directory.user('sec')!, 'st-front': directory.user('resp')! }));
    expect(r.stations).toEqual(['st-back']);
    expect(r.notifications).toEqual([
      { channel: 'sms', target: 'sms', external: false, recipient: expect.objectContaining({ id: 'user:sec', phone: '+4790000001' }) },
      { channel: 'email', target: 'mail', external: false, recipient: expect.objectContaining({ id: 'user:sec', email: 'sigrid@example.org' }) },
    ]);
  });

  it('external parties and neighbouring sites; police never gets a drill', () => {
    const real = resolveStepTargets(directory, alarm(), 3, presence([]));
    expect(real.stations).toEqual(['st-b']);
    expect(real.notifications?.map((n) => n.target)).toEqual(['guards', 'police']);
    expect(real.notifications?.[1]).toMatchObject({ external: true, recipient: { id: 'party:police', phone: '+4722225555' } });
    const drill = resolveStepTargets(directory, alarm({ drill: true }), 3, presence([]));
    expect(drill.notifications?.map((n) => n.target)).toEqual(['guards']);
  });
});
