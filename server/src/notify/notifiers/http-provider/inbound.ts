import { createHmac, timingSafeEqual } from 'node:crypto';
import { normalisePhone } from '../../../config/phone-number';
import { jsonPath } from '../../http-request';
import type { DeliveryReceipt } from '../smpp/delivery-receipt';

/**
 * What an HTTP SMS provider calls back with: people's replies (roll call) and delivery reports.
 * Providers differ in field names, so where each value sits is configured as a dotted path of
 * the JSON (or form) body. Every callback is signed: HMAC-SHA256 of the raw body with a shared
 * secret, hex, in a header (`X-Trygg-Signature: sha256=<hex>` unless configured) — anyone can
 * reach the URL, and a forged "OK" could end someone's roll call.
 */
export interface InboundSettings {
  /** The shared secret, as `${secret:NAME}` (TRYGG_SECRET_NAME). */
  signingKey: string;
  /** Header with the signature; default `x-trygg-signature`. Values may carry a `sha256=` prefix. */
  signatureHeader?: string;
  replies?: { fromPath?: string; textPath?: string };
  receipts?: { refPath?: string; statusPath?: string; delivered?: string[]; failed?: string[] };
}

const path = { type: 'string', pattern: '^[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*$', maxLength: 200 } as const;

export const inboundSettingsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['signingKey'],
  properties: {
    signingKey: { type: 'string', minLength: 8, maxLength: 500 },
    signatureHeader: { type: 'string', pattern: "^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$" },
    replies: {
      type: 'object', additionalProperties: false,
      properties: { fromPath: path, textPath: path },
    },
    receipts: {
      type: 'object', additionalProperties: false,
      properties: {
        refPath: path, statusPath: path,
        delivered: { type: 'array', maxItems: 20, items: { type: 'string', minLength: 1, maxLength: 40 } },
        failed: { type: 'array', maxItems: 20, items: { type: 'string', minLength: 1, maxLength: 40 } },
      },
    },
  },
} as const;

const DELIVERED = ['delivered', 'DELIVRD', 'DELIVERED', 'success'];
const FAILED = ['failed', 'undelivered', 'UNDELIV', 'EXPIRED', 'REJECTD', 'rejected', 'expired'];

export function signatureValid(raw: Buffer, header: string | undefined, key: string): boolean {
  if (!header || !key) return false;
  const given = header.trim().replace(/^sha256=/i, '');
  if (!/^[0-9a-f]{64}$/i.test(given)) return false;
  const expected = createHmac('sha256', key).update(raw).digest();
  return timingSafeEqual(expected, Buffer.from(given, 'hex'));
}

/** The body as JSON text for jsonPath: JSON as sent, a form body turned into an object. */
export function bodyAsJson(raw: Buffer, contentType: string | undefined): string | undefined {
  const text = raw.toString('utf8');
  if (contentType?.includes('application/x-www-form-urlencoded')) return JSON.stringify(Object.fromEntries(new URLSearchParams(text)));
  try {
    JSON.parse(text);
    return text;
  } catch {
    return undefined;
  }
}

export type InboundReply = { from: string; text: string };

export function readReply(json: string, settings: InboundSettings): InboundReply | string {
  const from = jsonPath(json, settings.replies?.fromPath ?? 'from');
  const text = jsonPath(json, settings.replies?.textPath ?? 'text');
  if (!from) return 'no sender number in the reply';
  if (text === undefined) return 'no text in the reply';
  const number = normalisePhone(from);
  return { from: number.ok ? number.e164 : from, text };
}

export function readReceipt(json: string, settings: InboundSettings): DeliveryReceipt | string {
  const messageId = jsonPath(json, settings.receipts?.refPath ?? 'id');
  const status = jsonPath(json, settings.receipts?.statusPath ?? 'status');
  if (!messageId) return 'no message reference in the delivery report';
  if (!status) return 'no status in the delivery report';
  const delivered = settings.receipts?.delivered ?? DELIVERED;
  const failed = settings.receipts?.failed ?? FAILED;
  const state = delivered.includes(status) ? 'delivered' : failed.includes(status) ? 'failed' : 'pending';
  return { messageId, state, detail: status.slice(0, 40) };
}
