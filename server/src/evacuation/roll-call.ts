import type { ProviderReply } from '../notify/provider-reply';
import type { Answer, EvacuationDelivery, EvacuationPerson, RollCallCounts, RollCallState } from './evacuation-types';

/**
 * Roll call, pure: what a reply means, whose phone it came from, and where each person stands.
 * A wrong "safe" could leave someone in a burning building, so every rule errs towards
 * "not answered": only unmistakable replies count, and an ambiguous phone number marks no one.
 */

/**
 * SMS: "TRYGG OK ..." or a bare "OK"/"TRYGG" is safe; "HJELP"/"HELP" (optionally after TRYGG)
 * asks for help. Voice: keypress 1 safe, 2 help (the prompt in compose-text.ts). Anything else
 * — "TRYGG IKKE OK", "okay?" — is no answer.
 */
export function parseReply(reply: Pick<ProviderReply, 'text' | 'keypress'>): Answer | undefined {
  if (reply.keypress !== undefined) {
    const key = reply.keypress.trim();
    return key === '1' ? 'safe' : key === '2' ? 'needs-help' : undefined;
  }
  const text = reply.text ?? '';
  if (/^\s*(?:TRYGG\s+)?(?:HJELP|HELP)\b/i.test(text)) return 'needs-help';
  if (/^\s*TRYGG\s+OK(?![\p{L}\p{N}])/iu.test(text)) return 'safe';
  if (/^\s*(?:OK|TRYGG)[\s.!]*$/i.test(text)) return 'safe';
  return undefined;
}

/** Digits only, without an international `00` prefix. */
export function phoneDigits(phone: string): string {
  return phone.replace(/\D/g, '').replace(/^00/, '');
}

/** Same number, also with and without the country code (+47 900 00 001 = 90000001); at least 8 digits must agree. */
export function samePhone(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return false;
  const x = phoneDigits(a);
  const y = phoneDigits(b);
  if (x.length === 0 || y.length === 0) return false;
  if (x === y) return true;
  const [short, long] = x.length < y.length ? [x, y] : [y, x];
  return short.length >= 8 && long.endsWith(short);
}

/**
 * `unreached`: no console of theirs showed the banner and every message to them failed for good
 * (or there was nothing to send: no phone, no e-mail, no console). A pending message still counts
 * as reaching them: it is being retried.
 */
export function rollCallState(person: Pick<EvacuationPerson, 'answer'>, deliveries: Pick<EvacuationDelivery, 'state'>[]): RollCallState {
  return standingState(person.answer, deliveries.filter((d) => d.state !== 'failed').length);
}

/** The same rule from the answer and the number of channels that have not failed. */
export function standingState(answer: Answer | undefined, liveChannels: number): RollCallState {
  if (answer === 'safe') return 'safe';
  if (answer === 'needs-help') return 'needs-help';
  return liveChannels === 0 ? 'unreached' : 'unanswered';
}

export function countRollCall(states: RollCallState[]): RollCallCounts {
  const counts: RollCallCounts = { total: states.length, safe: 0, needsHelp: 0, unanswered: 0, unreached: 0 };
  for (const s of states) {
    if (s === 'safe') counts.safe++;
    else if (s === 'needs-help') counts.needsHelp++;
    else if (s === 'unanswered') counts.unanswered++;
    else counts.unreached++;
  }
  return counts;
}

/** The roll-call leader's order: help first, then the unreached, the unanswered, and the safe. */
export const ROLL_CALL_ORDER: Record<RollCallState, number> = { 'needs-help': 0, unreached: 1, unanswered: 2, safe: 3 };
