import { systemClock } from '@trygg/protocol';
import { describe, expect, it } from 'vitest';
import type { Alarm } from './alarm/alarm-types';
import { snapshotChain } from './alarm/chain-snapshot';
import { runtimeCheck } from './config-admin/config-dry-run';
import { loadConfigFile } from './config/load-config';
import { OfficeDirectory } from './config/office-directory';
import { demoOverlay } from './demo-overlay';
import { resolveStepTargets, type Presence } from './dispatch/step-router';
import { DEMO_CONFIG } from './environment';

const nobodyOnline: Presence = { isOnline: () => false, stationsWithUser: () => [] };

/** The alarm of a press on `deviceId`, as far as routing reads it. */
function alarmFrom(directory: OfficeDirectory, deviceId: string): Alarm {
  const site = directory.site('demo')!;
  const device = site.devices.find((d) => d.id === deviceId)!;
  const zoneId = site.rooms.find((r) => r.id === device.roomId)?.zoneId;
  const chain = site.chains.find((c) => c.id === site.defaultChain)!;
  return { siteId: 'demo', zoneId, drill: false, chain: snapshotChain(directory, 'demo', chain, 'panic').chain } as unknown as Alarm;
}

/**
 * The demo office `npm start` runs shows the whole product, not only the buttons: a portable
 * alarm with the lone-work settings, a security contact, people whose phones the loud last step
 * reaches through the fake SMS provider, and every console station standing in a room.
 */
describe('the demo office shows the whole product', () => {
  const config = loadConfigFile(DEMO_CONFIG);
  const directory = new OfficeDirectory(config);
  const site = directory.site('demo')!;

  it('builds: its notifiers and transports pass the dry run the server makes at start', () => {
    expect(runtimeCheck({ clock: systemClock, secrets: {} })(config)).toEqual([]);
  });

  it('has a portable alarm carried by a person, with the site\'s lone-work settings', () => {
    const portable = site.devices.filter((d) => d.type === 'portable');
    expect(portable).toEqual([expect.objectContaining({ id: 'portable-kari', person: 'Kari Kollega', gatewayId: 'demo-gw' })]);
    expect(portable[0]!.roomId).toBeUndefined();
    expect(site.loneWork).toEqual({ manDownPreAlarmSeconds: 30, checkinReminderMinutes: 5, maxVisitHours: 12 });
  });

  it('has a security contact of the site', () => {
    expect(config.users.filter((u) => u.role === 'security' && u.sites.includes('demo')).map((u) => u.username)).toEqual(['sikkerhet']);
  });

  it('the loud last step reaches the security contact and the manager by SMS through the fake provider', () => {
    const alarm = alarmFrom(directory, 'interview-1');
    const loud = alarm.chain.steps.length - 1;
    expect(alarm.chain.steps[loud]).toMatchObject({ targets: [{ role: 'security' }], repeatSeconds: 60 });
    const sms = (resolveStepTargets(directory, alarm, loud, nobodyOnline).notifications ?? []).filter((n) => n.channel === 'sms');
    expect(sms.map((n) => [n.target, n.recipient.id, n.recipient.phone])).toEqual([
      ['demo-phone', 'user:manager', '+4740000001'],
      ['demo-phone', 'user:sikkerhet', '+4740000003'],
    ]);
    expect(config.notifiers?.find((n) => n.id === 'demo-phone')).toEqual({ id: 'demo-phone', channel: 'sms', settings: { provider: 'fake' } });
  });

  it('with TRYGG_DEMO_SMPP the same people are reached through the SMSC instead', () => {
    const smpp = new OfficeDirectory(loadConfigFile(DEMO_CONFIG), demoOverlay({ TRYGG_DEMO_SMPP: '127.0.0.1:2775' }));
    const alarm = alarmFrom(smpp, 'interview-1');
    const sms = (resolveStepTargets(smpp, alarm, alarm.chain.steps.length - 1, nobodyOnline).notifications ?? []).filter((n) => n.channel === 'sms');
    expect(sms.map((n) => `${n.target} ${n.recipient.id}`)).toEqual(['demo-sms user:manager', 'demo-sms user:sikkerhet']);
  });

  it('every console station stands in a room of its own zone (its discreet panic button says where)', () => {
    for (const station of site.stations) {
      const room = site.rooms.find((r) => r.id === station.roomId);
      expect(room, station.id).toBeDefined();
      expect(room!.zoneId, station.id).toBe(station.zoneId);
    }
  });
});
