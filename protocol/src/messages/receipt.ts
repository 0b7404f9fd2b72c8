import { eventIdSchema, idSchema, versionSchema } from './common';

/**
 * Published by the server on `.../gateways/<gw>/receipts` once a device event is durably stored
 * (or known to be a duplicate, or rejected for good). Only then may the gateway drop it from its
 * outbox.
 */
export type ReceiptStatus = 'stored' | 'duplicate' | 'rejected';

export interface Receipt {
  v: 1;
  eventId: string;
  status: ReceiptStatus;
  alarmId?: string;
  /** Rejection reason code, e.g. `unknown-device`; a rejected event is never re-sent. */
  reason?: string;
}

export const receiptSchema = {
  $id: 'trygg/v1/receipt',
  type: 'object',
  additionalProperties: false,
  required: ['v', 'eventId', 'status'],
  properties: {
    v: versionSchema,
    eventId: eventIdSchema,
    status: { enum: ['stored', 'duplicate', 'rejected'] },
    alarmId: idSchema,
    reason: { type: 'string', maxLength: 64 },
  },
} as const;
