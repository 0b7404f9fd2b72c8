import { MAX_PAYLOAD_BYTES, type RejectReason } from '@trygg/protocol';
import type { ZigbeePayload } from '../../converters/zigbee/zigbee-converters';

export type Decoded<T> = { ok: true; value: T } | { ok: false; reason: RejectReason; errors: string[] };

function text(payload: Uint8Array): string {
  return Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('utf8');
}

function parseJson(payload: Uint8Array): Decoded<unknown> {
  if (payload.byteLength > MAX_PAYLOAD_BYTES) {
    return { ok: false, reason: 'oversized', errors: [`payload is ${payload.byteLength} bytes, limit ${MAX_PAYLOAD_BYTES}`] };
  }
  try {
    return { ok: true, value: JSON.parse(text(payload)) };
  } catch (err) {
    return { ok: false, reason: 'malformed-json', errors: [(err as Error).message] };
  }
}

/** A device state payload: size limit first, then JSON, then "an object". Never throws. */
export function decodeStatePayload(payload: Uint8Array): Decoded<ZigbeePayload> {
  const parsed = parseJson(payload);
  if (!parsed.ok) return parsed;
  const value = parsed.value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, reason: 'schema', errors: ['(root): must be a JSON object'] };
  }
  return { ok: true, value: value as ZigbeePayload };
}

/**
 * An availability (or bridge state) payload: `{"state":"online"|"offline"}` since Zigbee2MQTT
 * 1.30 (`advanced.legacy_availability_payload: false`), plain `online`/`offline` before.
 */
export function decodeAvailabilityPayload(payload: Uint8Array): Decoded<'online' | 'offline'> {
  if (payload.byteLength <= 16) {
    const plain = text(payload).trim();
    if (plain === 'online' || plain === 'offline') return { ok: true, value: plain };
  }
  const parsed = parseJson(payload);
  if (!parsed.ok) return parsed;
  const state = (parsed.value as { state?: unknown } | null)?.state;
  if (state === 'online' || state === 'offline') return { ok: true, value: state };
  return { ok: false, reason: 'schema', errors: ['state: must be one of online, offline'] };
}
