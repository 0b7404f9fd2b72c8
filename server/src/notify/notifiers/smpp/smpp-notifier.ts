import type { Clock } from '@trygg/protocol';
import type { Logger } from 'pino';
import { smpp } from './smpp-lib';
import type { PDU } from 'smpp';
import { normalisePhone } from '../../../config/phone-number';
import { composeSms, type Language } from '../../compose-text';
import type { Notification, Notifier, SendResult } from '../../notifier';
import type { ProviderReply, ReplyListener } from '../../provider-reply';
import { redactor } from '../../redact';
import { isDeliveryReceipt, parseDeliveryReceipt, type DeliveryReceipt } from './delivery-receipt';
import { decodeSms, encodeSms } from './sms-encoding';
import { SmppLink } from './smpp-link';

/**
 * SMS over SMPP 3.4, straight to an operator's SMSC (channel `sms`, provider `smpp`): the text
 * in GSM 03.38 or UCS-2, split with a UDH when long, the SMSC's message ids kept as provider
 * references, its delivery receipts and people's replies (roll call) handed to listeners.
 *
 * SMPP has no idempotency key. The notification id travels in a vendor-specific optional
 * parameter (tag 0x1501) that SMSCs ignore and our test SMSC reads; a retry after a lost
 * submit_sm_resp can therefore reach a phone twice, which for an alarm is the lesser evil.
 */
export interface SmppSettings {
  host: string;
  port?: number;
  systemId: string;
  /** The bind password; `${secret:NAME}` reads TRYGG_SECRET_NAME. */
  password: string;
  systemType?: string;
  /** Sender shown on the phone: a number (E.164) or up to 11 letters. */
  sender: string;
  enquireLinkMs?: number;
  responseTimeoutMs?: number;
  window?: number;
  /** Text language for recipients without one; default nb. */
  language?: Language;
}

export type DeliveryReportListener = (report: DeliveryReceipt & { channel: string; at: number }) => void;

/** Vendor-specific TLV (SMPP 3.4 §5.3.2: 0x1400-0x3FFF) carrying Trygg's notification id. */
export const NOTIFICATION_ID_TLV = 0x1501;
/** Accepted notification ids remembered for joining late retries (a few hours of a busy office). */
const ACCEPTED_KEPT = 10_000;
const NEVER = new AbortController().signal;
export const NOTIFICATION_ID_TLV_NAME = 'trygg_notification_id';
smpp.addTLV(NOTIFICATION_ID_TLV_NAME, { id: NOTIFICATION_ID_TLV, type: smpp.types.tlv.cstring });

export class SmppNotifier implements Notifier {
  readonly channel = 'sms';
  private readonly link: SmppLink;
  private readonly replies = new Set<ReplyListener>();
  private readonly reports = new Set<DeliveryReportListener>();
  private readonly redact: (text: string) => string;
  private readonly inFlight = new Map<string, Promise<SendResult>>();
  private readonly accepted = new Map<string, Promise<SendResult>>();
  private reference = Math.floor(Math.random() * 256);
  private readonly sourceAddress: { source_addr: string; source_addr_ton: number; source_addr_npi: number };

  constructor(
    private readonly settings: SmppSettings & { name: string },
    private readonly deps: { logger: Logger; clock: Clock },
  ) {
    this.redact = redactor([settings.password]);
    this.sourceAddress = senderAddress(settings.sender);
    this.link = new SmppLink({
      host: settings.host, port: settings.port ?? 2775, systemId: settings.systemId, password: settings.password,
      systemType: settings.systemType, enquireLinkMs: settings.enquireLinkMs, responseTimeoutMs: settings.responseTimeoutMs,
      window: settings.window, clock: deps.clock, logger: deps.logger, label: settings.name,
    });
    this.link.on('deliver', (pdu) => this.onDeliver(pdu));
  }

  /** Binds and stays bound (replies and receipts arrive at any time); sends bind on their own too. */
  start(): void {
    this.link.start();
  }

  isBound(): boolean {
    return this.link.isBound();
  }

  onReply(listener: ReplyListener): () => void {
    this.replies.add(listener);
    return () => this.replies.delete(listener);
  }

  onDeliveryReport(listener: DeliveryReportListener): () => void {
    this.reports.add(listener);
    return () => this.reports.delete(listener);
  }

  /**
   * A retry of a notification whose earlier attempt is still submitting joins that attempt, and
   * one whose earlier attempt was accepted after the pipeline stopped waiting gets that answer:
   * SMPP cannot tell the SMSC "same message again", so the repeat must never reach it.
   */
  async send(n: Notification, signal: AbortSignal): Promise<SendResult> {
    const earlier = this.accepted.get(n.id) ?? this.inFlight.get(n.id);
    const attempt = earlier ?? this.submit(n, signal);
    if (!earlier) {
      this.inFlight.set(n.id, attempt);
      void attempt.then((result) => {
        this.inFlight.delete(n.id);
        if (result.ok) this.remember(n.id, attempt);
      });
    }
    if (signal.aborted) return { ok: false, recoverable: true, error: `sms via SMPP "${this.settings.name}": aborted before the SMSC answered` };
    return Promise.race([attempt, new Promise<SendResult>((resolve) => signal.addEventListener('abort', () => resolve({
      ok: false, recoverable: true, error: `sms via SMPP "${this.settings.name}": no answer from the SMSC in time (still submitting; a retry joins it)`,
    }), { once: true }))]);
  }

  private remember(id: string, result: Promise<SendResult>): void {
    this.accepted.set(id, result);
    if (this.accepted.size > ACCEPTED_KEPT) this.accepted.delete(this.accepted.keys().next().value!);
  }

  private async submit(n: Notification, signal: AbortSignal): Promise<SendResult> {
    const label = `sms via SMPP "${this.settings.name}"`;
    try {
      if (signal.aborted) return { ok: false, recoverable: true, error: `${label}: aborted before sending` };
      const phone = n.recipient.phone?.trim();
      if (!phone) return { ok: false, recoverable: false, error: `${label}: recipient ${n.recipient.id} has no phone number` };
      const number = normalisePhone(phone);
      if (!number.ok) return { ok: false, recoverable: false, error: `${label}: ${number.error}` };
      this.link.start();
      const language: Language = n.recipient.language ?? this.settings.language ?? 'nb';
      const encoded = encodeSms(composeSms(n.subject, n.purpose, language), this.reference++);
      const ids: string[] = [];
      for (const part of encoded.parts) {
        // Once the first part is out, the rest follow whatever the pipeline's timeout says.
        const answer = await this.link.submit({
          ...this.sourceAddress,
          dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: number.e164.slice(1),
          esm_class: encoded.udh ? 0x40 : 0x00,
          data_coding: encoded.dataCoding,
          registered_delivery: 0x01,
          short_message: part,
          [NOTIFICATION_ID_TLV_NAME]: n.id,
        }, ids.length === 0 ? signal : NEVER);
        if (!answer.ok) return { ok: false, recoverable: answer.recoverable, error: this.redact(`${label}: ${answer.error}`) };
        ids.push(answer.messageId);
      }
      this.deps.logger.debug({ notificationId: n.id, parts: ids.length, encoding: encoded.encoding }, 'sms submitted over SMPP');
      return { ok: true, providerRef: ids[0], providerRefs: ids, detail: `${ids.length} part${ids.length === 1 ? '' : 's'}, ${encoded.encoding}` };
    } catch (err) {
      return { ok: false, recoverable: true, error: this.redact(`${label}: ${(err as Error).message}`) };
    }
  }

  async close(): Promise<void> {
    await this.link.stop();
  }

  private onDeliver(pdu: PDU): void {
    const esmClass = Number(pdu.esm_class ?? 0);
    const raw = pdu.short_message as { message?: unknown } | Buffer | string | undefined;
    const text = readText(raw, Number(pdu.data_coding ?? 0), pdu.message_payload);
    const at = this.deps.clock.now();
    if (isDeliveryReceipt(esmClass)) {
      const receipt = parseDeliveryReceipt({ receipted_message_id: pdu.receipted_message_id, message_state: pdu.message_state }, text);
      if (!receipt) {
        this.deps.logger.warn({ notifier: this.settings.name }, 'delivery receipt without a message id ignored');
        return;
      }
      for (const l of this.reports) this.call(() => l({ ...receipt, channel: this.channel, at }));
      return;
    }
    const from = typeof pdu.source_addr === 'string' ? fromAddress(pdu.source_addr, Number(pdu.source_addr_ton ?? 0)) : '';
    const reply: ProviderReply = { channel: this.channel, from, text, at };
    this.deps.logger.info({ notifier: this.settings.name }, 'sms reply received over SMPP');
    for (const l of this.replies) this.call(() => l(reply));
  }

  private call(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.deps.logger.error({ err, notifier: this.settings.name }, 'SMPP listener failed');
    }
  }
}

function senderAddress(sender: string) {
  const number = /^\+?\d{3,15}$/.test(sender) ? sender.replace(/^\+/, '') : undefined;
  return number
    ? { source_addr: number, source_addr_ton: sender.startsWith('+') ? 1 : 0, source_addr_npi: 1 }
    : { source_addr: sender.slice(0, 11), source_addr_ton: 5, source_addr_npi: 0 };
}

/** SMPP carries international numbers without the plus (ton 1); E.164 puts it back. */
function fromAddress(address: string, ton: number): string {
  if (address.startsWith('+')) return address;
  if (ton === 1) return `+${address}`;
  const local = normalisePhone(address);
  return local.ok ? local.e164 : address;
}

function readText(raw: unknown, dataCoding: number, payload: unknown): string {
  const value = (raw && typeof raw === 'object' && !Buffer.isBuffer(raw) ? (raw as { message?: unknown }).message : raw) ?? payload;
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return decodeSms(value, dataCoding);
  return '';
}
