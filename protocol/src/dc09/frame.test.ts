import { describe, expect, it } from 'vitest';
import { decryptDc09Body, encryptDc09Body, parseDc09Key } from './aes';
import { dc09Crc16, dc09Crc16Hex } from './crc';
import {
  buildDc09Frame,
  buildDc09Nak,
  buildDc09Response,
  parseDc09Frame,
  takeDc09Frame,
  type Dc09Message,
  type ParsedDc09Frame,
} from './frame';
import { formatDc09Timestamp, isDc09TimestampInWindow, parseDc09Timestamp } from './timestamp';

const T = Date.UTC(2026, 0, 5, 9, 0, 7); // 09:00:07 on 5 January 2026

function parsed(input: Buffer | string, key?: Buffer): ParsedDc09Frame {
  const r = parseDc09Frame(input, { keyFor: () => key });
  if (!r.ok) throw new Error(`${r.reason}: ${r.message}`);
  return r.frame;
}

describe('CRC-16 [DC-09 5.5.1.2]', () => {
  it('is CRC-16/ARC: the catalogue check value of "123456789" is 0xBB3D', () => {
    // Check value from Greg Cook's CRC catalogue (reveng), entry CRC-16/ARC.
    expect(dc09Crc16('123456789')).toBe(0xbb3d);
    expect(dc09Crc16Hex('')).toBe('0000');
  });

  // The ANSI/SIA DC-09-2013 examples (account 12345A, receiver 579BDF, prefix 789ABC, seq 9876),
  // as quoted in eavanvalkenburg/pysiaalarm tests/test_sia_package_cases.py (case_adm_cid,
  // case_dc04). The CRC and length there cover the message without a timestamp; pysiaalarm appends
  // a (truncated) one after the fact.
  it.each([
    ['87CD0037"ADM-CID"9876R579BDFL789ABC#12345A[#12345A|1110 00 129]', 'ADM-CID', '#12345A|1110 00 129'],
    ['CE110032"SIA-DCS"9876R579BDFL789ABC#12345A[#12345A|NFA129]', 'SIA-DCS', '#12345A|NFA129'],
  ])('verifies the standard example %s', (wire, id, data) => {
    const f = parsed(`\n${wire}\r`);
    expect(f).toMatchObject({ id, encrypted: false, sequence: 9876, receiver: '579BDF', line: '789ABC', account: '12345A', data, timestamp: null });
    // Rebuilding from the fields gives the same bytes.
    expect(buildDc09Frame({ id, sequence: 9876, receiver: '579BDF', line: '789ABC', account: '12345A', data }).toString('latin1')).toBe(`\n${wire}\r`);
  });
});

describe('timestamp [DC-09 5.5.1.8]', () => {
  it('is _HH:MM:SS,MM-DD-YYYY in UTC and round-trips', () => {
    expect(formatDc09Timestamp(T)).toBe('_09:00:07,01-05-2026');
    expect(parseDc09Timestamp('_09:00:07,01-05-2026')).toBe(T);
    expect(parseDc09Timestamp('09:00:07,01-05-2026')).toBe(T);
  });

  it('rejects impossible dates and other shapes', () => {
    for (const bad of ['_24:00:00,01-05-2026', '_09:00:07,13-05-2026', '_09:00:07,04-31-2026', '_09:00:07,2026-01-05', '']) {
      expect(parseDc09Timestamp(bad)).toBeNull();
    }
  });

  it('accepts 40 s behind to 20 s ahead of the receiver clock', () => {
    expect(isDc09TimestampInWindow(T - 40_000, T)).toBe(true);
    expect(isDc09TimestampInWindow(T - 41_000, T)).toBe(false);
    expect(isDc09TimestampInWindow(T + 20_000, T)).toBe(true);
    expect(isDc09TimestampInWindow(T + 21_000, T)).toBe(false);
  });
});

describe('plain frames', () => {
  const msg: Dc09Message = {
    id: 'SIA-DCS', sequence: 42, receiver: '12', line: '3', account: '1234', data: '#1234|Nri1/PA007', extended: ['X010E45.3'], timestamp: T,
  };

  it('build and parse round-trip, with length and CRC over the content', () => {
    const wire = buildDc09Frame(msg).toString('latin1');
    const content = '"SIA-DCS"0042R12L3#1234[#1234|Nri1/PA007][X010E45.3]_09:00:07,01-05-2026';
    expect(wire).toBe(`\n${dc09Crc16Hex(content)}0${content.length.toString(16).toUpperCase().padStart(3, '0')}${content}\r`);
    expect(parsed(wire)).toMatchObject({ ...msg, encrypted: false, content });
  });

  it('omits R when there is no receiver number and parses an empty data block', () => {
    const wire = buildDc09Frame({ id: 'NULL', sequence: 7, line: '0', account: '1234', data: '', timestamp: T });
    expect(wire.toString('latin1')).toContain('"NULL"0007L0#1234[]_09:00:07,01-05-2026');
    const f = parsed(wire);
    expect(f).toMatchObject({ id: 'NULL', data: '', extended: [] });
    expect(f.receiver).toBeUndefined();
  });

  it('names the reason when a frame is damaged', () => {
    const good = buildDc09Frame(msg).toString('latin1');
    const flipped = good.replace('PA007', 'PA008');
    expect(parseDc09Frame(flipped)).toMatchObject({ ok: false, reason: 'crc' });
    expect(parseDc09Frame(good.replace('PA007', 'PA0071'))).toMatchObject({ ok: false, reason: 'length' });
    expect(parseDc09Frame('hello')).toMatchObject({ ok: false, reason: 'framing' });
    const noBracket = `"SIA-DCS"0042L0#1234#1234|NPA007]`;
    expect(parseDc09Frame(`${dc09Crc16Hex(noBracket)}00${noBracket.length.toString(16)}${noBracket}`)).toMatchObject({ ok: false, reason: 'header' });
    const badTs = `"SIA-DCS"0042L0#1234[#1234|NPA007]_25:00:00,01-05-2026`;
    expect(parseDc09Frame(`${dc09Crc16Hex(badTs)}00${badTs.length.toString(16)}${badTs}`)).toMatchObject({ ok: false, reason: 'body', header: { sequence: 42, account: '1234' } });
  });

  it('refuses fields the standard does not allow', () => {
    expect(() => buildDc09Frame({ ...msg, sequence: 10000 })).toThrow(/sequence/);
    expect(() => buildDc09Frame({ ...msg, receiver: '1234567' })).toThrow(/receiver/);
    expect(() => buildDc09Frame({ ...msg, line: 'G' })).toThrow(/prefix/);
    expect(() => buildDc09Frame({ ...msg, data: 'a]b' })).toThrow(/brackets/);
    expect(() => buildDc09Frame({ ...msg, data: 'x'.repeat(5000) })).toThrow(/longer/);
  });
});

describe('encryption [DC-09 5.4]', () => {
  const keys = {
    128: '000102030405060708090A0B0C0D0E0F',
    192: '000102030405060708090A0B0C0D0E0F1011121314151617',
    256: '000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F',
  };

  it('accepts only 128, 192 and 256-bit hex keys', () => {
    expect(parseDc09Key(keys[128])?.length).toBe(16);
    expect(parseDc09Key(keys[192])?.length).toBe(24);
    expect(parseDc09Key(keys[256])?.length).toBe(32);
    for (const bad of ['', '00', 'AAAAAAAAAAAAAAAA', keys[128] + '0', 'Z'.repeat(32)]) expect(parseDc09Key(bad)).toBeNull();
  });

  // FIPS-197 Appendix C known answers: key 00 01 02 ..., plaintext 00112233445566778899aabbccddeeff.
  // With the zero IV the first CBC block is plain AES, so a 16-byte pad equal to that plaintext
  // (pad + "|" + a 31-character body is three whole blocks) must encrypt to the published block.
  it.each([
    [128, '69C4E0D86A7B0430D8CDB78070B4C55A'],
    [192, 'DDA97CA4864CDFE06EAF70A0EC0D7191'],
    [256, '8EA2B7CA516745BFEAFC49904B496089'],
  ] as const)('AES-%i in CBC with a zero IV matches FIPS-197', (bits, firstBlock) => {
    const fipsPlain = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
    const body = '#1234|NRX000]_09:00:07,01-05-26'; // 31 characters
    expect(body.length).toBe(31);
    const hex = encryptDc09Body(body, parseDc09Key(keys[bits])!, () => fipsPlain);
    expect(hex.slice(0, 32)).toBe(firstBlock);
    expect(hex.length).toBe(96);
    expect(decryptDc09Body(hex, parseDc09Key(keys[bits])!)).toBe(body);
  });

  it.each([128, 192, 256] as const)('round-trips a whole frame with a %i-bit key, pad between 1 and 16 bytes', (bits) => {
    const key = parseDc09Key(keys[bits])!;
    for (let extra = 0; extra < 16; extra++) {
      const data = `#1234|Nri1/PA${String(extra).padStart(3, '0')}${'0'.repeat(extra)}`.slice(0, 20 + extra);
      const msg: Dc09Message = { id: 'SIA-DCS', sequence: 9, line: '0', account: '1234', data, timestamp: T };
      const wire = buildDc09Frame(msg, { key });
      const text = wire.toString('latin1');
      expect(text).toContain('"*SIA-DCS"0009L0#1234[');
      expect(text).not.toContain(data); // the data is not in clear
      const hex = text.slice(text.indexOf('[') + 1, -1);
      expect(hex.length % 32).toBe(0);
      expect(parsed(wire, key)).toMatchObject({ ...msg, encrypted: true });
    }
  });

  it('pads with random bytes, never |, [ or ]', () => {
    const key = parseDc09Key(keys[128])!;
    const hostile = () => Buffer.from('|[]|[]|[]|[]|[]|[]A', 'latin1');
    const hex = encryptDc09Body('#1234|NRX000]', key, hostile);
    expect(decryptDc09Body(hex, key)).toBe('#1234|NRX000]');
  });

  it('reports no key, a wrong key and a missing timestamp', () => {
    const key = parseDc09Key(keys[128])!;
    // A fixed pad: with random pad bytes, the wrong key's garbage now and then ends in `]`,
    // which reads as "encrypted without timestamp" instead of "cannot decrypt" (a flaky test).
    const wire = buildDc09Frame({ id: 'SIA-DCS', sequence: 1, line: '0', account: '1234', data: '#1234|NPA001', timestamp: T }, { key, randomBytes: (n) => Buffer.alloc(n, 0x41) });
    expect(parseDc09Frame(wire)).toMatchObject({ ok: false, reason: 'no-key', header: { account: '1234', encrypted: true } });
    expect(parseDc09Frame(wire, { keyFor: () => parseDc09Key(keys[256])! })).toMatchObject({ ok: false, reason: 'decrypt' });
    expect(() => buildDc09Frame({ id: 'SIA-DCS', sequence: 1, line: '0', account: '1234', data: '' }, { key })).toThrow(/timestamp/);
  });

  // pysiaalarm (eavanvalkenburg/pysiaalarm) tests/test_sia_package_cases.py, case_null, with the
  // key of tests/test_utils.py: KEY = "AAAAAAAAAAAAAAAA" (16 ASCII bytes = hex 41 x 16).
  it('decodes pysiaalarm\'s published encrypted NULL frame', () => {
    const key = Buffer.from('AAAAAAAAAAAAAAAA', 'latin1');
    const f = parsed('76D80055"*NULL"0000R0L0#AAAB[B4BC8B40D0E6D959D6BEA78E88CC0B2155741A3C44FBB96D476A3E557CAD64D9', key);
    expect(f).toMatchObject({ id: 'NULL', encrypted: true, sequence: 0, receiver: '0', line: '0', account: 'AAAB', data: '' });
    expect(f.timestamp).toBe(Date.UTC(2020, 6, 5, 18, 24, 52));
  });

  // The DC09Gen generator's example (https://dc09gen.northlat.com/), quoted in a comment of
  // schmupu/ioBroker.sia's SIA parser. The source gives neither CRC/length nor key; the key is
  // the generator's 0123456789ABCDEF0123456789ABCDEF, which decrypts it to a well-formed message.
  it('decodes the DC09Gen example encrypted with a 128-bit key', () => {
    const content = '"*SIA-DCS"9876R579BDFL789ABC#12345A[209c9d400b655df7a26aecb6a887e7ee6ed8103217079aae7cbd9dd7551e96823263460f7ef0514864897ae9789534f1';
    const f = parsed(`${dc09Crc16Hex(content)}0${content.length.toString(16).padStart(3, '0')}${content}`, parseDc09Key('0123456789ABCDEF0123456789ABCDEF')!);
    expect(f).toMatchObject({ id: 'SIA-DCS', sequence: 9876, account: '12345A', data: '12345A|NFA129' });
    expect(f.timestamp).toBe(Date.UTC(2006, 1, 15, 13, 14, 15));
  });
});

describe('acknowledgements [DC-09 5.5.3]', () => {
  const req = { id: 'SIA-DCS', encrypted: false, sequence: 12, receiver: '1', line: '2', account: '1234' };

  it('ACK echoes sequence, receiver, prefix and account with an empty data block', () => {
    const ack = buildDc09Response('ACK', req).toString('latin1');
    expect(ack).toContain('"ACK"0012R1L2#1234[]');
    expect(parsed(ack)).toMatchObject({ id: 'ACK', sequence: 12, account: '1234', data: '' });
  });

  it('ACK to an encrypted message is encrypted and timestamped; DUH never is', () => {
    const key = parseDc09Key('000102030405060708090A0B0C0D0E0F')!;
    const ack = buildDc09Response('ACK', { ...req, encrypted: true }, { key, now: T });
    expect(ack.toString('latin1')).toContain('"*ACK"0012R1L2#1234[');
    expect(parsed(ack, key)).toMatchObject({ id: 'ACK', encrypted: true, timestamp: T });
    expect(buildDc09Response('DUH', { ...req, encrypted: true }, { key }).toString('latin1')).toContain('"DUH"0012R1L2#1234[]');
  });

  it('NAK has sequence 0000, the receiver time, and is never encrypted', () => {
    const nak = buildDc09Nak(T).toString('latin1');
    expect(nak).toContain('"NAK"0000R0L0A0[]_09:00:07,01-05-2026');
    expect(parsed(nak)).toMatchObject({ id: 'NAK', sequence: 0, timestamp: T });
  });
});

describe('stream splitting', () => {
  it('takes whole frames, keeps a partial one and skips garbage', () => {
    const a = buildDc09Nak(T);
    const b = buildDc09Response('ACK', { id: 'SIA-DCS', encrypted: false, sequence: 1, line: '0', account: '1234' });
    const stream = Buffer.concat([Buffer.from('xx'), a, b.subarray(0, 5)]);
    const first = takeDc09Frame(stream);
    expect(first.frame?.equals(a)).toBe(true);
    expect(first.skipped).toBe(2);
    const second = takeDc09Frame(first.rest);
    expect(second.frame).toBeNull();
    expect(takeDc09Frame(Buffer.concat([second.rest, b.subarray(5)])).frame?.equals(b)).toBe(true);
  });
});
