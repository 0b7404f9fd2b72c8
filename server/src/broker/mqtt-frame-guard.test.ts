import { describe, expect, it } from 'vitest';
import { MqttFrameScanner } from './mqtt-frame-guard';

/** Remaining Length encoding, MQTT 3.1.1 §2.2.3. */
function remainingLength(n: number): number[] {
  const bytes: number[] = [];
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    bytes.push(byte);
  } while (n > 0);
  return bytes;
}

/** A QoS 0 PUBLISH to topic `t` (§3.3): fixed header, 2-byte topic length, topic, payload. */
function publishBytes(payloadBytes: number): Buffer {
  const body = Buffer.concat([Buffer.from([0x00, 0x01, 0x74]), Buffer.alloc(payloadBytes)]);
  return Buffer.concat([Buffer.from([0x30, ...remainingLength(body.length)]), body]);
}

const ping = Buffer.from([0xc0, 0x00]);

describe('MqttFrameScanner', () => {
  it('accepts packets up to the limit, fixed header included', () => {
    const packet = publishBytes(200);
    expect(new MqttFrameScanner(packet.length).feed(packet)).toBeNull();
    expect(new MqttFrameScanner(packet.length - 1).feed(packet)).toEqual({ kind: 'oversized', packetBytes: packet.length });
  });

  it('follows many packets in one chunk, including zero-length ones', () => {
    const scanner = new MqttFrameScanner(300);
    expect(scanner.feed(Buffer.concat([ping, publishBytes(100), ping, publishBytes(250)]))).toBeNull();
    expect(scanner.feed(Buffer.concat([ping, publishBytes(400)]))).toMatchObject({ kind: 'oversized' });
  });

  it('follows headers and bodies split at every byte boundary', () => {
    const stream = Buffer.concat([publishBytes(130), ping, publishBytes(20_000), publishBytes(3)]);
    const scanner = new MqttFrameScanner(20_100);
    for (const byte of stream) expect(scanner.feed(Buffer.from([byte]))).toBeNull();
    // A header with a multi-byte Remaining Length also arrives one byte at a time.
    const big = publishBytes(30_000);
    const results = [...big.subarray(0, 4)].map((b) => scanner.feed(Buffer.from([b])));
    expect(results.at(-1)).toEqual({ kind: 'oversized', packetBytes: big.length });
  });

  it('reports a Remaining Length longer than four bytes as malformed (MQTT 3.1.1 §2.2.3)', () => {
    expect(new MqttFrameScanner(1_000).feed(Buffer.from([0x30, 0x80, 0x80, 0x80, 0x80, 0x01]))).toEqual({ kind: 'malformed' });
  });

  it('stays violated once violated', () => {
    const scanner = new MqttFrameScanner(10);
    expect(scanner.feed(publishBytes(50))).not.toBeNull();
    expect(scanner.feed(ping)).not.toBeNull();
  });
});
