// The colleague's console without a browser: one pop-up per alarm across reconnects, sound only
// for alarms that deserve it, desktop notifications only when the tab is hidden, and the
// discreet panic button that never shows anything at the station that pressed it.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ConsoleAlarm, Station } from '@trygg/protocol';
import type { ConnectionState } from './connection';
import { ConsoleController, PANIC_HIDE_MS, SYNC_TIMEOUT_MS, type ConnectionLike, type ConsoleDeps, type StationStatus } from './console-controller';

const station: Station = { id: 'reception', name: 'Mottak-PC', siteId: 'demo', zoneId: 'front' };
const alarm = (id: string, over: Partial<ConsoleAlarm> = {}): ConsoleAlarm => ({
  id, siteId: 'demo', kind: 'panic', state: 'raised', drill: false, roomId: 'interview-3', zoneId: 'front',
  raisedAt: '2025-03-04T09:15:02.412Z', updatedAt: '2025-03-04T09:15:02.430Z', pressCount: 1, responders: [], ...over,
});

class FakeConnection implements ConnectionLike {
  state: ConnectionState = 'idle';
  attempt = 0;
  retryAt = 0;
  sent: object[] = [];
  retried = 0;
  constructor(readonly opts: Parameters<ConsoleDeps['connect']>[0]) {}
  start() {
    this.set('connecting');
  }
  stop() {
    this.set('stopped');
  }
  retryNow() {
    this.retried += 1;
  }
  send(msg: object) {
    if (this.state !== 'connected') return false;
    this.sent.push(msg);
    return true;
  }
  set(state: ConnectionState) {
    this.state = state;
    this.opts.onStateChange(state, this);
  }
  receive(msg: { type: string; [k: string]: unknown }) {
    if (msg.type === 'welcome') this.set('connected');
    this.opts.onMessage(msg);
  }
}

function setup(opts: { hidden?: boolean; permission?: 'granted' | 'default'; mode?: 'user' | 'station'; stationStatus?: StationStatus } = {}) {
  const conns: FakeConnection[] = [];
  const siren = { unlocked: false, playing: false, beeps: 0, unlock: async () => true, beep() { this.beeps += 1; }, start() { this.playing = true; }, stop() { this.playing = false; } };
  const shown: string[] = [];
  const closed: string[] = [];
  const store = new Map<string, string>();
  let now = Date.parse('2025-03-04T09:15:00Z');
  const deps: ConsoleDeps = {
    connect: (o) => {
      const c = new FakeConnection(o);
      conns.push(c);
      return c;
    },
    siren,
    notifications: {
      permission: () => opts.permission ?? 'granted',
      request: async () => 'granted',
      show: (title, _body, tag) => {
        shown.push(`${title}|${tag}`);
        return () => closed.push(tag);
      },
    },
    storage: { get: (k) => store.get(k) ?? null, set: (k, v) => (v === null ? store.delete(k) : store.set(k, v)) },
    isHidden: () => opts.hidden ?? false,
    sessionEnded: async () => false,
    stationStatus: async () => opts.stationStatus ?? 'ok',
    notificationText: (a) => ({ title: `ALARM ${a.kind}`, body: a.roomId ?? '' }),
    now: () => now,
  };
  const controller = new ConsoleController(deps);
  if (opts.mode === 'station') controller.armStation(station);
  else controller.arm(station);
  const conn = conns[0]!;
  conn.receive({ type: 'welcome', stationId: station.id, siteId: 'demo', user: 'Kari', openAlarms: 0 });
  return { controller, conn, conns, siren, shown, closed, store, advance: (ms: number) => { now += ms; vi.advanceTimersByTime(ms); } };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('ConsoleController', () => {
  it('remembers the station and is connected after welcome', () => {
    const { controller, store } = setup();
    expect(store.get('trygg.console.station')).toBe('reception');
    expect(controller.storedStationId()).toBe('reception');
    expect(controller.state.value.connection).toBe('connected');
    expect(controller.armed).toBe(true);
  });

  it('shows a pop-up once, sounds while raised, and stops the tone once acknowledged', () => {
    const { controller, conn, siren } = setup();
    conn.receive({ type: 'popup', alarm: alarm('a1') });
    conn.receive({ type: 'popup', alarm: alarm('a1', { pressCount: 2, updatedAt: '2025-03-04T09:15:04Z' }) });
    expect(controller.state.value.alarms.map((a) => a.id)).toEqual(['a1']);
    expect(controller.state.value.alarms[0]!.pressCount).toBe(2);
    expect(siren.playing).toBe(true);
    conn.receive({ type: 'update', alarm: alarm('a1', { state: 'acknowledged', updatedAt: '2025-03-04T09:15:05Z' }) });
    expect(siren.playing).toBe(false);
    conn.receive({ type: 'clear', alarmId: 'a1', state: 'resolved' });
    expect(controller.state.value.alarms).toEqual([]);
  });

  it('after a reconnect shows each re-sent alarm once and drops alarms closed meanwhile', () => {
    const { controller, conn } = setup();
    conn.receive({ type: 'popup', alarm: alarm('a1') });
    conn.receive({ type: 'popup', alarm: alarm('a2') });
    conn.set('reconnecting');
    conn.receive({ type: 'welcome', stationId: station.id, siteId: 'demo', user: 'Kari', openAlarms: 2 });
    conn.receive({ type: 'popup', alarm: alarm('a2') });
    conn.receive({ type: 'popup', alarm: alarm('a3') }); // raised while away
    expect(controller.state.value.alarms.map((a) => a.id).sort()).toEqual(['a2', 'a3']);
  });

  it('ends a resync that got fewer pop-ups than announced after the sync timeout', () => {
    const { controller, conn, advance } = setup();
    conn.receive({ type: 'popup', alarm: alarm('a1') });
    conn.receive({ type: 'welcome', stationId: station.id, siteId: 'demo', user: 'Kari', openAlarms: 1 });
    expect(controller.state.value.alarms).toHaveLength(1);
    advance(SYNC_TIMEOUT_MS);
    expect(controller.state.value.alarms).toEqual([]);
  });

  it('technical alarms beep once and never start the siren', () => {
    const { controller, conn, siren } = setup();
    const before = siren.beeps;
    conn.receive({ type: 'popup', alarm: alarm('t1', { kind: 'technical', technical: { cause: 'device-offline', subject: 'interview-1' } }) });
    expect(controller.state.value.alarms).toHaveLength(1);
    expect(siren.playing).toBe(false);
    expect(siren.beeps).toBe(before + 1);
  });

  it('notifies on the desktop only while the tab is hidden, and closes the notification with the alarm', () => {
    const visible = setup({ hidden: false });
    visible.conn.receive({ type: 'popup', alarm: alarm('a1') });
    expect(visible.shown).toEqual([]);
    const hidden = setup({ hidden: true });
    hidden.conn.receive({ type: 'popup', alarm: alarm('a1') });
    hidden.conn.receive({ type: 'update', alarm: alarm('a1', { updatedAt: '2025-03-04T09:15:09Z' }) });
    expect(hidden.shown).toEqual(['ALARM panic|trygg-a1']);
    hidden.conn.receive({ type: 'clear', alarmId: 'a1', state: 'resolved' });
    expect(hidden.closed).toEqual(['trygg-a1']);
  });

  it('sends "Jeg kommer", acknowledge and resolve with the outcome; refuses when not connected', () => {
    const { controller, conn } = setup();
    expect(controller.act('a1', 'respond')).toBe(true);
    expect(controller.act('a1', 'resolve', 'false')).toBe(true);
    expect(conn.sent).toEqual([{ type: 'respond', alarmId: 'a1' }, { type: 'resolve', alarmId: 'a1', outcome: 'false' }]);
    conn.set('reconnecting');
    expect(controller.act('a1', 'acknowledge')).toBe(false);
  });

  it('panic: sends {type:"panic"}, and the alarm it raised never shows or sounds at this station', () => {
    const { controller, conn, siren, shown } = setup({ hidden: true });
    expect(controller.panic()).toBe(true);
    expect(conn.sent).toEqual([{ type: 'panic' }]);
    // Even if the server routed it here, before or after confirming it, nothing appears.
    conn.receive({ type: 'popup', alarm: alarm('p1', { roomId: 'reception', zoneId: 'front' }) });
    conn.receive({ type: 'panic-ack', alarmId: 'p1' });
    conn.receive({ type: 'update', alarm: alarm('p1', { roomId: 'reception', pressCount: 2, updatedAt: '2025-03-04T09:15:08Z' }) });
    expect(controller.state.value.alarms).toEqual([]);
    expect(siren.playing).toBe(false);
    expect(shown).toEqual([]);
    expect(controller.state.value.panicConfirmed).toBe(1);
  });

  it('panic feedback: stored, then help coming, as a button\'s LED; gone when over; again after a reconnect; never a pop-up or a sound', () => {
    const { controller, conn, siren, shown } = setup({ hidden: true });
    controller.panic();
    conn.receive({ type: 'panic-feedback', alarmId: 'p1', action: 'received' });
    conn.receive({ type: 'panic-ack', alarmId: 'p1' });
    expect(controller.state.value.panicFeedback).toEqual({ alarmId: 'p1', action: 'received' });
    conn.receive({ type: 'panic-feedback', alarmId: 'p1', action: 'help-coming' });
    expect(controller.state.value.panicFeedback).toEqual({ alarmId: 'p1', action: 'help-coming' });
    // A second press folded in while someone is coming does not take the news back.
    conn.receive({ type: 'panic-ack', alarmId: 'p1' });
    expect(controller.state.value.panicFeedback?.action).toBe('help-coming');
    // After a reconnect the server says again where it stands; the alarm is still never shown here.
    conn.receive({ type: 'welcome', stationId: 'reception', siteId: 'demo', user: 'Kari', openAlarms: 1 });
    expect(controller.state.value.panicFeedback).toBeNull();
    conn.receive({ type: 'popup', alarm: alarm('p1', { roomId: 'reception' }) });
    conn.receive({ type: 'panic-feedback', alarmId: 'p1', action: 'help-coming' });
    expect(controller.state.value.panicFeedback).toEqual({ alarmId: 'p1', action: 'help-coming' });
    expect(controller.state.value.alarms).toEqual([]);
    conn.receive({ type: 'panic-feedback', alarmId: 'p1', action: 'resolved' });
    expect(controller.state.value.panicFeedback).toBeNull();
    expect(siren.playing).toBe(false);
    expect(siren.beeps).toBe(0);
    expect(shown).toEqual([]);
  });

  it('panic: an alarm of another zone still pops up meanwhile; one of our own zone only after the hide window', () => {
    const { controller, conn, advance } = setup();
    controller.panic();
    conn.receive({ type: 'popup', alarm: alarm('other', { zoneId: 'back' }) });
    conn.receive({ type: 'popup', alarm: alarm('own-zone', { zoneId: 'front' }) });
    expect(controller.state.value.alarms.map((a) => a.id)).toEqual(['other']);
    advance(PANIC_HIDE_MS);
    controller.tick();
    expect(controller.state.value.alarms.map((a) => a.id).sort()).toEqual(['other', 'own-zone']);
  });

  it('panic while the connection is down is sent on the next welcome', () => {
    const { controller, conn } = setup();
    conn.set('reconnecting');
    expect(controller.panic()).toBe(true);
    expect(conn.sent).toEqual([]);
    expect(conn.retried).toBe(1);
    conn.receive({ type: 'welcome', stationId: station.id, siteId: 'demo', user: 'Kari', openAlarms: 0 });
    expect(conn.sent).toEqual([{ type: 'panic' }]);
  });

  it('panic does nothing on a console that is not armed', () => {
    const { controller } = setup();
    controller.disarm();
    expect(controller.panic()).toBe(false);
  });

  it('an unknown station disarms and forgets the station; an ended session disarms', () => {
    const a = setup();
    a.conn.receive({ type: 'error', code: 'TRYGG_SRV_UNKNOWN_STATION', message: '' });
    expect(a.controller.armed).toBe(false);
    expect(a.controller.state.value.stopped).toBe('unknown-station');
    expect(a.store.has('trygg.console.station')).toBe(false);
    const b = setup();
    b.conn.receive({ type: 'error', code: 'TRYGG_SRV_UNAUTHENTICATED', message: '' });
    expect(b.controller.state.value.stopped).toBe('session-ended');
  });

  it('any other error is shown once per occurrence (seq) and keeps the console armed', () => {
    const { controller, conn } = setup();
    conn.receive({ type: 'error', code: 'TRYGG_SRV_ALARM_CLOSED', message: '' });
    const first = controller.state.value.error!;
    conn.receive({ type: 'error', code: 'TRYGG_SRV_ALARM_CLOSED', message: '' });
    expect(controller.state.value.error!.seq).toBe(first.seq + 1);
    expect(controller.armed).toBe(true);
  });
});

describe('ConsoleController: evacuation banner and roll call', () => {
  const evacuation = { id: 'ev-1', siteId: 'demo', drill: true, startedAt: '2025-03-04T09:20:00Z', banner: { nb: 'ØVELSE – gå ut', en: 'DRILL – get out' }, assemblyPoint: { nb: 'P-plassen', en: 'The car park' }, state: 'running' };

  it('shows the banner with one note, answers "I\'m safe", and clears it when the evacuation ends', () => {
    const { controller, conn, siren } = setup();
    conn.receive({ type: 'evacuation', evacuation });
    expect(controller.state.value.evacuations.map((e) => e.id)).toEqual(['ev-1']);
    expect(siren.beeps).toBe(1);
    expect(siren.playing).toBe(false); // a banner, not the alarm tone
    expect(controller.safe('ev-1')).toBe(true);
    expect(conn.sent).toContainEqual({ type: 'safe', evacuationId: 'ev-1' });
    conn.receive({ type: 'evacuation', evacuation: { ...evacuation, safe: true } });
    expect(controller.state.value.evacuations[0]!.safe).toBe(true);
    expect(siren.beeps).toBe(1); // the same evacuation again: no new note
    conn.receive({ type: 'roll-call', evacuationId: 'ev-1', counts: { total: 3, safe: 1, needsHelp: 0, unanswered: 2, unreached: 0 } });
    expect(controller.state.value.rollCall['ev-1']!.safe).toBe(1);
    conn.receive({ type: 'evacuation-ended', id: 'ev-1' });
    expect(controller.state.value.evacuations).toEqual([]);
    expect(controller.state.value.rollCall).toEqual({});
  });

  it('the evacuation\'s own alarm is the banner, not a second card, once someone owns it; unowned (a fire input) it stays a card', () => {
    const { controller, conn } = setup();
    const evacAlarm = alarm('ev-alarm', { kind: 'evacuation', roomId: undefined, zoneId: undefined });
    conn.receive({ type: 'evacuation', evacuation });
    conn.receive({ type: 'popup', alarm: evacAlarm });
    // Nobody has it yet: a card, so someone takes it.
    expect(controller.state.value.alarms.map((a) => a.id)).toEqual(['ev-alarm']);
    conn.receive({ type: 'update', alarm: { ...evacAlarm, state: 'acknowledged', updatedAt: '2025-03-04T09:15:03Z' } });
    expect(controller.state.value.alarms).toEqual([]);
    // Another site's evacuation alarm, or one without a running evacuation here, is a card as always.
    conn.receive({ type: 'popup', alarm: alarm('ev-other', { kind: 'evacuation', siteId: 'oslo', state: 'acknowledged' }) });
    expect(controller.state.value.alarms.map((a) => a.id)).toEqual(['ev-other']);
  });

  it('after a reconnect keeps only the evacuations the server sends again', () => {
    const { controller, conn, siren } = setup();
    conn.receive({ type: 'evacuation', evacuation });
    conn.set('reconnecting');
    conn.receive({ type: 'welcome', stationId: station.id, siteId: 'demo', user: 'Kari', openAlarms: 0 });
    expect(controller.state.value.evacuations).toEqual([]); // ended while we were away
    conn.receive({ type: 'evacuation', evacuation });
    expect(controller.state.value.evacuations).toHaveLength(1);
    expect(siren.beeps).toBe(1);
    controller.disarm();
    expect(controller.state.value.evacuations).toEqual([]);
    expect(controller.safe('ev-1')).toBe(false);
  });
});

describe('ConsoleController as an enrolled station PC', () => {
  it('arms itself on the station socket, without a test beep or a notification prompt, and keeps no user choice of station', async () => {
    const { controller, conns, siren, store } = setup({ mode: 'station', permission: 'default' });
    expect(conns[0]!.opts.mode).toBe('station');
    expect(controller.state.value).toMatchObject({ stationWatch: true, connection: 'connected', station: { id: 'reception' } });
    await vi.runAllTimersAsync();
    expect(siren.beeps).toBe(0);
    expect(store.has('trygg.console.station')).toBe(false);
  });

  it('a user\'s session ending does not disarm the station; a revoked credential stops it and says so', () => {
    const { controller, conn } = setup({ mode: 'station' });
    conn.receive({ type: 'error', code: 'TRYGG_SRV_UNAUTHENTICATED', message: 'log in first' });
    expect(controller.armed).toBe(true);
    expect(controller.state.value.stopped).toBeNull();
    conn.receive({ type: 'error', code: 'TRYGG_SRV_STATION_REVOKED', message: 'revoked' });
    expect(controller.armed).toBe(false);
    expect(controller.state.value).toMatchObject({ stationWatch: true, stopped: 'revoked', station: { id: 'reception' } });
  });

  it('keeps reconnecting while the server is unreachable, and stops once the server says the credential is revoked', async () => {
    const unreachable = setup({ mode: 'station', stationStatus: 'unreachable' });
    for (let attempt = 1; attempt <= 12; attempt++) {
      unreachable.conn.attempt = attempt;
      unreachable.conn.set('reconnecting');
      await vi.runAllTimersAsync();
    }
    expect(unreachable.controller.armed).toBe(true);

    const revoked = setup({ mode: 'station', stationStatus: 'revoked' });
    revoked.conn.attempt = 2;
    revoked.conn.set('reconnecting');
    await vi.runAllTimersAsync();
    expect(revoked.controller.armed).toBe(false);
    expect(revoked.controller.state.value.stopped).toBe('revoked');
  });

  it('a login or logout at the station PC reconnects the watch, still as the station', () => {
    const { controller, conns } = setup({ mode: 'station' });
    controller.renewStationIdentity();
    expect(conns).toHaveLength(2);
    expect(conns[0]!.state).toBe('stopped');
    expect(conns[1]!.opts.mode).toBe('station');
    expect(controller.state.value.stationWatch).toBe(true);
  });
});
