/**
 * Keeps secrets (API keys, tokens, HMAC keys, passwords in URLs) out of error texts and logs.
 * Notifiers pass everything they report through a redactor built from their configured secrets;
 * the shared conformance suite (notifier-conformance.ts) checks that nothing leaks into errors or logs.
 */
export const REDACTED = '[redacted]';

export type Redact = (text: string) => string;

/** Replaces each secret as written, URL-encoded and base64-encoded, and any `user:password@` in URLs. */
export function redactor(secrets: Iterable<string>): Redact {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (!secret) continue;
    forms.add(secret);
    forms.add(encodeURIComponent(secret));
    forms.add(Buffer.from(secret).toString('base64').replace(/=+$/, ''));
    forms.add(JSON.stringify(secret).slice(1, -1));
  }
  const ordered = [...forms].filter((f) => f.length > 0).sort((a, b) => b.length - a.length);
  return (text) => {
    let out = String(text).replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s@]*@/gi, `$1${REDACTED}@`);
    for (const form of ordered) out = out.split(form).join(REDACTED);
    return out;
  };
}

/** Headers with their values hidden, except harmless ones; for debug logs. */
export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  const shown = new Set(['content-type', 'accept', 'user-agent', 'idempotency-key', 'x-trygg-delivery', 'x-trygg-timestamp']);
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, shown.has(k.toLowerCase()) ? v : REDACTED]));
}
