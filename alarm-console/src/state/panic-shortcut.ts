// The console's discreet panic button from the keyboard: Ctrl+Alt+P (also with Shift, and
// Ctrl+Alt+P on a Mac's Control+Option). Matched on `code`, so the keyboard layout does not matter.

export interface KeyLike {
  code: string;
  key: string;
  ctrlKey: boolean;
  altKey: boolean;
  metaKey: boolean;
  repeat?: boolean;
}

export const PANIC_SHORTCUT_LABEL = 'Ctrl+Alt+P';

export function isPanicShortcut(e: KeyLike): boolean {
  if (e.repeat) return false;
  return e.ctrlKey && e.altKey && !e.metaKey && (e.code === 'KeyP' || e.key.toLowerCase() === 'p');
}
