import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { GATEWAY_ERROR_CODES } from '@trygg/gateway';
import { describe, expect, it } from 'vitest';
import { errorCatalogue, TryggError, type ErrorCode } from './errors';

/** Keeps docs/errors.md and both error catalogues in step (like fastify's test/internals/errors.test.js). */
const doc = readFileSync(fileURLToPath(new URL('../../docs/errors.md', import.meta.url)), 'utf8');

const serverCodes = Object.keys(errorCatalogue) as ErrorCode[];
const gatewayCodes = Object.keys(GATEWAY_ERROR_CODES);

/** The text of a `## Title` section, up to the next `## ` heading. */
function section(title: string): string {
  const start = doc.indexOf(`\n## ${title}\n`);
  if (start === -1) throw new Error(`docs/errors.md has no "## ${title}" section`);
  const end = doc.indexOf('\n## ', start + 1);
  return doc.slice(start, end === -1 ? undefined : end);
}

/** Codes that have their own `### CODE` heading in a piece of the page. */
function documented(text: string): string[] {
  return [...text.matchAll(/^### (TRYGG_[A-Z0-9_]+)\s*$/gm)].map((m) => m[1]!);
}

/** The body under `### code`, up to the next heading. */
function entry(code: string): string {
  const match = new RegExp(`^### ${code}\\s*\\n([\\s\\S]*?)(?=^#{2,3} |(?![\\s\\S]))`, 'm').exec(doc);
  return match?.[1] ?? '';
}

describe('docs/errors.md', () => {
  it('documents every server code in the Server section', () => {
    const missing = serverCodes.filter((code) => !documented(section('Server')).includes(code));
    expect(missing, 'server codes missing from docs/errors.md').toEqual([]);
  });

  it('documents every gateway code in the Gateway section', () => {
    const missing = gatewayCodes.filter((code) => !documented(section('Gateway')).includes(code));
    expect(missing, 'gateway codes missing from docs/errors.md').toEqual([]);
  });

  it('lists no code that does not exist, and each code once', () => {
    const known = new Set<string>([...serverCodes, ...gatewayCodes]);
    const headings = documented(doc);
    expect(headings.filter((code) => !known.has(code)), 'documented codes that no catalogue has').toEqual([]);
    expect(headings.filter((code, i) => headings.indexOf(code) !== i), 'codes documented twice').toEqual([]);
    // Mentions in prose must be real codes too (environment variables like TRYGG_CONFIG are not codes).
    const mentioned = [...doc.matchAll(/\bTRYGG_(?:SRV|GW)_[A-Z0-9_]+\b/g)].map((m) => m[0]);
    expect([...new Set(mentioned)].filter((code) => !known.has(code)), 'unknown codes mentioned').toEqual([]);
  });

  it('gives each server code the HTTP status of the catalogue', () => {
    const wrong = serverCodes
      .map((code) => ({ code, doc: /^HTTP (\d{3})\b/m.exec(entry(code))?.[1], catalogue: String(errorCatalogue[code].status) }))
      .filter((e) => e.doc !== e.catalogue);
    expect(wrong).toEqual([]);
  });

  it('says for each code what it means and what an operator should do', () => {
    const thin = [...serverCodes, ...gatewayCodes].filter((code) => {
      const body = entry(code);
      return !/\*\*Meaning\.\*\* \S/.test(body) || !/\*\*What to do\.\*\* \S/.test(body);
    });
    expect(thin).toEqual([]);
  });
});

describe('error catalogues', () => {
  it('use the TRYGG_SRV_ and TRYGG_GW_ prefixes and share no code', () => {
    expect(serverCodes.filter((c) => !/^TRYGG_SRV_[A-Z0-9_]+$/.test(c))).toEqual([]);
    expect(gatewayCodes.filter((c) => !/^TRYGG_GW_[A-Z0-9_]+$/.test(c))).toEqual([]);
  });

  it('give every server code an HTTP error status and a message', () => {
    for (const code of serverCodes) {
      const { status, message } = errorCatalogue[code];
      expect(status, code).toBeGreaterThanOrEqual(400);
      expect(status, code).toBeLessThan(600);
      expect(message.length, code).toBeGreaterThan(0);
    }
  });

  it('fill the message placeholders and keep the cause', () => {
    const cause = new Error('EADDRINUSE');
    const err = new TryggError('TRYGG_SRV_PORT_IN_USE', [8080, 'PORT'], { cause });
    expect(err.message).toBe('port 8080 is already in use; set PORT to a free port');
    expect(err.code).toBe('TRYGG_SRV_PORT_IN_USE');
    expect(err.statusCode).toBe(500);
    expect(err.cause).toBe(cause);
    expect(new TryggError('TRYGG_SRV_NOT_FOUND', ['alarm a1']).statusCode).toBe(404);
  });
});
