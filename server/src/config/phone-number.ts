import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';

/**
 * Phone numbers as providers want them: E.164 (`+4791234567`), never as people type them
 * (`+47 912 34 567`, `912 34 567`, `0047 91234567`). Numbers without a country code are read as
 * Norwegian unless a site says otherwise. libphonenumber-js carries the numbering plans: which
 * lengths and prefixes exist where, and which are mobiles.
 */
export const DEFAULT_PHONE_REGION: CountryCode = 'NO';

export type PhoneResult = { ok: true; e164: string; mobile: boolean } | { ok: false; error: string };

export function normalisePhone(raw: string, region: CountryCode = DEFAULT_PHONE_REGION): PhoneResult {
  const text = raw.trim().replace(/^00/, '+');
  const parsed = parsePhoneNumberFromString(text, region);
  if (!parsed || !parsed.isValid()) return { ok: false, error: `"${raw}" is not a valid phone number (E.164, e.g. +4791234567)` };
  const type = parsed.getType();
  return { ok: true, e164: parsed.number, mobile: type === 'MOBILE' || type === 'FIXED_LINE_OR_MOBILE' };
}
