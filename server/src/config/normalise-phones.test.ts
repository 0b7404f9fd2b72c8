import { describe, expect, it } from 'vitest';
import { normalisePhone } from './phone-number';
import { normaliseConfigPhones } from './normalise-phones';
import type { TryggConfig } from './types';

describe('phone numbers in the configuration', () => {
  it('reads numbers as people write them, Norway by default', () => {
    for (const written of ['+47 912 34 567', '912 34 567', '0047 91234567', '+4791234567']) {
      expect(normalisePhone(written)).toEqual({ ok: true, e164: '+4791234567', mobile: true });
    }
    expect(normalisePhone('+46 70 123 45 67')).toMatchObject({ ok: true, e164: '+46701234567' });
    expect(normalisePhone('22 22 55 55')).toMatchObject({ ok: true, e164: '+4722225555', mobile: false });
  });

  it('refuses what is not a number anywhere', () => {
    expect(normalisePhone('12')).toMatchObject({ ok: false });
    expect(normalisePhone('+47 1')).toMatchObject({ ok: false });
  });

  it('rewrites users and fixed notifier numbers to E.164 and names the bad ones by path', () => {
    const config = {
      users: [{ username: 'a', phone: '+47 912 34 567' }, { username: 'b' }, { username: 'c', phone: '999' }],
      notifiers: [{ id: 'police', channel: 'sms', to: { phone: '0047 400 00 000' } }, { id: 'mail', channel: 'email' }],
    } as unknown as TryggConfig;
    expect(normaliseConfigPhones(config)).toEqual(['users[2].phone: "999" is not a valid phone number (E.164, e.g. +4791234567)']);
    expect(config.users[0]!.phone).toBe('+4791234567');
    expect(config.notifiers![0]!.to!.phone).toBe('+4740000000');
  });
});
