// The small pure pieces behind the pages: problems next to fields, device health, response
// times, coverage of a station's area, the panic shortcut, hash routes, times in a site's zone.
import { describe, expect, it } from 'vitest';
import type { CoverageRoom, DeviceStatus, SiteView, TimelineEvent } from '@trygg/protocol';
import { setLanguage } from '../i18n/i18n';
import { placeProblems, withoutField } from './config-problems';
import { historyNoteText } from './history-note';
import { areaCoverage } from './coverage';
import { batteryLow, deviceHealth } from './device-status';
import { formatClock, formatDateTime, formatDuration, placeLabel } from './format';
import { isPanicShortcut } from './panic-shortcut';
import { median, responseTimes } from './response-times';
import { can } from './roles';
import { parseRoute, routeHref } from './route';
import { cleanItem } from '../views/manage/collection-fields';

const site: SiteView = {
  id: 'demo', name: 'Demo', timezone: 'Europe/Oslo', defaultChain: 'standard',
  zones: [{ id: 'front', name: 'Front' }, { id: 'back', name: 'Back' }],
  rooms: [
    { id: 'reception', name: 'Mottak', zoneId: 'front', floor: '1' },
    { id: 'interview-1', name: 'Samtalerom 1', zoneId: 'front', floor: '1' },
    { id: 'backoffice', name: 'Bakkontor', zoneId: 'back', floor: '1' },
  ],
  devices: [{ id: 'btn', type: 'panic-button', gatewayId: 'gw' }, { id: 'fast', type: 'panic-button', gatewayId: 'gw', heartbeatSeconds: 10 }],
  stations: [{ id: 'reception', name: 'Mottak-PC', zoneId: 'front', roomId: 'reception' }],
  groups: [], chains: [], gateways: [],
};

describe('placeProblems', () => {
  const fields = ['id', 'name', 'zoneId', 'floor', 'position'];
  it('puts a problem of the edited item next to its field in the reader\'s language, the rest on top', () => {
    setLanguage('nb');
    const placed = placeProblems([
      'sites.0.rooms.3.zoneId: unknown zone "nowhere"',
      'sites.0.rooms.3.position: must have required property \'y\'',
      'sites.0.rooms.3.id: must match pattern "^[a-z0-9][a-z0-9_-]{0,63}$"',
      'sites.0.rooms.1.zoneId: unknown zone "x"',
      'sites.0.devices.2.roomId: unknown room "old"',
    ], { collection: 'rooms', index: 3, fields });
    expect(placed.byField).toEqual({
      zoneId: ['Finnes ikke: «nowhere».'], position: ['Må fylles ut.'],
      id: ['Bruk bare små bokstaver (a–z), tall, bindestrek og understrek – ingen mellomrom og ikke æ, ø eller å. Høyst 64 tegn.'],
    });
    expect(placed.general).toEqual(['sites.0.rooms.1.zoneId: Finnes ikke: «x».', 'sites.0.devices.2.roomId: Finnes ikke: «old».']);
    // No English of the server's reaches a bokmål form, whatever it says.
    expect(placeProblems(['sites.0.rooms.3.name: something new the console has no text for'], { collection: 'rooms', index: 3, fields }).byField)
      .toEqual({ name: ['Verdien godtas ikke.'] });
  });

  it('accepts any index when it is unknown, and single-segment paths (users endpoint)', () => {
    setLanguage('en');
    const placed = placeProblems(['users.4.username: duplicate user "kari"', 'password: a new user needs a password (at least 8 characters)'], {
      collection: 'users', index: null, fields: ['username', 'password'],
    });
    expect(placed.byField).toEqual({ username: ['The ID “kari” is already in use.'], password: ['A new user needs a password (at least 8 characters).'] });
    setLanguage('nb');
  });

  it('a bad step of a chain is placed at that step\'s input, not on the whole list; an edit clears that field\'s problems', () => {
    setLanguage('nb');
    const placed = placeProblems([
      'sites.0.chains.0.steps.1.afterSeconds: must be >= 0',
      'sites.0.chains.0.steps.2.targets.0: must NOT have fewer than 1 properties',
      'sites.0.chains.0.id: must match pattern "^[a-z0-9][a-z0-9_-]{0,63}$"',
    ], { collection: 'chains', index: 0, fields: ['id', 'name', 'steps'], nested: ['steps'] });
    expect(placed.byField.steps).toBeUndefined();
    expect(placed.within.steps).toEqual([
      { path: ['1', 'afterSeconds'], text: 'Må være 0 eller mer.' },
      { path: ['2', 'targets', '0'], text: 'Verdien godtas ikke.' },
    ]);
    expect(Object.keys(placed.byField)).toEqual(['id']);
    const edited = withoutField(placed, 'steps');
    expect(edited.within).toEqual({});
    expect(Object.keys(edited.byField)).toEqual(['id']);
  });
});

describe('configuration change notes as sentences', () => {
  const siteName = (id: string) => (id === 'demo' ? 'Demokontoret' : id);
  it('reads the server\'s notes in the reader\'s language, with the site\'s name', () => {
    setLanguage('nb');
    expect(historyNoteText('added rooms interview-4 to demo', siteName)).toBe('La til rom «interview-4» i Demokontoret.');
    expect(historyNoteText('deleted stations reception from demo', siteName)).toBe('Slettet arbeidsstasjon «reception» fra Demokontoret.');
    expect(historyNoteText('edited user kari', siteName)).toBe('Endret brukeren «kari».');
    expect(historyNoteText('seeded from server/config/demo-office.yaml', siteName)).toBe('Første versjon, lest fra server/config/demo-office.yaml.');
    setLanguage('en');
    expect(historyNoteText('edited chains standard in demo', siteName)).toBe('Changed escalation chain “standard” in Demokontoret.');
    expect(historyNoteText('imported sites demo, oslo', siteName)).toBe('Imported the configuration of Demokontoret, oslo.');
    expect(historyNoteText('something else', siteName)).toBe('something else');
    setLanguage('nb');
  });
});

describe('device health', () => {
  const now = Date.parse('2025-03-04T10:00:00Z');
  const dev = (over: Partial<DeviceStatus>): DeviceStatus => ({ id: 'btn', siteId: 'demo', type: 'panic-button', gatewayId: 'gw', lastSeenAt: null, battery: null, ...over });
  it('is online within two heartbeat intervals, offline after, never-seen without a heartbeat', () => {
    expect(deviceHealth(dev({}), site, now)).toBe('never-seen');
    expect(deviceHealth(dev({ lastSeenAt: '2025-03-04T09:50:01Z' }), site, now)).toBe('online'); // 300 s x 2
    expect(deviceHealth(dev({ lastSeenAt: '2025-03-04T09:49:59Z' }), site, now)).toBe('offline');
    expect(deviceHealth(dev({ id: 'fast', lastSeenAt: '2025-03-04T09:59:30Z' }), site, now)).toBe('offline'); // its own 10 s
  });
  it('flags a low battery', () => {
    expect(batteryLow(dev({ battery: 19 }), site)).toBe(true);
    expect(batteryLow(dev({ battery: 20 }), site)).toBe(false);
    expect(batteryLow(dev({ battery: null }), site)).toBe(false);
  });
});

describe('response times', () => {
  const ev = (type: string, at: string): TimelineEvent => ({ seq: 0, type, at });
  it('measures from raised to the first acknowledge/respond, to responding, to resolved', () => {
    const times = responseTimes([
      ev('raised', '2025-03-04T09:15:00Z'), ev('step-notified', '2025-03-04T09:15:00Z'),
      ev('responding', '2025-03-04T09:15:07Z'), ev('resolved', '2025-03-04T09:20:00Z'),
    ]);
    expect(times).toEqual({ toAcknowledgeMs: 7000, toRespondingMs: 7000, toResolveMs: 300_000 });
    expect(responseTimes([ev('raised', '2025-03-04T09:15:00Z')])).toEqual({ toAcknowledgeMs: null, toRespondingMs: null, toResolveMs: null });
  });
  it('median', () => {
    expect(median([])).toBeNull();
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});

describe('area coverage', () => {
  const room = (roomId: string, online: number): CoverageRoom => ({
    siteId: 'demo', roomId, roomName: roomId, firstReachingStep: online ? 0 : null, externalTargets: [], reachableStations: online ? ['backoffice'] : [], respondersOnline: online, reachesNobody: online === 0,
  });
  it('counts the rooms of the station\'s zone and names those that reach nobody', () => {
    const station = { id: 'reception', name: 'Mottak-PC', siteId: 'demo', zoneId: 'front' };
    const area = areaCoverage([room('reception', 2), room('interview-1', 1), room('backoffice', 0)], station, site)!;
    expect(area.rooms.map((r) => r.roomId)).toEqual(['reception', 'interview-1']); // own room first
    expect(area.respondersOnline).toBe(1);
    expect(area.uncovered).toEqual([]);
    const bad = areaCoverage([room('reception', 0), room('interview-1', 1)], station, site)!;
    expect(bad.uncovered.map((r) => r.roomId)).toEqual(['reception']);
  });
});

describe('panic shortcut', () => {
  const key = (over: Partial<Parameters<typeof isPanicShortcut>[0]>) => ({ code: 'KeyP', key: 'p', ctrlKey: true, altKey: true, metaKey: false, ...over });
  it('is Ctrl+Alt+P, whatever the layout, and not a held key', () => {
    expect(isPanicShortcut(key({}))).toBe(true);
    expect(isPanicShortcut(key({ key: 'π' }))).toBe(true); // Alt changes the character on some layouts
    expect(isPanicShortcut(key({ altKey: false }))).toBe(false);
    expect(isPanicShortcut(key({ ctrlKey: false }))).toBe(false);
    expect(isPanicShortcut(key({ repeat: true }))).toBe(false);
    expect(isPanicShortcut(key({ code: 'KeyO', key: 'o' }))).toBe(false);
  });
  it('is never a key used to move through or answer the pop-up (it stays live while one is open)', () => {
    for (const [code, k] of [['Tab', 'Tab'], ['Enter', 'Enter'], ['Space', ' '], ['Escape', 'Escape'], ['ArrowDown', 'ArrowDown'], ['NumpadEnter', 'Enter']]) {
      for (const mods of [{}, { shiftKey: true }]) {
        expect(isPanicShortcut({ code: code!, key: k!, ctrlKey: false, altKey: false, metaKey: false, ...mods })).toBe(false);
      }
    }
  });
});

describe('routes', () => {
  it('parse and format round-trip', () => {
    for (const hash of ['#/', '#/alarms', '#/alarms/a-1', '#/devices', '#/coverage', '#/manage/site', '#/manage/rooms', '#/manage/actionCards', '#/manage/users', '#/manage/config', '#/manage/history']) {
      expect(routeHref(parseRoute(hash))).toBe(hash);
    }
    expect(parseRoute('#/nonsense')).toEqual({ page: 'console' });
    expect(parseRoute('')).toEqual({ page: 'console' });
  });
});

describe('roles', () => {
  it('hide what a role cannot do', () => {
    expect(can.receiveAlarms('employee')).toBe(false);
    expect(can.receiveAlarms('responder')).toBe(true);
    expect(can.supervise('responder')).toBe(false);
    expect(can.supervise('security')).toBe(true);
    expect(can.configure('security')).toBe(false);
    expect(can.configure('manager')).toBe(true);
    expect(can.manageSites('manager')).toBe(false);
  });
});

describe('format', () => {
  it('shows times in the site\'s time zone', () => {
    setLanguage('nb');
    expect(formatClock('2025-03-04T09:15:02Z', 'Europe/Oslo')).toBe('10:15:02');
    expect(formatClock('2025-07-04T09:15:02Z', 'Europe/Oslo')).toBe('11:15:02'); // summer time
    expect(formatClock('2025-03-04T09:15:02Z', 'UTC')).toBe('09:15:02');
    expect(formatDateTime('2025-03-04T09:15:02Z', 'Europe/Oslo')).toBe('04.03.2025, 10:15:02');
    expect(formatClock('2025-03-04T09:15:02Z', 'Not/AZone')).toMatch(/^\d\d:\d\d:\d\d$/); // a bad zone does not break the page
    expect(formatDateTime(null)).toBe('–');
  });
  it('durations and places', () => {
    setLanguage('nb');
    expect(formatDuration(5_400)).toBe('5 s');
    expect(formatDuration(65_000)).toBe('1 min 05 s');
    expect(formatDuration(3_720_000)).toBe('1 t 2 min');
    expect(placeLabel({ roomName: 'Samtalerom 3', floor: '1' })).toBe('Samtalerom 3, 1. etasje');
    expect(placeLabel({ deviceId: 'pendant-7' })).toBe('Enhet: pendant-7');
    setLanguage('en');
    expect(placeLabel({ roomName: 'Samtalerom 3', floor: '1' })).toBe('Samtalerom 3, floor 1');
    setLanguage('nb');
  });
});

describe('cleanItem', () => {
  it('drops empty optional values so the item validates like a hand-written entry', () => {
    expect(cleanItem({ id: 'r1', name: 'Rom', floor: '', position: undefined, stations: [], title: { nb: '', en: '' }, steps: [{ afterSeconds: 0, targets: [] }] }))
      .toEqual({ id: 'r1', name: 'Rom', steps: [{ afterSeconds: 0, targets: [] }] });
    expect(cleanItem({ steps: { nb: ['Gå', '', 'Ring'], en: [] } })).toEqual({ steps: { nb: ['Gå', 'Ring'] } });
  });
});
