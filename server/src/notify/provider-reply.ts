/**
 * A reply from a recipient to an SMS or voice call (an SMS "TRYGG OK", a keypress "1" in a call),
 * as delivered by a provider. The fake provider produces them today; an HTTP provider's inbound
 * callback route will produce the same shape. Evacuation roll call consumes them.
 */
export interface ProviderReply {
  channel: string;
  /** The notification replied to, when the provider can tell. */
  notificationId?: string;
  providerRef?: string;
  /** The replying phone number. */
  from: string;
  /** SMS text. */
  text?: string;
  /** Voice keypress (DTMF). */
  keypress?: string;
  /** Epoch ms. */
  at: number;
}

export type ReplyListener = (reply: ProviderReply) => void;
