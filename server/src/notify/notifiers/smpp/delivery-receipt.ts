/**
 * A delivery receipt from the SMSC (deliver_sm with the "MC delivery receipt" esm_class): did
 * the message reach the handset? SMSCs send the state as TLVs (receipted_message_id,
 * message_state) and/or in the de-facto text format of SMPP 3.4 Appendix B
 * (`id:… sub:… dlvrd:… submit date:… done date:… stat:DELIVRD err:…`); both are read.
 */
export interface DeliveryReceipt {
  messageId: string;
  state: 'delivered' | 'failed' | 'pending';
  /** The SMSC's own word for it (DELIVRD, UNDELIV, EXPIRED ...), and its error code if any. */
  detail: string;
}

/** esm_class bits 2-5: 0x04 is "MC delivery receipt" (0x08 an intermediate notification). */
export function isDeliveryReceipt(esmClass: number): boolean {
  const type = esmClass & 0x3c;
  return type === 0x04 || type === 0x08;
}

const STATE_BY_TLV: Record<number, DeliveryReceipt['state']> = {
  1: 'pending', // ENROUTE
  2: 'delivered', // DELIVERED
  3: 'failed', // EXPIRED
  4: 'failed', // DELETED
  5: 'failed', // UNDELIVERABLE
  6: 'pending', // ACCEPTED (by the handset's operator, not yet delivered)
  7: 'pending', // UNKNOWN
  8: 'failed', // REJECTED
};
const TLV_NAMES = ['', 'ENROUTE', 'DELIVRD', 'EXPIRED', 'DELETED', 'UNDELIV', 'ACCEPTD', 'UNKNOWN', 'REJECTD'];

const STATE_BY_STAT: Record<string, DeliveryReceipt['state']> = {
  DELIVRD: 'delivered', EXPIRED: 'failed', DELETED: 'failed', UNDELIV: 'failed', REJECTD: 'failed',
  ACCEPTD: 'pending', ENROUTE: 'pending', UNKNOWN: 'pending',
};

/** Undefined when the PDU carries no message id to match (nothing can be recorded). */
export function parseDeliveryReceipt(fields: { receipted_message_id?: unknown; message_state?: unknown }, text: string): DeliveryReceipt | undefined {
  const textId = /(?:^|\s)id:(\S+)/i.exec(text)?.[1];
  const stat = /(?:^|\s)stat:(\w+)/i.exec(text)?.[1]?.toUpperCase();
  const err = /(?:^|\s)err:(\w+)/i.exec(text)?.[1];
  const tlvId = typeof fields.receipted_message_id === 'string' && fields.receipted_message_id ? fields.receipted_message_id : undefined;
  const messageId = tlvId ?? textId;
  if (!messageId) return undefined;
  const tlvState = typeof fields.message_state === 'number' ? fields.message_state : undefined;
  const state = (tlvState !== undefined ? STATE_BY_TLV[tlvState] : undefined) ?? (stat ? STATE_BY_STAT[stat] : undefined) ?? 'pending';
  const word = stat ?? (tlvState !== undefined ? TLV_NAMES[tlvState] : undefined) ?? 'UNKNOWN';
  return { messageId, state, detail: err && err !== '000' ? `${word} err:${err}` : word };
}
