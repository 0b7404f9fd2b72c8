import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  crc16Ccitt,
  encodeSerialFrame,
  parseSerialFrame,
  SERIAL_FEEDBACK_SIGNALS,
  SERIAL_MAX_FRAME_BYTES,
  serialEventToDeviceMessage,
  serialLine,
  SerialFrameDecoder,
  type SerialDecoded,
  type SerialFrame,
} from './serial-frame';
import { validateDeviceMessage } from './validate';

const bytes = (s: string) => Buffer.from(s, 'latin1');
const frames = (items: SerialDecoded[]) => items.filter((d) => d.ok).map((d) => (d as { frame: SerialFrame }).frame);
const failures = (items: SerialDecoded[]) => items.filter((d) => !d.ok) as Extract<SerialDecoded, { ok: false }>[];

const press: SerialFrame = { type: 'EVT', boot: '7F3A', seq: 42, deviceId: 'interview-1', kind: 'press' };

describe('crc16Ccitt (CRC-16/CCITT-FALSE)', () => {
  it('matches the catalogue check value and known vectors', () => {
    expect(crc16Ccitt('123456789')).toBe(0x29b1); // the CRC RevEng catalogue's "check"
    expect(crc16Ccitt('')).toBe(0xffff);
    expect(crc16Ccitt('A')).toBe(0xb915);
    expect(crc16Ccitt(bytes('123456789'))).toBe(0x29b1);
  });
});

describe('encodeSerialFrame / parseSerialFrame', () => {
  const samples: SerialFrame[] = [
    { type: 'HELLO', boot: 'b00t1', info: 'AR-200 fw 1.4' },
    { type: 'HELLO', boot: '1' },
    press,
    { type: 'EVT', boot: '7F3A', seq: 0, deviceId: 'pendant-3', kind: 'heartbeat', battery: 100 },
    { type: 'EVT', boot: '7F3A', seq: 4_294_967_295, deviceId: 'pendant-3', kind: 'cancel', pin: '12345678' },
    { type: 'EVT', boot: '7F3A', seq: 7, deviceId: 'pendant-3', kind: 'checkin-start', until: { inSeconds: 1800 } },
    { type: 'EVT', boot: '7F3A', seq: 8, deviceId: 'pendant-3', kind: 'checkin-extend', until: { at: '2026-01-05T10:00:00Z' }, battery: 9 },
    { type: 'FBACK', fbSeq: 3 },
    { type: 'RDY' },
    { type: 'ACK', boot: '7F3A', seq: 42 },
    { type: 'REJ', boot: '7F3A', seq: 42 },
    { type: 'NAK', reason: 'CRC' },
    { type: 'FB', fbSeq: 3, deviceId: 'interview-1', action: 'help-coming', ...SERIAL_FEEDBACK_SIGNALS['help-coming'] },
  ];

  it.each(samples.map((f) => [f.type, f] as const))('round-trips %s', (_type, frame) => {
    const line = encodeSerialFrame(frame);
    expect(line).toMatch(/^\$TRG,[^*]+\*[0-9A-F]{4}\r\n$/);
    expect(parseSerialFrame(line.trimEnd())).toEqual({ ok: true, frame, text: line.trimEnd() });
  });

  it('writes the documented press frame', () => {
    expect(encodeSerialFrame(press)).toBe(serialLine('TRG,EVT,7F3A,42,interview-1,press'));
    expect(serialLine('123456789')).toBe('$123456789*29B1\r\n');
  });

  it('accepts a lowercase CRC', () => {
    expect(parseSerialFrame('$123456789*29b1')).toMatchObject({ ok: false, reason: 'schema' }); // CRC fine, talker not TRG
  });

  it('rejects a wrong checksum and asks for a resend', () => {
    const line = encodeSerialFrame(press).trimEnd().replace(/\*[0-9A-F]{4}$/, '*0000');
    expect(parseSerialFrame(line)).toMatchObject({ ok: false, reason: 'checksum', nak: 'CRC' });
    const flipped = encodeSerialFrame(press).trimEnd().replace('press', 'prese');
    expect(parseSerialFrame(flipped)).toMatchObject({ ok: false, reason: 'checksum' });
  });

  it('rejects a frame without a CRC or with bytes outside printable ASCII as framing', () => {
    expect(parseSerialFrame('$TRG,RDY')).toMatchObject({ ok: false, reason: 'framing', nak: 'FMT' });
    expect(parseSerialFrame('$TRG,\x01RDY*1234')).toMatchObject({ ok: false, reason: 'framing', nak: 'FMT' });
  });

  it('refuses content that a resend cannot fix with a reference for REJ', () => {
    const cases: [string, RegExp][] = [
      ['TRG,EVT,7F3A,42,interview-1,explode', /kind "explode"/],
      ['TRG,EVT,7F3A,42,Interview-1,press', /device id/],
      ['TRG,EVT,7F3A,42,interview-1,heartbeat,bat=101', /bat must be 0-100/],
      ['TRG,EVT,7F3A,42,interview-1,press,pin=1234', /"pin" is not allowed with press/],
      ['TRG,EVT,7F3A,42,interview-1,checkin-start', /needs until=/],
      ['TRG,EVT,7F3A,42,interview-1,checkin-start,until=soon', /until must be/],
      ['TRG,EVT,7F3A,42,interview-1,heartbeat,bat=5,bat=6', /given twice/],
      // A day the calendar does not have: Date.parse rolled it over and the schema refused the event.
      ['TRG,EVT,7F3A,42,interview-1,checkin-start,until=2026-02-30T10:00:00Z', /until must be/],
      ['TRG,EVT,7F3A,42,interview-1,checkin-extend,until=2026-04-31T23:59:59Z', /until must be/],
      ['TRG,EVT,7F3A,42,interview-1,checkin-start,until=2026-01-05T24:00:00Z', /until must be/],
    ];
    for (const [body, error] of cases) {
      const decoded = parseSerialFrame(serialLine(body).trimEnd());
      expect(decoded, body).toMatchObject({ ok: false, reason: 'schema', ref: { boot: '7F3A', seq: 42 } });
      expect((decoded as { error: string }).error).toMatch(error);
    }
  });

  it('refuses unknown types, wrong field counts and bad numbers without a reference', () => {
    for (const body of ['TRG,BOOM', 'TRG,ACK,7F3A', 'TRG,EVT,7F3A,4294967296,d,press', 'TRG,EVT,7F3A,042,d,press', 'TRG,EVT,bad-boot,1,d,press', 'NMEA,RDY']) {
      const decoded = parseSerialFrame(serialLine(body).trimEnd());
      expect(decoded, body).toMatchObject({ ok: false, reason: 'schema' });
      expect(decoded, body).not.toHaveProperty('ref');
    }
  });
});

describe('SerialFrameDecoder', () => {
  it('reassembles frames split across chunks, one byte at a time', () => {
    const decoder = new SerialFrameDecoder();
    const stream = bytes(encodeSerialFrame(press) + encodeSerialFrame({ type: 'FBACK', fbSeq: 1 }));
    const out: SerialDecoded[] = [];
    for (const b of stream) out.push(...decoder.push(Uint8Array.of(b)));
    expect(frames(out)).toEqual([press, { type: 'FBACK', fbSeq: 1 }]);
    expect(failures(out)).toEqual([]);
  });

  it('accepts a bare LF line end and blank lines between frames', () => {
    const decoder = new SerialFrameDecoder();
    const out = decoder.push(bytes(`\r\n\n${encodeSerialFrame(press).replace('\r\n', '\n')}\r\n`));
    expect(frames(out)).toEqual([press]);
    expect(failures(out)).toEqual([]);
  });

  it('resynchronises after garbage and reports it once per run, without a NAK', () => {
    const decoder = new SerialFrameDecoder();
    const out = decoder.push(bytes(`\x00\xffnoise${encodeSerialFrame(press)}junk\n${encodeSerialFrame(press)}`));
    expect(frames(out)).toEqual([press, press]);
    expect(failures(out).map((f) => [f.reason, f.error, f.nak])).toEqual([
      ['framing', '7 byte(s) of garbage outside a frame', undefined],
      ['framing', '4 byte(s) of garbage outside a frame', undefined],
    ]);
  });

  it('drops a frame cut off by a new "$" and keeps the next one', () => {
    const decoder = new SerialFrameDecoder();
    const out = decoder.push(bytes(`$TRG,EVT,7F3A,4${encodeSerialFrame(press)}`));
    expect(frames(out)).toEqual([press]);
    expect(failures(out)).toMatchObject([{ reason: 'framing', nak: 'FMT', text: '$TRG,EVT,7F3A,4' }]);
  });

  it('counts a wrong checksum and decodes the next good frame', () => {
    const decoder = new SerialFrameDecoder();
    const bad = encodeSerialFrame(press).replace('42', '43');
    const out = decoder.push(bytes(bad + encodeSerialFrame(press)));
    expect(failures(out)).toMatchObject([{ reason: 'checksum', nak: 'CRC' }]);
    expect(frames(out)).toEqual([press]);
  });

  it('discards an oversized frame up to the next frame start, split or not', () => {
    const long = `$TRG,HELLO,b,${'x'.repeat(SERIAL_MAX_FRAME_BYTES)}`;
    for (const chunks of [[long + encodeSerialFrame(press)], [long.slice(0, 100), long.slice(100), `still the long one\n`, encodeSerialFrame(press)]]) {
      const decoder = new SerialFrameDecoder();
      const out = chunks.flatMap((c) => decoder.push(bytes(c)));
      expect(failures(out)).toMatchObject([{ reason: 'oversized', nak: 'LEN' }]);
      expect(failures(out)[0]!.text.length).toBeLessThanOrEqual(80);
      expect(frames(out)).toEqual([press]);
    }
  });

  it('accepts a frame of exactly the maximum length', () => {
    const decoder = new SerialFrameDecoder(40);
    const line = serialLine(`TRG,HELLO,b,${'x'.repeat(22)}`);
    expect(line.length).toBe(42); // 40 bytes + CR LF
    expect(frames(decoder.push(bytes(line)))).toHaveLength(1);
    expect(failures(decoder.push(bytes(serialLine(`TRG,HELLO,b,${'x'.repeat(23)}`))))).toMatchObject([{ reason: 'oversized' }]);
  });

  it('reports a garbage flood without a line end in bounded pieces', () => {
    const decoder = new SerialFrameDecoder();
    const out = decoder.push(new Uint8Array(10_000).fill(0x41));
    expect(failures(out).length).toBe(2);
    expect(decoder.push(bytes(encodeSerialFrame(press))).map((d) => d.ok)).toEqual([false, true]);
  });
});

describe('serialEventToDeviceMessage', () => {
  const now = Date.parse('2026-01-05T09:00:00.000Z');

  it('gives every retransmission the same msgId and a valid DeviceMessage', () => {
    const a = serialEventToDeviceMessage(press, now);
    const b = serialEventToDeviceMessage(press, now + 5000);
    expect(a.msgId).toBe('s42-7F3A');
    expect(b.msgId).toBe(a.msgId);
    expect(a).toEqual({ v: 1, type: 'press', msgId: 's42-7F3A', seq: 42, at: '2026-01-05T09:00:00.000Z' });
    expect(validateDeviceMessage(a)).toMatchObject({ ok: true });
  });

  it('resolves a relative check-in end from the arrival time and keeps pin and battery', () => {
    const start = serialEventToDeviceMessage({ ...press, kind: 'checkin-start', until: { inSeconds: 1800 }, battery: 50 }, now);
    expect(start).toMatchObject({ type: 'checkin-start', until: '2026-01-05T09:30:00.000Z', battery: 50 });
    const cancel = serialEventToDeviceMessage({ ...press, kind: 'cancel', pin: '1234' }, now);
    expect(cancel.pin).toBe('1234');
    for (const m of [start, cancel]) expect(validateDeviceMessage(m)).toMatchObject({ ok: true });
  });
});

describe('docs/serial-protocol.md', () => {
  const doc = readFileSync(new URL('../../docs/serial-protocol.md', import.meta.url), 'utf8');

  it('shows only frames that decode, except those marked as wrong', () => {
    const examples = doc.split('\n').flatMap((line) => [...line.matchAll(/\$TRG[^*`|\n]*\*[0-9A-Fa-f]{4}/g)].map((m) => ({ line, frame: m[0] })));
    expect(examples.length).toBeGreaterThan(30);
    for (const { line, frame } of examples) {
      const decoded = parseSerialFrame(frame);
      if (line.includes('(wrong CRC')) expect(decoded, frame).toMatchObject({ ok: false, reason: 'checksum' });
      else if (line.includes('(refused')) expect(decoded, frame).toMatchObject({ ok: false, reason: 'schema' });
      else expect(decoded, frame).toMatchObject({ ok: true });
    }
  });

  it('documents every feedback signal', () => {
    for (const [action, s] of Object.entries(SERIAL_FEEDBACK_SIGNALS)) {
      expect(doc).toContain(`| \`${action}\` | \`${s.led}\` | ${s.buzzer} | ${s.vibration} |`);
    }
  });
});
