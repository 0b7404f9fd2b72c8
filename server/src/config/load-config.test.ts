import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfigFile, validateConfig } from './load-config';
import { OfficeDirectory } from './office-directory';
import type { SiteConfig, TryggConfig } from './types';

const DEMO_OFFICE = fileURLToPath(new URL('../../config/demo-office.yaml', import.meta.url));
const HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

const dir = mkdtempSync(join(tmpdir(), 'trygg-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeTemp(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** A small valid office: site `main` (two zones, the `back` zone with its own chain) and a neighbour `annex`. */
function site(id: string, gatewayUser: string): SiteConfig {
  return {
    id,
    name: `Site ${id}`,
    defaultChain: 'standard',
    zones: [{ id: 'front', name: 'Front' }, { id: 'back', name: 'Back', chain: 'quiet' }],
    rooms: [{ id: 'reception', name: 'Reception', zoneId: 'front' }, { id: 'office', name: 'Office', zoneId: 'back' }],
    gateways: [{ id: 'gw', username: gatewayUser, passwordHash: HASH }],
    devices: [{ id: 'desk', type: 'panic-button', roomId: 'reception', gatewayId: 'gw' }],
    stations: [{ id: `${id}-front`, name: 'Front PC', zoneId: 'front', roomId: 'reception' }, { id: `${id}-back`, name: 'Back PC', zoneId: 'back', roomId: 'office' }],
    groups: [{ id: 'team', stations: [`${id}-back`] }],
    chains: [
      { id: 'standard', steps: [{ afterSeconds: 0, targets: [{ group: 'team' }] }] },
      { id: 'quiet', steps: [{ afterSeconds: 0, targets: [{ zone: 'front' }] }] },
    ],
  };
}

function office(): TryggConfig {
  return {
    version: 1,
    sites: [site('main', 'main-gw'), site('annex', 'annex-gw')],
    users: [
      { username: 'ola', name: 'Ola', role: 'responder', sites: ['main'], passwordHash: HASH },
      { username: 'root', name: 'Root', role: 'admin', sites: ['*'], passwordHash: HASH },
    ],
  };
}

/** Runs validateConfig and returns its problems; fails the test if the config was accepted. */
function problemsOf(config: unknown): string[] {
  try {
    validateConfig(config, 'test.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).code).toBe('TRYGG_SRV_CONFIG_INVALID');
    return (err as ConfigError).problems;
  }
  throw new Error('configuration was accepted');
}

function mainSite(config: TryggConfig): SiteConfig {
  return config.sites[0]!;
}

describe('loadConfigFile', () => {
  it('loads the shipped demo office', () => {
    const config = loadConfigFile(DEMO_OFFICE);
    expect(config.sites.map((s) => s.id)).toEqual(['demo']);
    const demo = config.sites[0]!;
    expect(demo.devices.map((d) => d.id)).toEqual(['reception-desk', 'interview-1', 'interview-2', 'interview-3', 'portable-kari']);
    expect(demo.stations.map((s) => s.id)).toEqual(expect.arrayContaining(['backoffice', 'reception']));
    expect(demo.defaultChain).toBe('standard');
  });

  it('gives every demo station a room, named in bokmål (its discreet alarm never says "Ukjent rom")', () => {
    const demo = loadConfigFile(DEMO_OFFICE).sites[0]!;
    const roomName = (id: string | undefined) => demo.rooms.find((r) => r.id === id)?.name;
    expect(Object.fromEntries(demo.stations.map((s) => [s.name, roomName(s.roomId)]))).toEqual({
      'Bakkontor-PC': 'Bakkontor', 'Mottak-PC': 'Mottak', 'Leder-PC': 'Lederkontor',
    });
    // Nynorsk slipped in before ("Leiar-PC", "Heile kontoret"); the demo is bokmål throughout.
    const names = [...demo.zones, ...demo.rooms, ...demo.stations, ...demo.groups, ...demo.chains].map((x) => x.name ?? '').join(' | ');
    expect(names).not.toMatch(/\b(Leiar|Leiing|Heile|heile|leiar)/);
  });

  it('reads a JSON file as well', () => {
    const file = writeTemp('office.json', JSON.stringify(office(), null, 2));
    const config = loadConfigFile(file);
    expect(config).toEqual(office());
  });

  it('refuses a file that cannot be read with TRYGG_SRV_CONFIG_UNREADABLE and a one-line message', () => {
    const missing = join(dir, 'does-not-exist.yaml');
    let caught: unknown;
    try {
      loadConfigFile(missing);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const err = caught as ConfigError;
    expect(err.code).toBe('TRYGG_SRV_CONFIG_UNREADABLE');
    expect(err.message).toContain(missing);
    expect(err.message).toMatch(/ENOENT/);
    expect(err.message).not.toContain('\n');
    expect(err.cause).toBeDefined();
  });

  it('refuses invalid YAML with TRYGG_SRV_CONFIG_INVALID and a one-line message', () => {
    const file = writeTemp('broken.yaml', 'version: 1\nsites: [ { id: main,\n  name: "unterminated\nusers: ]\n');
    let caught: unknown;
    try {
      loadConfigFile(file);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const err = caught as ConfigError;
    expect(err.code).toBe('TRYGG_SRV_CONFIG_INVALID');
    expect(err.message).toContain(file);
    expect(err.message).toContain('not valid YAML/JSON');
    expect(err.message).not.toContain('\n');
  });

  it('validates what it read: a schema problem in a file names the file and the path', () => {
    const config = office() as unknown as { sites: { rooms: { zoneId: string }[] }[] };
    config.sites[0]!.rooms[1]!.zoneId = 'Not An Id';
    const file = writeTemp('bad-room.json', JSON.stringify(config));
    expect(() => loadConfigFile(file)).toThrow(/bad-room\.json: sites\.0\.rooms\.1\.zoneId: must match pattern/);
  });
});

describe('validateConfig: schema', () => {
  it('accepts the test office', () => {
    expect(validateConfig(office())).toEqual(office());
  });

  it('reports every schema problem at once as `path: message`', () => {
    const config = office() as unknown as Record<string, any>;
    config.version = 2;
    config.sites[0].rooms[1].zoneId = 'Bad Zone!';
    config.sites[0].devices[0].type = 'siren';
    config.sites[0].colour = 'red';
    delete config.sites[1].name;
    config.sites[1].chains[0].steps[0].afterSeconds = -5;
    config.users[0].role = 'king';

    const problems = problemsOf(config);
    expect(problems).toEqual(expect.arrayContaining([
      'version: must be equal to constant',
      'sites.0.rooms.1.zoneId: must match pattern "^[a-z0-9][a-z0-9_-]{0,63}$"',
      'sites.0.devices.0.type: must be one of panic-button, portable',
      'sites.0.colour: must NOT have additional properties',
      "sites.1.name: must have required property 'name'",
      'sites.1.chains.0.steps.0.afterSeconds: must be >= 0',
      'users.0.role: must be one of employee, responder, security, manager, admin',
    ]));
    for (const p of problems) expect(p).toMatch(/^[\w.()]+: \S/);
  });

  it('puts all problems into one error message, separated by "; "', () => {
    const config = office() as unknown as Record<string, any>;
    config.sites[0].rooms[0].zoneId = 'X';
    config.sites[0].rooms[1].zoneId = 'Y';
    try {
      validateConfig(config, 'office.yaml');
      expect.unreachable('accepted');
    } catch (err) {
      expect((err as Error).message).toMatch(/^invalid configuration office\.yaml: sites\.0\.rooms\.0\.zoneId: .*; sites\.0\.rooms\.1\.zoneId: /);
      expect((err as Error).message).not.toContain('\n');
    }
  });

  it('reports a missing top-level section and a non-object document', () => {
    expect(problemsOf({ version: 1, users: [] })).toEqual(["sites: must have required property 'sites'"]);
    expect(problemsOf('just a string')).toEqual(['(root): must be object']);
  });

  it('refuses a step target naming two things at once and a chain without steps', () => {
    const config = office();
    (mainSite(config).chains[0]!.steps[0]!.targets as unknown[]) = [{ group: 'team', zone: 'front' }];
    mainSite(config).chains[1]!.steps = [];
    const problems = problemsOf(config);
    expect(problems).toContain('sites.0.chains.0.steps.0.targets.0: must NOT have more than 1 properties');
    expect(problems).toContain('sites.0.chains.1.steps: must NOT have fewer than 1 items');
  });
});

describe('validateConfig: cross references', () => {
  const cases: [string, (c: TryggConfig) => void, string][] = [
    ['a device in a missing room', (c) => { mainSite(c).devices[0]!.roomId = 'attic'; },
      'sites.0.devices.0.roomId: unknown room "attic"'],
    ['a device on an unknown gateway', (c) => { mainSite(c).devices[0]!.gatewayId = 'gw-9'; },
      'sites.0.devices.0.gatewayId: unknown gateway "gw-9"'],
    ['a panic-button without a room', (c) => { delete mainSite(c).devices[0]!.roomId; },
      'sites.0.devices.0.roomId: a panic-button needs a room'],
    ['a room in a missing zone', (c) => { mainSite(c).rooms[1]!.zoneId = 'cellar'; },
      'sites.0.rooms.1.zoneId: unknown zone "cellar"'],
    ['a station in a missing zone', (c) => { mainSite(c).stations[0]!.zoneId = 'cellar'; },
      'sites.0.stations.0.zoneId: unknown zone "cellar"'],
    ['a group naming a missing station', (c) => { mainSite(c).groups[0]!.stations = ['main-back', 'ghost']; },
      'sites.0.groups.0.stations.1: unknown station "ghost"'],
    ['a group naming a missing zone', (c) => { mainSite(c).groups[0]!.zones = ['cellar']; },
      'sites.0.groups.0.zones.0: unknown zone "cellar"'],
    ['an empty group', (c) => { mainSite(c).groups[0]!.stations = []; },
      'sites.0.groups.0: a group needs stations or zones'],
    ['a chain step naming a missing group', (c) => { mainSite(c).chains[0]!.steps[0]!.targets = [{ group: 'nobody' }]; },
      'sites.0.chains.0.steps.0.targets.0.group: unknown group "nobody"'],
    ['a chain step naming a missing zone', (c) => { mainSite(c).chains[1]!.steps[0]!.targets = [{ zone: 'front' }, { zone: 'cellar' }]; },
      'sites.0.chains.1.steps.0.targets.1.zone: unknown zone "cellar"'],
    ['a chain step naming a missing station', (c) => { mainSite(c).chains[0]!.steps[0]!.targets = [{ station: 'annex-back' }]; },
      'sites.0.chains.0.steps.0.targets.0.station: unknown station "annex-back"'],
    ['a chain step naming a missing site', (c) => { mainSite(c).chains[0]!.steps[0]!.targets = [{ site: 'atlantis' }]; },
      'sites.0.chains.0.steps.0.targets.0.site: unknown site "atlantis"'],
    ['a chain naming its own site as neighbour', (c) => { mainSite(c).chains[0]!.steps[0]!.targets = [{ site: 'main' }]; },
      'sites.0.chains.0.steps.0.targets.0.site: a chain cannot name its own site as a neighbour'],
    ['a chain naming a neighbour that did not agree', (c) => { mainSite(c).neighbourAgreements = ['annex']; mainSite(c).chains[0]!.steps[0]!.targets = [{ site: 'annex' }]; },
      'sites.0.chains.0.steps.0.targets.0.site: no neighbour agreement between "main" and "annex" ("annex" does not list "main" in neighbourAgreements)'],
    ['a chain naming a neighbour its own site did not agree with', (c) => { c.sites[1]!.neighbourAgreements = ['main']; mainSite(c).chains[0]!.steps[0]!.targets = [{ site: 'annex' }]; },
      'sites.0.chains.0.steps.0.targets.0.site: no neighbour agreement between "main" and "annex" ("main" does not list "annex" in neighbourAgreements)'],
    ['a small office whose neighbour did not agree', (c) => { mainSite(c).noRespondersOnSite = { neighbours: ['annex'] }; },
      'sites.0.noRespondersOnSite.neighbours.0: no neighbour agreement between "main" and "annex" ("main" does not list "annex", "annex" does not list "main" in neighbourAgreements)'],
    ['an agreement with a missing site', (c) => { mainSite(c).neighbourAgreements = ['atlantis']; },
      'sites.0.neighbourAgreements.0: unknown site "atlantis"'],
    ['a missing defaultChain', (c) => { mainSite(c).defaultChain = 'gone'; },
      'sites.0.defaultChain: unknown chain "gone"'],
    ['a missing zone chain', (c) => { mainSite(c).zones[1]!.chain = 'gone'; },
      'sites.0.zones.1.chain: unknown chain "gone"'],
    ['a duplicate site id', (c) => { c.sites[1]!.id = 'main'; },
      'sites.1.id: duplicate site "main"'],
    ['a duplicate zone id', (c) => { mainSite(c).zones.push({ id: 'front', name: 'Again' }); },
      'sites.0.zones.2.id: duplicate zone "front"'],
    ['a duplicate room id', (c) => { mainSite(c).rooms[1]!.id = 'reception'; mainSite(c).stations[1]!.roomId = 'reception'; },
      'sites.0.rooms.1.id: duplicate room "reception"'],
    ['a duplicate device id', (c) => { mainSite(c).devices.push({ ...mainSite(c).devices[0]! }); },
      'sites.0.devices.1.id: duplicate device "desk"'],
    ['a station without its room (every console has the discreet panic button)', (c) => { delete mainSite(c).stations[1]!.roomId; },
      'sites.0.stations.1.roomId: station "main-back" has the discreet panic button, so it needs the room it stands in'],
    ['a station in a room that does not exist', (c) => { mainSite(c).stations[0]!.roomId = 'attic'; },
      'sites.0.stations.0.roomId: unknown room "attic"'],
    ['a duplicate station id within a site', (c) => { mainSite(c).stations.push({ id: 'main-front', name: 'Again', zoneId: 'back', roomId: 'office' }); },
      'sites.0.stations.2.id: duplicate station "main-front"'],
    ['a duplicate chain id', (c) => { mainSite(c).chains.push({ ...mainSite(c).chains[0]! }); },
      'sites.0.chains.2.id: duplicate chain "standard"'],
    ['a duplicate user', (c) => { c.users[1]!.username = 'ola'; },
      'users.1.username: duplicate user "ola"'],
    ['a gateway username used twice across sites', (c) => { c.sites[1]!.gateways[0]!.username = 'main-gw'; },
      'sites.1.gateways.0.username: MQTT username "main-gw" is already used at sites.0.gateways.0.username'],
    ['a device account reusing a gateway username', (c) => { c.sites[1]!.deviceAccounts = [{ username: 'main-gw', passwordHash: HASH }]; },
      'sites.1.deviceAccounts.0.username: MQTT username "main-gw" is already used at sites.0.gateways.0.username'],
    ['a device account naming a missing device', (c) => { mainSite(c).deviceAccounts = [{ username: 'buttons', passwordHash: HASH, deviceIds: ['desk', 'lamp'] }]; },
      'sites.0.deviceAccounts.0.deviceIds.1: unknown device "lamp"'],
    ['a user in a missing site', (c) => { c.users[0]!.sites = ['main', 'atlantis']; },
      'users.0.sites.1: unknown site "atlantis"'],
  ];

  it.each(cases)('reports %s', (_what, breakIt, expected) => {
    const config = office();
    breakIt(config);
    expect(problemsOf(config)).toEqual([expected]);
  });

  it('reports every broken reference at once, one line each', () => {
    const config = office();
    mainSite(config).devices[0]!.roomId = 'attic';
    mainSite(config).devices[0]!.gatewayId = 'gw-9';
    config.sites[1]!.defaultChain = 'gone';
    config.users[0]!.sites = ['atlantis'];
    expect(problemsOf(config)).toEqual([
      'sites.0.devices.0.roomId: unknown room "attic"',
      'sites.0.devices.0.gatewayId: unknown gateway "gw-9"',
      'sites.1.defaultChain: unknown chain "gone"',
      'users.0.sites.0: unknown site "atlantis"',
    ]);
  });

  it('accepts a portable device without a room and a chain naming a neighbouring site that agreed', () => {
    const config = office();
    mainSite(config).devices.push({ id: 'pocket', type: 'portable', gatewayId: 'gw' });
    mainSite(config).chains[0]!.steps.push({ afterSeconds: 60, targets: [{ site: 'annex' }] });
    // Both offices agree, each in its own configuration.
    mainSite(config).neighbourAgreements = ['annex'];
    config.sites[1]!.neighbourAgreements = ['main'];
    mainSite(config).noRespondersOnSite = { neighbours: ['annex'] };
    expect(() => validateConfig(config)).not.toThrow();
  });

  // Consoles announce a bare station id and OfficeDirectory.station() resolves it across sites,
  // keeping the first site that has it; a second site's console with the same id would be routed
  // as the first site's. The loader has to refuse this instead.
  it('reports a station id used by two sites', () => {
    const config = office();
    config.sites[1]!.stations[0]!.id = 'main-front';
    expect(problemsOf(config)).toEqual([expect.stringMatching(/^sites\.1\.stations\.0\.id: .*"main-front"/)]);
  });
});

describe('OfficeDirectory', () => {
  const directory = new OfficeDirectory(validateConfig(office()));

  it('picks the zone chain where the zone has one, else the site default', () => {
    expect(directory.chainFor('main', 'back').id).toBe('quiet');
    expect(directory.chainFor('main', 'front').id).toBe('standard');
    expect(directory.chainFor('main', undefined).id).toBe('standard');
    expect(directory.chainFor('main', 'no-such-zone').id).toBe('standard');
  });

  it('refuses a chain for an unknown site', () => {
    expect(() => directory.chainFor('atlantis', 'front')).toThrow(/unknown site atlantis/);
  });

  it('finds a station across sites, with its site', () => {
    expect(directory.station('main-back')?.site.id).toBe('main');
    expect(directory.station('annex-front')?.site.id).toBe('annex');
    expect(directory.station('annex-front')?.station.zoneId).toBe('front');
    expect(directory.station('nowhere')).toBeUndefined();
  });

  it('looks up sites, devices, rooms, zones and users', () => {
    expect(directory.site('annex')?.name).toBe('Site annex');
    expect(directory.site('atlantis')).toBeUndefined();
    expect(directory.allSites().map((s) => s.id)).toEqual(['main', 'annex']);
    expect(directory.device('main', 'desk')?.roomId).toBe('reception');
    expect(directory.device('main', 'lamp')).toBeUndefined();
    expect(directory.device('atlantis', 'desk')).toBeUndefined();
    expect(directory.room('main', 'office')?.zoneId).toBe('back');
    expect(directory.room('main', undefined)).toBeUndefined();
    expect(directory.zone('annex', 'back')?.chain).toBe('quiet');
    expect(directory.user('ola')?.role).toBe('responder');
    expect(directory.user('nobody')).toBeUndefined();
  });

  it('lets a user into the sites listed, and into every site with "*"', () => {
    const ola = directory.user('ola')!;
    const root = directory.user('root')!;
    expect(directory.userMayAccessSite(ola, 'main')).toBe(true);
    expect(directory.userMayAccessSite(ola, 'annex')).toBe(false);
    expect(directory.userMayAccessSite(root, 'main')).toBe(true);
    expect(directory.userMayAccessSite(root, 'annex')).toBe(true);
    expect(directory.userMayAccessSite(root, 'not-configured-yet')).toBe(true);
  });

  it('serves the demo office: the reception desk sits in the front zone on the standard chain', () => {
    const demo = new OfficeDirectory(loadConfigFile(DEMO_OFFICE));
    const desk = demo.device('demo', 'reception-desk')!;
    const room = demo.room('demo', desk.roomId)!;
    expect(room.zoneId).toBe('front');
    expect(demo.chainFor('demo', room.zoneId).id).toBe('standard');
    expect(demo.station('reception')?.site.id).toBe('demo');
    expect(demo.station('backoffice')?.station.zoneId).toBe('back');
  });
});
