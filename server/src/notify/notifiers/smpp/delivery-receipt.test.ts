import { describe, expect, it } from 'vitest';
import { isDeliveryReceipt, parseDeliveryReceipt } from './delivery-receipt';

describe('delivery receipts', () => {
  it('tells a receipt from a reply by esm_class', () => {
    expect(isDeliveryReceipt(0x04)).toBe(true);
    expect(isDeliveryReceipt(0x08)).toBe(true);
    expect(isDeliveryReceipt(0x00)).toBe(false);
    expect(isDeliveryReceipt(0x40)).toBe(false);
  });

  it('reads the SMPP 3.4 Appendix B text when there are no TLVs', () => {
    expect(parseDeliveryReceipt({}, 'id:7b3f sub:001 dlvrd:001 submit date:2612030915 done date:2612030916 stat:DELIVRD err:000 text:Alarm'))
      .toEqual({ messageId: '7b3f', state: 'delivered', detail: 'DELIVRD' });
    expect(parseDeliveryReceipt({}, 'id:9 sub:001 dlvrd:000 submit date:2612030915 done date:2612040915 stat:EXPIRED err:027 text:'))
      .toEqual({ messageId: '9', state: 'failed', detail: 'EXPIRED err:027' });
  });

  it('prefers the TLVs (receipted_message_id, message_state) over the text', () => {
    expect(parseDeliveryReceipt({ receipted_message_id: 'abc', message_state: 5 }, 'id:other stat:DELIVRD'))
      .toEqual({ messageId: 'abc', state: 'failed', detail: 'DELIVRD' });
    expect(parseDeliveryReceipt({ receipted_message_id: 'abc', message_state: 2 }, '')).toEqual({ messageId: 'abc', state: 'delivered', detail: 'DELIVRD' });
  });

  it('gives nothing for a receipt without a message id, and pending for words it does not know', () => {
    expect(parseDeliveryReceipt({}, 'stat:DELIVRD')).toBeUndefined();
    expect(parseDeliveryReceipt({}, 'id:1 stat:WHATEVER')).toMatchObject({ state: 'pending' });
  });
});
