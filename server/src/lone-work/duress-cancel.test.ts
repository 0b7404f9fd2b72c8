import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock } from '@trygg/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bootLoneWork, CANCEL_PIN, DURESS_PIN } from './lone-work-test-harness';

describe('device cancel with PINs: covert duress, normal cancel, wrong PIN refused', () => {
  let dir: string;
  let clock: FakeClock;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'trygg-duress-'));
    clock = new FakeClock();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('the duress PIN: the device is told "cancelled", the alarm stays open and consoles see duress', async () => {
    const life = await bootLoneWork(dir, clock);
    const { alarmId } = await life.device('alarm-kari', 'press');
    expect(life.backoffice.popups()).toMatchObject([{ id: alarmId, kind: 'personal' }]);

    await life.advance(4_000);
    const receipt = await life.device('alarm-kari', 'cancel', { pin: DURESS_PIN });
    expect(receipt).toMatchObject({ status: 'stored', alarmId });
    expect(life.actions()).toEqual(['received', 'cancelled']);
    expect(await life.store.getAlarm(alarmId!)).toMatchObject({ state: 'raised', duress: true });
    expect(life.backoffice.messages.at(-1)).toMatchObject({ type: 'update', alarm: { id: alarmId, state: 'raised', duress: true } });
    expect(life.backoffice.messages.some((m) => m.type === 'clear')).toBe(false);
    await life.close();
  });

  it('the cancel PIN cancels the alarm', async () => {
    const life = await bootLoneWork(dir, clock);
    const { alarmId } = await life.device('alarm-kari', 'press');
    await life.device('alarm-kari', 'cancel', { pin: CANCEL_PIN });
    expect(life.actions()).toEqual(['received', 'cancelled']);
    expect(await life.store.getAlarm(alarmId!)).toMatchObject({ state: 'cancelled' });
    expect(life.backoffice.messages.at(-1)).toMatchObject({ type: 'clear', alarmId, state: 'cancelled' });
    await life.close();
  });

  it('a wrong PIN, or none where a cancel PIN is set, cancels nothing: the event is recorded, the alarm goes on', async () => {
    const life = await bootLoneWork(dir, clock);
    const { alarmId } = await life.device('alarm-kari', 'press');
    const wrong = await life.device('alarm-kari', 'cancel', { pin: '0000' });
    const none = await life.device('alarm-kari', 'cancel');
    expect(wrong).toMatchObject({ status: 'stored' });
    expect(wrong.alarmId).toBeUndefined();
    expect(none.alarmId).toBeUndefined();
    expect(life.actions()).toEqual(['received']);
    const alarm = await life.store.getAlarm(alarmId!);
    expect(alarm).toMatchObject({ state: 'raised' });
    expect(alarm!.duress).toBeUndefined();
    expect(life.backoffice.messages.filter((m) => m.type !== 'welcome').map((m) => m.type)).toEqual(['popup']);
    await life.close();
  });

  it('a device without PINs cancels as before', async () => {
    const life = await bootLoneWork(dir, clock);
    const { alarmId } = await life.device('alarm-ola', 'press');
    await life.device('alarm-ola', 'cancel');
    expect(await life.store.getAlarm(alarmId!)).toMatchObject({ state: 'cancelled' });
    await life.close();
  });
});
