// Keeps keyboard focus inside a modal while it is open (focus-trap: Tab and Shift+Tab wrap at
// the edges, focus that escapes by any other way is pulled back). The rest of the page must be
// `inert` as well; the trap covers what inert cannot: Tab past the last control would otherwise
// leave the page for the browser's own bar and come back at the top of the page behind.
import { createFocusTrap } from 'focus-trap';
import type { RefObject } from 'preact';
import { useEffect } from 'preact/hooks';

export function useFocusTrap(container: RefObject<HTMLElement>, active: boolean): void {
  useEffect(() => {
    const el = container.current;
    if (!active || !el) return;
    const trap = createFocusTrap(el, {
      // Escape never closes an alarm pop-up: an alarm goes only when the server clears it.
      escapeDeactivates: false,
      // The pop-up moves focus itself (to "Jeg kommer" of the newest alarm).
      initialFocus: false,
      fallbackFocus: el,
      returnFocusOnDeactivate: false,
      // Nothing outside can be clicked anyway (the overlay covers the window, the rest is inert).
      allowOutsideClick: false,
    });
    trap.activate();
    return () => {
      trap.deactivate();
    };
  }, [active]);
}
