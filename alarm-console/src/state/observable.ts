// A tiny observable value with a Preact hook: the state modules stay plain classes (testable in
// Node), the views re-render when they change.
import { useEffect, useState } from 'preact/hooks';

export class Observable<T> {
  #value: T;
  #listeners = new Set<(value: T) => void>();

  constructor(value: T) {
    this.#value = value;
  }

  get value(): T {
    return this.#value;
  }

  set(value: T): void {
    this.#value = value;
    for (const fn of [...this.#listeners]) fn(value);
  }

  update(patch: Partial<T>): void {
    this.set({ ...this.#value, ...patch });
  }

  subscribe(fn: (value: T) => void): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }
}

/** Re-renders the component whenever `source` changes. */
export function useObservable<T>(source: Observable<T>): T {
  const [, setTick] = useState(0);
  useEffect(() => source.subscribe(() => setTick((n) => n + 1)), [source]);
  return source.value;
}
