/**
 * Coded errors of the gateway. Codes are stable: operators grep logs for them
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
  TRYGG_GW_SERIAL_PORT_UNAVAILABLE: 'a serial port could not be opened or was lost',
  TRYGG_GW_SERIAL_FEEDBACK_UNCONFIRMED: 'a serial receiver did not confirm a feedback frame',
  TRYGG_GW_HID_UNAVAILABLE: 'USB HID is unavailable; other transports keep running',
  TRYGG_GW_HID_DEVICE: 'a USB HID device could not be opened, failed or took no feedback',
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
