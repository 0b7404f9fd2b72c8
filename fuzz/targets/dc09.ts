import { readFileSync } from 'node:fs';
import {
  buildDc09Frame, buildDc09Nak, buildDc09Response, dc09AnswerMatches, dc09Crc16Hex, frameDc09Content, parseContactId, parseDc09Answer,
  parseDc09AsciiKey, parseDc09Frame, parseDc09Key, parseDc09Timestamp, parseSiaDcs, takeDc09Answer, takeDc09Frame, type Dc09Message,
  type Dc09ParseResult,
} from '@trygg/protocol';
import { text, type FuzzTarget } from '../target';

/**
 * SIA DC-09 (docs/sia-dc09.md). Messages as an ARC receiver reads them: parseDc09Frame without
 * a key and with an account's AES key, the same content re-framed with a correct CRC and length
 * (so mutations reach the header, decryption and body parsers), the TCP stream splitter, and the
 * SIA-DCS / Contact ID data parsers on whatever parsed. Answers (ACK, NAK, DUH, RSP) as the
 * sia-dc09 notifier reads them: takeDc09Answer on the stream, parseDc09Answer with and without
 * the key, dc09AnswerMatches against the message sent. All report by result (`ok: false` with a
 * reason, or null); a throw is a finding.
 */
const KEY = parseDc09Key('000102030405060708090A0B0C0D0E0F')!;
const KEY256 = parseDc09Key('000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F')!;
const T = Date.parse('2026-01-05T09:00:00.000Z');
const fixedRandom = (size: number) => Buffer.alloc(size, 0x5a);

const messages: Dc09Message[] = [
  { id: 'SIA-DCS', sequence: 1, receiver: '1', line: '2', account: '1234', data: '#1234|Nri1/PA001', timestamp: T },
  { id: 'SIA-DCS', sequence: 9999, account: '1234', data: '#1234|NPA001^Samtalerom 1^', extended: ['X010E45.3W005E21.1', 'Vhttp://x'], timestamp: T },
  { id: 'ADM-CID', sequence: 2, account: 'ABC123', data: '#ABC123|1120 01 001', timestamp: T },
  { id: 'ADM-CID', sequence: 3, account: '1234', data: '#1234|3120 01 001' },
  { id: 'NULL', sequence: 4, account: '1234', data: '', timestamp: T },
];
const header = { id: 'SIA-DCS', encrypted: true, sequence: 17, receiver: 'A1', line: '2', account: '1234' };

export const dc09FramesSeeds: Uint8Array[] = [
  ...messages.map((m) => buildDc09Frame(m)),
  ...messages.filter((m) => m.timestamp !== undefined).map((m) => buildDc09Frame(m, { key: KEY, randomBytes: fixedRandom })),
  buildDc09Frame(messages[0]!, { key: KEY256, randomBytes: fixedRandom }),
];
const pysiaalarm = JSON.parse(readFileSync(new URL('../../protocol/src/dc09/fixtures/pysiaalarm-answers.json', import.meta.url), 'utf8')) as { key: string; answers: { raw: string }[] };
const ASCII_KEY = parseDc09AsciiKey(pysiaalarm.key)!;
export const dc09AnswerSeeds: Uint8Array[] = [
  ...pysiaalarm.answers.map((a) => new Uint8Array(Buffer.from(a.raw, 'latin1'))),
  buildDc09Response('ACK', header, { key: KEY, now: T, randomBytes: fixedRandom }),
  buildDc09Response('ACK', { ...header, encrypted: false }),
  buildDc09Response('DUH', header),
  buildDc09Nak(T),
];
const dictionary = ['\n', '\r', '"', '*', '[', ']', '#', '|', '/', '^', 'R', 'L', 'A', 'SIA-DCS', 'ADM-CID', 'NULL', 'ACK', 'NAK', 'DUH', '"*SIA-DCS"',
  'Nri1/PA001', 'ri', 'ti', 'id', 'pi', '1120 01 001', '_09:00:00,01-05-2026', '_99:99:99,13-45-9999', 'X010E45.3', '0000', '9999', '0FFF', '0000'];

function fuzzDc09(input: Uint8Array): void {
  const buffer = Buffer.from(input);
  const keyFor = () => KEY;
  check(parseDc09Frame(buffer));
  check(parseDc09Frame(buffer, { keyFor }));
  check(parseDc09Frame(text(input, 'latin1'), { keyFor: (account) => (account === '1234' ? KEY256 : undefined) }));
  const content = text(input, 'latin1').replace(/^\n?[0-9A-Fa-f]{4}0[0-9A-Fa-f]{3}/, '').replace(/\r$/, '');
  if (content.length <= 0xfff) {
    const reframed = frameDc09Content(content);
    check(parseDc09Frame(reframed));
    check(parseDc09Frame(reframed, { keyFor }));
  }
  let rest: Buffer = buffer;
  for (let frames = 0; frames < 64; frames++) {
    const taken = takeDc09Frame(rest);
    if (!taken.frame) break;
    check(parseDc09Frame(taken.frame, { keyFor }));
    rest = taken.rest;
  }
  parseDc09Timestamp(text(input, 'latin1'));
  parseDc09Key(text(input, 'latin1'));
}

function check(result: Dc09ParseResult): void {
  if (!result.ok) return;
  parseSiaDcs(result.frame.data);
  parseContactId(result.frame.data);
}

export const dc09FramesTarget: FuzzTarget = {
  name: 'dc09-frames',
  seeds: dc09FramesSeeds,
  dictionary,
  run: fuzzDc09,
  isTypedError: () => false,
};

function fuzzAnswer(input: Uint8Array): void {
  const buffer = Buffer.from(input);
  const answers = [parseDc09Answer(buffer), parseDc09Answer(buffer, { key: KEY }), parseDc09Answer(buffer, { key: ASCII_KEY })];
  // The same content with a correct CRC and length (answers carry a four-hex-digit length).
  const content = text(input, 'latin1').replace(/^\n?[0-9A-Fa-f]{8}/, '').replace(/\r$/, '');
  const reframed = `\n${dc09Crc16Hex(content)}${content.length.toString(16).toUpperCase().padStart(4, '0')}${content}\r`;
  answers.push(parseDc09Answer(reframed, { key: ASCII_KEY }), parseDc09Answer(reframed, { key: KEY }));
  let rest: Buffer = buffer;
  for (let n = 0; n < 64 && rest.length > 0; n++) {
    const frame = takeDc09Answer(rest);
    if (!frame) break;
    answers.push(parseDc09Answer(frame, { key: ASCII_KEY }));
    const at = rest.indexOf(frame);
    rest = rest.subarray(at < 0 ? rest.length : at + Math.max(1, frame.length));
  }
  for (const result of answers) {
    if (!result.ok) continue;
    for (const sent of SENT) dc09AnswerMatches(result.answer, sent);
  }
}

const SENT = [{ sequence: 6147, account: '1234', encrypted: false }, { sequence: 17, account: '1234', encrypted: true }];

export const dc09AnswersTarget: FuzzTarget = {
  name: 'dc09-answers',
  seeds: dc09AnswerSeeds,
  dictionary: [...dictionary, 'None', 'RSP', '"*ACK"', '"NAK"', 'L0', 'R0', 'A0', '6147', '#1234'],
  run: fuzzAnswer,
  isTypedError: () => false,
};
