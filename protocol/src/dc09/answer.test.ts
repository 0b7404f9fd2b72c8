import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dc09AnswerMatches, parseDc09Answer, takeDc09Answer, type Dc09SentMessage } from './answer';
import { buildDc09Nak, buildDc09Response } from './frame';

interface CorpusEntry { what: string; raw: string; expect: Record<string, unknown>; sent: Dc09SentMessage; matches: boolean }
const corpus = JSON.parse(readFileSync(new URL('./fixtures/pysiaalarm-answers.json', import.meta.url), 'utf8')) as { key: string; answers: CorpusEntry[] };
const key = Buffer.from(corpus.key, 'latin1');

describe('answers as a real receiver (pysiaalarm) sends them', () => {
  for (const entry of corpus.answers) {
    it(entry.what, () => {
      const parsed = parseDc09Answer(Buffer.from(entry.raw, 'latin1'), { key });
      expect(parsed.ok, JSON.stringify(parsed)).toBe(true);
      if (!parsed.ok) return;
      expect(parsed.answer).toMatchObject(entry.expect);
      expect(dc09AnswerMatches(parsed.answer, entry.sent).ok).toBe(entry.matches);
    });
  }
  it('every corpus answer is cut whole out of a TCP stream, with what follows left alone', () => {
    for (const entry of corpus.answers) {
      const bytes = Buffer.from(entry.raw, 'latin1');
      expect(takeDc09Answer(bytes)?.toString('latin1').trim()).toBe(entry.raw.trim());
      // Half an answer is not an answer yet.
      expect(takeDc09Answer(bytes.subarray(0, Math.max(1, bytes.length - 1)))).toBeNull();
    }
  });
});

describe('answers Trygg itself would build (protocol/src/dc09/frame.ts)', () => {
  it('reads our ACK, DUH and NAK', () => {
    const to = { id: 'SIA-DCS', encrypted: false, sequence: 42, line: '0', account: '1234' };
    const ack = parseDc09Answer(buildDc09Response('ACK', to));
    expect(ack).toMatchObject({ ok: true, answer: { kind: 'ACK', sequence: 42, account: '1234', framed: true } });
    const nak = parseDc09Answer(buildDc09Nak(Date.UTC(2026, 0, 2, 3, 4, 5)));
    expect(nak).toMatchObject({ ok: true, answer: { kind: 'NAK', timestamp: Date.UTC(2026, 0, 2, 3, 4, 5) } });
    const encKey = Buffer.alloc(32, 7);
    const sealed = parseDc09Answer(buildDc09Response('ACK', { ...to, encrypted: true }, { key: encKey, now: 0 }), { key: encKey });
    expect(sealed).toMatchObject({ ok: true, answer: { kind: 'ACK', encrypted: true, sequence: 42 } });
    // A fixed pad: with random pad bytes the wrong key's garbage now and then parses (a flaky test).
    const fixedPad = (n: number) => Buffer.alloc(n, 0x41);
    expect(parseDc09Answer(buildDc09Response('ACK', { ...to, encrypted: true }, { key: encKey, now: 0, randomBytes: fixedPad }), { key: Buffer.alloc(32, 8) }))
      .toMatchObject({ ok: false, reason: 'decrypt' });
  });
});

describe('what is still not an answer', () => {
  it('a damaged frame, a wrong length, garbage in the header, free text', () => {
    expect(parseDc09Answer('\n56F60016"ACK"6147NoneL0#1234[]\r')).toMatchObject({ ok: false, reason: 'crc' });
    expect(parseDc09Answer('\n56F50017"ACK"6147NoneL0#1234[]\r')).toMatchObject({ ok: false, reason: 'length' });
    const content = '"ACK"6147Rxyz#1234[]';
    const crc = (s: string) => { let c = 0; for (const b of Buffer.from(s)) { c ^= b; for (let i = 0; i < 8; i++) c = c & 1 ? (c >>> 1) ^ 0xa001 : c >>> 1; } return c.toString(16).toUpperCase().padStart(4, '0'); };
    expect(parseDc09Answer(`\n${crc(content)}00${content.length.toString(16).toUpperCase()}${content}\r`)).toMatchObject({ ok: false, reason: 'header' });
    expect(parseDc09Answer('HTTP/1.1 400 Bad Request')).toMatchObject({ ok: false, reason: 'framing' });
    expect(parseDc09Answer('"ACK')).toMatchObject({ ok: false, reason: 'framing' });
    expect(takeDc09Answer(Buffer.from('"ACK'))).toBeNull();
  });
  it('a bare ACK acknowledges nothing: it names no sequence', () => {
    const bare = parseDc09Answer('"ACK"');
    expect(bare).toMatchObject({ ok: true, answer: { kind: 'ACK', framed: false } });
    if (bare.ok) expect(dc09AnswerMatches(bare.answer, { sequence: 1, account: '1234', encrypted: false }).ok).toBe(false);
  });
});
