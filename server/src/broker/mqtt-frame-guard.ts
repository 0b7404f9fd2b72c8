import { Duplex, Transform, pipeline } from 'node:stream';

/**
 * A byte bound on incoming MQTT packets. aedes 1.x creates its mqtt-packet parser without options
 * and mqtt-packet 9 has no maximum-size setting, so the parser would buffer any packet up to the
 * protocol limit of 256 MiB — before authentication, since CONNECT is a packet too. This guard
 * reads only the fixed headers (MQTT 3.1.1 §2.2) as bytes pass and cuts the connection as soon as
 * a header announces a packet larger than the limit, before its body is buffered anywhere.
 */
export type FrameViolation = { kind: 'oversized'; packetBytes: number } | { kind: 'malformed' };

/** Walks fixed headers across chunk boundaries; the body is skipped, not inspected. */
export class MqttFrameScanner {
  private state: 'type' | 'length' | 'body' = 'type';
  private length = 0;
  private lengthBytes = 0;
  private bodyLeft = 0;
  private violation: FrameViolation | null = null;

  constructor(private readonly maxPacketBytes: number) {}

  /** Returns the first violation found; once violated the stream stays violated. */
  feed(chunk: Uint8Array): FrameViolation | null {
    let i = 0;
    while (i < chunk.length && !this.violation) {
      if (this.state === 'type') {
        i++;
        this.state = 'length';
        this.length = 0;
        this.lengthBytes = 0;
      } else if (this.state === 'length') {
        const byte = chunk[i++]!;
        // Remaining Length: 7 bits per byte, low group first, high bit = continuation (§2.2.3).
        this.length += (byte & 0x7f) * 128 ** this.lengthBytes;
        this.lengthBytes++;
        if (byte & 0x80) {
          // At most four bytes (§2.2.3, max 268,435,455); a fifth is a malformed packet.
          if (this.lengthBytes === 4) this.violation = { kind: 'malformed' };
          continue;
        }
        const packetBytes = 1 + this.lengthBytes + this.length;
        if (packetBytes > this.maxPacketBytes) this.violation = { kind: 'oversized', packetBytes };
        this.bodyLeft = this.length;
        this.state = this.length === 0 ? 'type' : 'body';
      } else {
        const take = Math.min(this.bodyLeft, chunk.length - i);
        i += take;
        this.bodyLeft -= take;
        if (this.bodyLeft === 0) this.state = 'type';
      }
    }
    return this.violation;
  }
}

export class MqttFrameError extends Error {
  constructor(readonly violation: FrameViolation) {
    super(violation.kind === 'oversized' ? `MQTT packet of ${violation.packetBytes} bytes exceeds the limit` : 'malformed MQTT remaining length');
    this.name = 'MqttFrameError';
  }
}

/**
 * Wraps a connection so aedes reads through the scanner and writes straight to the transport.
 * On a violation the transport is destroyed (pipeline propagates the error), which aedes sees as
 * a connection error: it closes the client and, as for any abnormal disconnect, sends its will.
 */
export function guardMqttConnection(inner: Duplex, maxPacketBytes: number, onViolation: (v: FrameViolation) => void): Duplex {
  const scanner = new MqttFrameScanner(maxPacketBytes);
  const checked = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      const violation = scanner.feed(chunk);
      if (!violation) return callback(null, chunk);
      onViolation(violation);
      callback(new MqttFrameError(violation));
    },
  });
  // Errors and closes of either side tear down both; aedes observes them through the duplex.
  pipeline(inner, checked, () => undefined);
  return Duplex.from({ readable: checked, writable: inner });
}
