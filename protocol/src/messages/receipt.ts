import { Type, type Static } from 'typebox';
import { eventIdSchema, idSchema, versionSchema } from './common';

/**
 * Published by the server on `.../gateways/<gw>/receipts` once a device event is durably stored
 * (or known to be a duplicate, or rejected for good). Only then may the gateway drop it from its
 * outbox.
 */
export const RECEIPT_STATUSES = ['stored', 'duplicate', 'rejected'] as const;
export type ReceiptStatus = (typeof RECEIPT_STATUSES)[number];

export const receiptSchema = Type.Object({
  v: versionSchema,
  eventId: eventIdSchema,
  status: Type.Enum(RECEIPT_STATUSES),
  alarmId: Type.Optional(idSchema),
  /** Rejection reason code, e.g. `unknown-device`; a rejected event is never re-sent. */
  reason: Type.Optional(Type.String({ maxLength: 64 })),
}, { $id: 'trygg/v1/receipt', additionalProperties: false });
export type Receipt = Static<typeof receiptSchema>;
