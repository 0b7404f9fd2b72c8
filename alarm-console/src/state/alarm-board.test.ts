// The console shows each alarm once, and a reconnect (welcome + re-sent pop-ups) neither
// duplicates an alarm nor leaves one on screen that was closed while the console was away.
import { describe, expect, it } from 'vitest';
import { AlarmBoard } from './alarm-board';

const alarm = (id: string, over: Record<string, unknown> = {}) => ({
  id,
  siteId: 'demo',
  kind: 'panic',
  state: 'raised',
  drill: false,
  roomId: 'interview-3',
  roomName: 'Samtalerom 3',
  floor: '1',
  raisedAt: '2025-03-04T09:15:02.412Z',
  updatedAt: '2025-03-04T09:15:02.430Z',
  pressCount: 1,
  responders: [],
  ...over,
});
const welcome = (openAlarms: number) => ({ type: 'welcome', stationId: 'backoffice', siteId: 'demo', user: 'Kari', openAlarms });

describe('AlarmBoard', () => {
  it('shows a popup once; a second popup for the same alarm updates it', () => {
    const board = new AlarmBoard();
    expect(board.apply(welcome(0))).toEqual({ added: [], updated: [], removed: [] });
    expect(board.apply({ type: 'popup', alarm: alarm('a1') }).added).toEqual(['a1']);
    const again = board.apply({ type: 'popup', alarm: alarm('a1', { pressCount: 3, updatedAt: '2025-03-04T09:15:05Z' }) });
    expect(again).toEqual({ added: [], updated: ['a1'], removed: [] });
    expect(board.size).toBe(1);
    expect(board.get('a1')!.pressCount).toBe(3);
  });

  it('update refreshes, clear removes, and a closed state in an update removes too', () => {
    const board = new AlarmBoard();
    board.apply({ type: 'popup', alarm: alarm('a1') });
    board.apply({ type: 'popup', alarm: alarm('a2') });
    const upd = board.apply({ type: 'update', alarm: alarm('a1', { state: 'responding', responders: ['Kari'], updatedAt: '2025-03-04T09:15:09Z' }) });
    expect(upd.updated).toEqual(['a1']);
    expect(board.get('a1')!.responders).toEqual(['Kari']);
    expect(board.apply({ type: 'clear', alarmId: 'a1', state: 'resolved' }).removed).toEqual(['a1']);
    expect(board.apply({ type: 'update', alarm: alarm('a2', { state: 'cancelled', updatedAt: '2025-03-04T09:16:00Z' }) }).removed).toEqual(['a2']);
    expect(board.size).toBe(0);
  });

  it('ignores an update older than what it shows', () => {
    const board = new AlarmBoard();
    board.apply({ type: 'popup', alarm: alarm('a1', { state: 'acknowledged', updatedAt: '2025-03-04T09:15:08Z' }) });
    board.apply({ type: 'update', alarm: alarm('a1', { state: 'raised', updatedAt: '2025-03-04T09:15:03Z' }) });
    expect(board.get('a1')!.state).toBe('acknowledged');
  });

  it('after a reconnect keeps re-sent alarms without duplicates and drops the ones closed meanwhile', () => {
    const board = new AlarmBoard();
    board.apply(welcome(0));
    board.apply({ type: 'popup', alarm: alarm('a1') });
    board.apply({ type: 'popup', alarm: alarm('a2') });
    // connection lost; a2 was resolved meanwhile; reconnect:
    expect(board.apply(welcome(1)).removed).toEqual([]);
    expect(board.syncing).toBe(true);
    const resent = board.apply({ type: 'popup', alarm: alarm('a1') });
    expect(resent.added).toEqual([]);
    expect(resent.removed).toEqual(['a2']);
    expect(board.syncing).toBe(false);
    expect(board.list().map((a: { id: string }) => a.id)).toEqual(['a1']);
  });

  it('a welcome with no open alarms clears everything at once', () => {
    const board = new AlarmBoard();
    board.apply({ type: 'popup', alarm: alarm('a1') });
    expect(board.apply(welcome(0)).removed).toEqual(['a1']);
  });

  it('finishSync ends a resync that got fewer pop-ups than announced', () => {
    const board = new AlarmBoard();
    board.apply({ type: 'popup', alarm: alarm('a1') });
    board.apply({ type: 'popup', alarm: alarm('a2') });
    board.apply(welcome(2));
    board.apply({ type: 'popup', alarm: alarm('a2') });
    expect(board.finishSync().removed).toEqual(['a1']);
  });

  it('sounds only while some alarm is raised and unacknowledged', () => {
    const board = new AlarmBoard();
    expect(board.needsTone()).toBe(false);
    board.apply({ type: 'popup', alarm: alarm('a1') });
    expect(board.needsTone()).toBe(true);
    board.apply({ type: 'update', alarm: alarm('a1', { state: 'acknowledged', updatedAt: '2025-03-04T09:15:04Z' }) });
    expect(board.needsTone()).toBe(false);
  });

  it('lists newest first', () => {
    const board = new AlarmBoard();
    board.apply({ type: 'popup', alarm: alarm('old', { raisedAt: '2025-03-04T09:00:00Z' }) });
    board.apply({ type: 'popup', alarm: alarm('new', { raisedAt: '2025-03-04T09:10:00Z' }) });
    expect(board.list().map((a: { id: string }) => a.id)).toEqual(['new', 'old']);
  });
});
