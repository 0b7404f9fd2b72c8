/**
 * Coded errors of the gateway (STYLE.md "Errors"). Codes are stable: operators grep logs for them
 * and docs/errors.md lists them. `cause` is kept when wrapping a lower-level error.
 */
export const GATEWAY_ERROR_CODES = {
  TRYGG_GW_CONFIG: 'invalid gateway configuration',
  TRYGG_GW_OUTBOX_OPEN: 'the outbox database could not be opened',
  TRYGG_GW_OUTBOX_WRITE: 'an event could not be written to the outbox',
  TRYGG_GW_OUTBOX_CORRUPT_ROW: 'an outbox row could not be decoded',
  TRYGG_GW_UNKNOWN_TRANSPORT: 'no device transport of this kind exists',
  TRYGG_GW_NO_TRANSPORT_FOR_DEVICE: 'no device transport can reach this device',
  TRYGG_GW_SUBSCRIBE_DENIED: 'the broker refused a subscription',
} as const;

export type GatewayErrorCode = keyof typeof GATEWAY_ERROR_CODES;

export class GatewayError extends Error {
  override readonly name = 'GatewayError';
  constructor(
    readonly code: GatewayErrorCode,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${code}: ${GATEWAY_ERROR_CODES[code]}: ${detail}`, options);
  }
}
