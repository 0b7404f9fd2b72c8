import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signatures. `X-Trygg-Signature: sha256=<hex>` is HMAC-SHA256 with the shared key over
 * `<timestamp>.<raw body>`, and `X-Trygg-Timestamp` is that timestamp in Unix seconds. The
 * timestamp is inside the MAC so a receiver can refuse replays of old deliveries (a signature
 * over the body alone would let anyone re-send it with a fresh timestamp).
 */
export const SIGNATURE_HEADER = 'x-trygg-signature';
export const TIMESTAMP_HEADER = 'x-trygg-timestamp';
export const DELIVERY_HEADER = 'x-trygg-delivery';
export const DEFAULT_TOLERANCE_SECONDS = 300;

export function signWebhook(key: string, timestamp: number, rawBody: string): string {
  return `sha256=${createHmac('sha256', key).update(`${timestamp}.${rawBody}`).digest('hex')}`;
}

/** For receivers (and tests): a valid signature on a timestamp within the tolerance of `nowMs`. */
export function verifyWebhookSignature(input: {
  key: string; timestamp: string | undefined; rawBody: string; signature: string | undefined; nowMs: number; toleranceSeconds?: number;
}): boolean {
  const ts = Number(input.timestamp);
  if (!input.signature || !Number.isInteger(ts)) return false;
  if (Math.abs(input.nowMs / 1000 - ts) > (input.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS)) return false;
  const expected = Buffer.from(signWebhook(input.key, ts, input.rawBody));
  const given = Buffer.from(input.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
