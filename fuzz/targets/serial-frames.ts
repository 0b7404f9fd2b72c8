import {
  SERIAL_EVENT_KINDS, SerialFrameDecoder, encodeSerialFrame, parseSerialFrame, serialEventToDeviceMessage, serialLine, validateDeviceMessage,
  type SerialDecoded, type SerialFrame,
} from '@trygg/protocol';
import { ContractViolation, bytes, text, type FuzzTarget } from '../target';

/**
 * The serial line protocol (docs/serial-protocol.md): one line through parseSerialFrame, the same
 * body again with a correct CRC (so mutations reach the field parser instead of all dying at the
 * checksum), and the raw bytes as a stream through SerialFrameDecoder in small chunks. Both
 * never throw; rejections are `{ ok: false, reason }`. An accepted EVT must become a
 * DeviceMessage that passes the protocol schema, and an accepted frame must survive re-encoding.
 */
const NOW = Date.parse('2026-01-05T09:00:00.000Z');
const CHUNK = 7;

const frames: SerialFrame[] = [
  { type: 'HELLO', boot: '7F3A' },
  { type: 'HELLO', boot: 'B00T1', info: 'trygg-rx 1.2.0 fw 2026-01' },
  ...SERIAL_EVENT_KINDS.map((kind, i): SerialFrame => ({ type: 'EVT', boot: '7F3A', seq: 40 + i, deviceId: 'interview-1', kind })),
  { type: 'EVT', boot: '7F3A', seq: 4294967295, deviceId: 'reception-desk', kind: 'heartbeat', battery: 87 },
  { type: 'EVT', boot: '7F3A', seq: 7, deviceId: 'portable-3', kind: 'cancel', pin: '123456' },
  { type: 'EVT', boot: '7F3A', seq: 8, deviceId: 'portable-3', kind: 'checkin-start', until: { inSeconds: 3600 } },
  { type: 'EVT', boot: '7F3A', seq: 9, deviceId: 'portable-3', kind: 'checkin-extend', until: { at: '2026-01-05T10:00:00Z' } },
  { type: 'FBACK', fbSeq: 12 },
  { type: 'RDY' },
  { type: 'ACK', boot: '7F3A', seq: 42 },
  { type: 'NAK', reason: 'CRC' },
  { type: 'REJ', boot: '7F3A', seq: 42 },
  { type: 'FB', fbSeq: 3, deviceId: 'interview-1', action: 'help-coming', led: 'green-blink', buzzer: 0, vibration: 2 },
];

export const serialFramesTarget: FuzzTarget = {
  name: 'serial-frames',
  seeds: [
    ...frames.map((f) => bytes(encodeSerialFrame(f), 'latin1')),
    bytes(`garbage\r\n${encodeSerialFrame(frames[2]!)}${encodeSerialFrame(frames[3]!)}`, 'latin1'),
  ],
  dictionary: ['$', '*', ',', '\r\n', 'TRG', 'HELLO', 'EVT', 'FBACK', 'RDY', 'ACK', 'NAK', 'REJ', 'FB', 'bat=', 'pin=', 'until=', 'until=+',
    ...SERIAL_EVENT_KINDS, 'CRC', 'LEN', 'FMT', 'green-blink', 'help-coming', '2026-02-30T10:00:00Z', '9999-12-31T23:59:59.999Z'],
  // Frames mutated as values, then encoded with a correct CRC: wrong kinds, odd ids, numbers
  // and times reach the field checks directly.
  structured: { values: frames, encode: (value) => bytes(encodeSerialFrame(value as SerialFrame), 'latin1') },
  run(input) {
    const line = text(input, 'latin1').replace(/\r?\n$/, '').replace(/\r$/, '');
    check(parseSerialFrame(line));
    const star = line.lastIndexOf('*');
    const body = line.startsWith('$') ? line.slice(1, star < 0 ? undefined : star) : line;
    const fixed = serialLine(body);
    check(parseSerialFrame(fixed.slice(0, -2)));
    const decoder = new SerialFrameDecoder();
    for (let i = 0; i < input.length; i += CHUNK) for (const d of decoder.push(input.subarray(i, i + CHUNK))) check(d);
    for (const d of decoder.push(bytes(fixed, 'latin1'))) check(d);
  },
  isTypedError: () => false, // the serial codec reports by result, never by exception
};

function check(decoded: SerialDecoded): void {
  if (!decoded.ok) return;
  const { frame } = decoded;
  if (frame.type === 'EVT') {
    const valid = validateDeviceMessage(serialEventToDeviceMessage(frame, NOW));
    if (!valid.ok) throw new ContractViolation(`accepted EVT "${decoded.text}" gives an invalid DeviceMessage: ${valid.errors.join('; ')}`);
  }
  const again = parseSerialFrame(encodeSerialFrame(frame).slice(0, -2));
  if (!again.ok) throw new ContractViolation(`accepted frame "${decoded.text}" does not parse after re-encoding: ${again.error}`);
}
