// The console's discreet panic button from the keyboard: Ctrl+Alt+P (also with Shift, and
// Ctrl+Alt+P on a Mac's Control+Option). Matched on `code`, so the keyboard layout does not matter.
//
// Deliberately live while an alarm pop-up is open: someone at this desk can be threatened while a
// colleague's alarm is on screen, and must still be able to call for help without a visible move.
// It cannot misfire from the pop-up: it needs Ctrl and Alt held with P (no Tab, Enter, Space or
// Escape matches, nor a key held down), and the on-screen panic button is inert behind the pop-up.

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
