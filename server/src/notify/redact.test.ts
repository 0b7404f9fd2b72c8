import { describe, expect, it } from 'vitest';
import { REDACTED, redactHeaders, redactor } from './redact';

describe('redactor', () => {
  it('hides secrets as written, URL-encoded, base64 and JSON-escaped, and URL passwords', () => {
    const secret = 'a/b+c="d"';
    const redact = redactor([secret, '']);
    const text = [secret, encodeURIComponent(secret), Buffer.from(secret).toString('base64'), JSON.stringify(secret), 'https://bob:pw@host/x'].join(' ');
    const out = redact(text);
    expect(out).not.toContain(secret);
    expect(out).not.toContain(encodeURIComponent(secret));
    expect(out).not.toContain(Buffer.from(secret).toString('base64').replace(/=+$/, ''));
    expect(out).not.toContain('pw@');
    expect(out).toContain(`https://${REDACTED}@host/x`);
  });

  it('shows harmless headers only', () => {
    expect(redactHeaders({ Authorization: 'Bearer x', 'content-type': 'application/json' })).toEqual({ Authorization: REDACTED, 'content-type': 'application/json' });
  });
});
