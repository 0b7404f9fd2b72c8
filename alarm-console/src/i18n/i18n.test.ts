// Every visible string of the console comes from the dictionaries in i18n/nb.ts and i18n/en.ts;
// this keeps bokmål and English complete and in step with what the source uses.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { enSafety } from './en-safety';
import { DEFAULT_LANGUAGE, LANGUAGES, dictionaries, pick, pickLines, setLanguage, t } from './i18n';
import { nbSafety } from './nb-safety';

type Dict = Record<string, string>;
const core = dictionaries as unknown as Record<string, Dict>;
// The safety-work pages' texts load with those pages (nb-safety.ts, en-safety.ts); checked together.
const dicts: Record<string, Dict> = { nb: { ...core.nb!, ...nbSafety }, en: { ...core.en!, ...enSafety } };
const nb = dicts.nb!;
const en = dicts.en!;

const srcDir = fileURLToPath(new URL('..', import.meta.url));
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'i18n' ? [] : sources(path);
    return /\.tsx?$/.test(name) && !name.endsWith('.test.ts') ? [path] : [];
  });
}
const files = sources(srcDir);

/** Keys used as literal `t('key')` calls. */
function keysIn(source: string): string[] {
  return [...source.matchAll(/\bt\(\s*(['"`])([^'"`$]+)\1/g)].map((m) => m[2]!);
}
const used = files.flatMap((f) => keysIn(readFileSync(f, 'utf8')).map((k) => ({ f: f.slice(srcDir.length), k })));
const placeholders = (s: string) => [...s.matchAll(/\{(\w+)(?:\}|, plural,)/g)].map((m) => m[1]).sort();

describe('console dictionaries', () => {
  it('offers bokmål (default) and English', () => {
    expect(LANGUAGES).toEqual(['nb', 'en']);
    expect(DEFAULT_LANGUAGE).toBe('nb');
    expect(Object.keys(core).sort()).toEqual(['en', 'nb']);
  });

  it('the console outside the safety-work pages uses only the texts that are always loaded', () => {
    const safetyDir = join(srcDir, 'views', 'safety');
    const outside = used.filter(({ f }) => !join(srcDir, f).startsWith(safetyDir));
    expect(outside.filter(({ k }) => !(k in core.nb!)).map(({ f, k }) => `${f}: ${k}`)).toEqual([]);
    expect(Object.keys(nbSafety).filter((k) => k in core.nb!)).toEqual([]);
    expect(Object.keys(enSafety).sort()).toEqual(Object.keys(nbSafety).sort());
  });

  it('nb and en have exactly the same keys', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(nb).sort());
  });

  it('has no empty strings', () => {
    for (const [lang, dict] of Object.entries(dicts)) {
      const empty = Object.entries(dict).filter(([, v]) => typeof v !== 'string' || v.trim() === '');
      expect(empty.map(([k]) => `${lang}:${k}`)).toEqual([]);
    }
  });

  it('uses the same placeholders in both languages', () => {
    const differing = Object.keys(nb).filter((k) => placeholders(nb[k]!).join() !== placeholders(en[k] ?? '').join());
    expect(differing).toEqual([]);
  });

  it('the source uses no key missing from the dictionaries', () => {
    expect(files.some((f) => f.endsWith('app.tsx'))).toBe(true);
    expect(used.length).toBeGreaterThan(300);
    const missing = used.filter(({ k }) => !(k in nb) || !(k in en)).map(({ f, k }) => `${f}: ${k}`);
    expect(missing).toEqual([]);
  });

  it('has no unused keys', () => {
    const keys = new Set(used.map((u) => u.k));
    expect(Object.keys(nb).filter((k) => !keys.has(k))).toEqual([]);
  });

  it('views show no hard-coded words: text between tags is only punctuation or an expression', () => {
    const offenders: string[] = [];
    for (const f of files.filter((x) => x.endsWith('.tsx'))) {
      const source = readFileSync(f, 'utf8');
      for (const m of source.matchAll(/>([^<>{}]*\p{L}{2,}[^<>{}]*)</gu)) {
        const text = m[1]!.trim();
        // `=>` arrows and generics are code, not text
        if (!text || /=>|\)\s*$|^[\w.]+\s*[=:]/.test(text) || /[;()]/.test(text)) continue;
        offenders.push(`${f.slice(srcDir.length)}: ${text}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('writes bokmål, not nynorsk, in the words the console shows most', () => {
    expect(nb['popup.respond']).toBe('Jeg kommer');
    expect(nb['popup.acknowledge']).toBe('Kvitter');
    expect(nb['popup.resolve']).toBe('Løs');
    const nynorsk = /(?<!\p{L})(eg|ikkje|kjem|heile|løys|berre|kva|korleis|frå|tryggleik\p{L}*)(?!\p{L})/iu;
    expect(Object.entries(nb).filter(([, v]) => nynorsk.test(v)).map(([k]) => k)).toEqual([]);
  });

  it('fills placeholders, and picks the configured bilingual texts in the current language', () => {
    setLanguage('en');
    expect(t('overlay.count', { count: 2 })).toBe('Open alarms: 2');
    expect(pick({ nb: 'Ring 112', en: 'Call 112' })).toBe('Call 112');
    expect(pickLines({ nb: ['a'], en: [] })).toEqual(['a']); // falls back to bokmål
    setLanguage('nb');
    expect(t('overlay.count', { count: 2 })).toBe('Åpne alarmer: 2');
    expect(pick({ nb: 'Ring 112', en: 'Call 112' })).toBe('Ring 112');
    expect(pick('plain')).toBe('plain');
  });

  it('chooses plural forms by the language\'s rules (1 kollega, 2 kolleger; 1 colleague, 2 colleagues)', () => {
    setLanguage('nb');
    expect(t('armed.coverage', { count: 1 })).toBe('Alarmer fra ditt område når nå 1 kollega som er pålogget.');
    expect(t('armed.coverage', { count: 2 })).toBe('Alarmer fra ditt område når nå 2 kolleger som er pålogget.');
    expect(t('account.changed', { count: 1 })).toBe('Passordet er byttet. 1 annen innlogging er avsluttet.');
    setLanguage('en');
    expect(t('armed.coverage', { count: 1 })).toBe('Alarms from your area now reach 1 colleague who is logged in.');
    expect(t('coverage.banner', { count: 1 })).toBe('Alarms from 1 room reach nobody right now.');
    expect(t('coverage.banner', { count: 3 })).toBe('Alarms from 3 rooms reach nobody right now.');
    setLanguage('nb');
  });

  it('writes every plural in the ICU form with an `other` case', () => {
    const plurals = Object.entries(dicts).flatMap(([lang, d]) => Object.entries(d).filter(([, v]) => v.includes(', plural,')).map(([k, v]) => ({ lang, k, v })));
    expect(plurals.length).toBeGreaterThan(4);
    for (const { lang, k, v } of plurals) expect(`${lang}:${k}:${/\{\w+, plural,[^]*\bother\s*\{[^{}]*\}\s*\}/.test(v)}`).toBe(`${lang}:${k}:true`);
  });
});
