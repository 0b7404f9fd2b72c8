// Every visible string of the console comes from the dictionaries in public/i18n.js; this keeps
// bokmål and English complete and in step with what the page uses.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain JS module without type declarations (no build step yet)
import { DEFAULT_LANGUAGE, LANGUAGES, dictionaries } from '../public/i18n.js';

type Dict = Record<string, string>;
const dicts = dictionaries as Record<string, Dict>;
const nb = dicts.nb!;
const en = dicts.en!;

const publicDir = new URL('../public/', import.meta.url);
const read = (name: string) => readFileSync(new URL(name, publicDir), 'utf8');
const scripts = readdirSync(publicDir).filter((f) => f.endsWith('.js') && f !== 'i18n.js');

/** Keys used as literal `t('key')` / `t("key")` calls in a script. */
function keysInScript(source: string): string[] {
  return [...source.matchAll(/\bt\(\s*(['"`])([^'"`]+)\1/g)].map((m) => m[2]!);
}

/** Keys used by `data-i18n="key"` and `data-i18n-attr="attr:key,..."` in the page. */
function keysInHtml(html: string): string[] {
  const text = [...html.matchAll(/data-i18n="([^"]+)"/g)].map((m) => m[1]!);
  const attrs = [...html.matchAll(/data-i18n-attr="([^"]+)"/g)].flatMap((m) =>
    m[1]!.split(',').map((pair) => pair.split(':')[1]!.trim()),
  );
  return [...text, ...attrs];
}

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('console dictionaries', () => {
  it('offers bokmål (default) and English', () => {
    expect(LANGUAGES).toEqual(['nb', 'en']);
    expect(DEFAULT_LANGUAGE).toBe('nb');
    expect(Object.keys(dicts).sort()).toEqual(['en', 'nb']);
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

  it('console.js and its modules use no key missing from the dictionaries', () => {
    expect(scripts).toContain('console.js');
    const used = scripts.flatMap((f) => keysInScript(read(f)).map((k) => ({ f, k })));
    expect(used.length).toBeGreaterThan(20);
    const missing = used.filter(({ k }) => !(k in nb) || !(k in en)).map(({ f, k }) => `${f}: ${k}`);
    expect(missing).toEqual([]);
  });

  it('index.html uses no key missing from the dictionaries', () => {
    const used = keysInHtml(read('index.html'));
    expect(used.length).toBeGreaterThan(10);
    expect(used.filter((k) => !(k in nb))).toEqual([]);
  });

  it('has no unused keys', () => {
    const used = new Set([...scripts.flatMap((f) => keysInScript(read(f))), ...keysInHtml(read('index.html'))]);
    expect(Object.keys(nb).filter((k) => !used.has(k))).toEqual([]);
  });

  it('writes bokmål, not nynorsk, in the words the console shows most', () => {
    expect(nb['popup.respond']).toBe('Jeg kommer');
    expect(nb['popup.acknowledge']).toBe('Kvitter');
    expect(nb['popup.resolve']).toBe('Løs');
    const nynorsk = /(?<!\p{L})(eg|ikkje|kjem|heile|løys|berre|kva|korleis|frå|tryggleik\p{L}*)(?!\p{L})/iu;
    expect(Object.entries(nb).filter(([, v]) => nynorsk.test(v)).map(([k]) => k)).toEqual([]);
  });
});
