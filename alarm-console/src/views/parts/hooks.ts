// Small hooks the pages share: a ticking clock, polling, the current language.
import { useEffect, useState } from 'preact/hooks';
import { getLanguage, onLanguageChange } from '../../i18n/i18n';

/** The current time, refreshed every `intervalMs` (for "raised 1 min 05 s ago"). */
export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

export interface Loaded<T> {
  data: T | null;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

/** Loads `load()` now and every `intervalMs` (0: once); keeps the last good data on an error. */
export function usePoll<T>(load: () => Promise<T>, intervalMs: number, deps: unknown[] = []): Loaded<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [round, setRound] = useState(0);
  useEffect(() => {
    let alive = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async () => {
      try {
        const value = await load();
        if (!alive) return;
        setData(value);
        setError(null);
      } catch (err) {
        if (alive) setError(err);
      } finally {
        if (alive) {
          setLoading(false);
          if (intervalMs > 0) timer = setTimeout(run, intervalMs);
        }
      }
    };
    void run();
    return () => {
      alive = false;
      clearTimeout(timer);
    };
    // The caller's deps stand for what `load` reads (the usual useEffect contract).
  }, [...deps, round, intervalMs]);
  return { data, error, loading, reload: () => setRound((n) => n + 1) };
}

/** Re-renders on a change of language. */
export function useLanguage(): string {
  const [lang, setLang] = useState(getLanguage());
  useEffect(() => onLanguageChange(setLang), []);
  return lang;
}
