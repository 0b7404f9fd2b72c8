import { describe, expect, it } from 'vitest';
import { encodeContactId, parseContactId } from './contact-id';
import { encodeSiaDcs, parseSiaDcs } from './sia-dcs';

describe('Contact ID data block (ADM-CID)', () => {
  it('encodes qualifier, event, partition and zone', () => {
    expect(encodeContactId({ account: '1234', qualifier: 1, event: '120', partition: 1, zone: 3 })).toBe('#1234|1120 01 003');
    expect(encodeContactId({ qualifier: 3, event: '120', partition: 0, zone: 0 })).toBe('3120 00 000');
  });

  it('parses the DC-09 example and its own output', () => {
    expect(parseContactId('#12345A|1110 00 129')).toEqual({ account: '12345A', qualifier: 1, event: '110', partition: 0, zone: 129 });
    expect(parseContactId(encodeContactId({ account: '1234', qualifier: 3, event: '601', partition: 12, zone: 999 })))
      .toEqual({ account: '1234', qualifier: 3, event: '601', partition: 12, zone: 999 });
    expect(parseContactId('#1234|2120 01 001')).toBeNull();
    expect(parseContactId('#1234|Nri1/PA001')).toBeNull();
  });

  it('refuses out-of-range fields', () => {
    expect(() => encodeContactId({ qualifier: 1, event: '12', partition: 1, zone: 1 })).toThrow();
    expect(() => encodeContactId({ qualifier: 1, event: '120', partition: 100, zone: 1 })).toThrow();
    expect(() => encodeContactId({ qualifier: 1, event: '120', partition: 1, zone: 1000 })).toThrow();
  });
});

describe('SIA-DCS data block', () => {
  it('encodes N, the ri area, the code and a three-digit zone', () => {
    expect(encodeSiaDcs({ account: '1234', area: 1, code: 'PA', zone: 3 })).toBe('#1234|Nri1/PA003');
    expect(encodeSiaDcs({ code: 'RX' })).toBe('NRX');
  });

  it('parses published forms: the DC-09 example, pysiaalarm vectors, several events', () => {
    expect(parseSiaDcs('#12345A|NFA129')).toEqual({ account: '12345A', events: [{ code: 'FA', address: '129' }] });
    expect(parseSiaDcs('Nri1/WA000')).toEqual({ events: [{ code: 'WA', address: '000', area: 1 }] });
    expect(parseSiaDcs('#123456|Nri0KR1^TAST. 001 ^')).toEqual({ account: '123456', events: [{ code: 'KR', address: '1', area: 0 }] });
    expect(parseSiaDcs('#1|Nri1/PA001/ri2/PA002')?.events).toEqual([
      { code: 'PA', address: '001', area: 1 },
      { code: 'PA', address: '002', area: 2 },
    ]);
    expect(parseSiaDcs('1110 00 129')).toBeNull();
  });
});
