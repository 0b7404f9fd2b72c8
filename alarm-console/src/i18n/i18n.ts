// Every visible string of the console, in Norwegian bokmål (the default) and English.
// i18n.test.ts checks that both dictionaries have the same keys and placeholders, no empty
// strings, and that the source uses no key missing here and every key is used.
import type { Bilingual, Language } from '@trygg/protocol';
import { en } from './en';
import { nb } from './nb';
import type { nbSafety } from './nb-safety';

export type { Language };
export const LANGUAGES: readonly Language[] = ['nb', 'en'];
export const DEFAULT_LANGUAGE: Language = 'nb';
const STORAGE_KEY = 'trygg.console.lang';

/** Texts of the console itself (always loaded). */
export type CoreKey = keyof typeof nb;
/** Texts of the safety-work pages: they arrive with those pages' chunk (addMessages). */
export type SafetyKey = keyof typeof nbSafety;
export type MessageKey = CoreKey | SafetyKey;
export const dictionaries: Record<Language, Record<CoreKey, string>> = { nb, en };
const added: Record<Language, Partial<Record<MessageKey, string>>> = { nb: {}, en: {} };

/** Adds the texts of a lazily loaded part of the console (the safety-work pages). */
export function addMessages(more: Record<Language, Record<string, string>>): void {
  for (const lang of LANGUAGES) Object.assign(added[lang], more[lang]);
}

/** BCP 47 locales for dates, times and numbers. */
const LOCALES: Record<Language, string> = { nb: 'nb-NO', en: 'en-GB' };

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null; // storage disabled (privacy settings): the console still works, it just forgets
  }
}

function isLanguage(lang: unknown): lang is Language {
  return typeof lang === 'string' && (LANGUAGES as readonly string[]).includes(lang);
}

let current: Language = (() => {
  const stored = storage()?.getItem(STORAGE_KEY);
  return isLanguage(stored) ? stored : DEFAULT_LANGUAGE;
})();

const listeners = new Set<(lang: Language) => void>();

export function getLanguage(): Language {
  return current;
}

export function getLocale(): string {
  return LOCALES[current];
}

export function setLanguage(lang: string): void {
  if (!isLanguage(lang) || lang === current) return;
  current = lang;
  try {
    storage()?.setItem(STORAGE_KEY, lang);
  } catch {
    // quota or privacy mode: keep the choice for this page only
  }
  if (typeof document !== 'undefined') document.documentElement.lang = lang;
  for (const fn of listeners) fn(lang);
}

export function onLanguageChange(fn: (lang: Language) => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/**
 * Translates `key`, filling `{name}` placeholders from `params`. A key missing from the current
 * language falls back to bokmål, then to the key itself (the test keeps that from happening).
 */
export function t(key: MessageKey, params?: Record<string, string | number>): string {
  const text = (dictionaries[current] as Partial<Record<MessageKey, string>>)[key] ?? added[current][key]
    ?? (dictionaries[DEFAULT_LANGUAGE] as Partial<Record<MessageKey, string>>)[key] ?? added[DEFAULT_LANGUAGE][key] ?? key;
  if (!params) return text;
  return text
    .replace(PLURAL, (whole, name: string, forms: string) => pluralForm(whole, params[name], forms))
    .replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/**
 * Plurals in the ICU form translators know, `{count, plural, one {# kollega} other {# kolleger}}`
 * (`#` is the number, `=0 {…}` an exact match), chosen by Intl.PluralRules for the current language.
 */
const PLURAL = /\{(\w+), plural,((?:\s*(?:=\d+|zero|one|two|few|many|other)\s*\{[^{}]*\})+)\s*\}/g;
const pluralRules = new Map<string, Intl.PluralRules>();

function pluralForm(whole: string, value: string | number | undefined, forms: string): string {
  const n = Number(value);
  if (value === undefined || !Number.isFinite(n)) return whole;
  const options = new Map([...forms.matchAll(/(=\d+|\w+)\s*\{([^{}]*)\}/g)].map((m) => [m[1]!, m[2]!]));
  let rules = pluralRules.get(getLocale());
  if (!rules) pluralRules.set(getLocale(), (rules = new Intl.PluralRules(getLocale())));
  const form = options.get(`=${n}`) ?? options.get(rules.select(n)) ?? options.get('other') ?? whole;
  return form.replace(/#/g, n.toLocaleString(getLocale()));
}

/** Text the configuration holds in both languages (action cards): the current one, else bokmål. */
export function pick(text: Bilingual | string | undefined): string {
  if (text === undefined) return '';
  if (typeof text === 'string') return text;
  return text[current] || text.nb || text.en || '';
}

export function pickLines(lines: { nb: string[]; en: string[] } | string[] | undefined): string[] {
  if (!lines) return [];
  if (Array.isArray(lines)) return lines;
  return lines[current]?.length ? lines[current] : lines.nb ?? [];
}
