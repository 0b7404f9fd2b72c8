/**
 * Turns a stream of button readings into press/release edges. Pure: state in, state out.
 *
 * Safety rule (bad input never crashes, and no alarm may wait: docs/architecture.md): a press after a quiet
 * button is reported at once, on the first report that shows it. Only edges that follow another
 * edge within `debounceMs` (contact bounce, a pedal's auto-repeat toggling) are held back; the
 * state they leave is reported once it has been stable for `debounceMs` (`settle`). Identical
 * repeated reports (key repeat, idle reports) are not edges at all.
 */
export interface PressState {
  /** What was last reported upstream. */
  down: boolean;
  /** What the device last said. */
  rawDown: boolean;
  /** Clock ms of the last change of `rawDown`; null before the first one. */
  lastEdgeAt: number | null;
}

export interface PressEdge {
  type: 'press' | 'release';
  at: number;
}

export interface PressStep {
  state: PressState;
  edges: PressEdge[];
  /** 'repeat': same state again; 'bounce': an edge undone within the debounce time; 'held': an edge waiting to settle. */
  note?: 'repeat' | 'bounce' | 'held';
}

export const initialPressState: PressState = { down: false, rawDown: false, lastEdgeAt: null };

export function trackPress(before: PressState, pressed: boolean, at: number, debounceMs: number): PressStep {
  const settled = settle(before, at, debounceMs);
  const state = settled.state;
  const edges = [...settled.edges];
  if (pressed === state.rawDown) return { state, edges, note: 'repeat' };
  const quiet = state.lastEdgeAt === null || at - state.lastEdgeAt >= debounceMs;
  const next: PressState = { ...state, rawDown: pressed, lastEdgeAt: at };
  if (pressed === state.down) return { state: next, edges, note: 'bounce' };
  if (!quiet) return { state: next, edges, note: 'held' };
  edges.push({ type: pressed ? 'press' : 'release', at });
  return { state: { ...next, down: pressed }, edges };
}

/** Reports a held-back edge once the device has kept its state for `debounceMs`. */
export function settle(state: PressState, at: number, debounceMs: number): { state: PressState; edges: PressEdge[] } {
  if (state.rawDown === state.down || state.lastEdgeAt === null || at - state.lastEdgeAt < debounceMs) return { state, edges: [] };
  return { state: { ...state, down: state.rawDown }, edges: [{ type: state.rawDown ? 'press' : 'release', at: state.lastEdgeAt }] };
}

/** When `settle` will have something to report, or null when nothing is held back. */
export function settleDueAt(state: PressState, debounceMs: number): number | null {
  return state.rawDown !== state.down && state.lastEdgeAt !== null ? state.lastEdgeAt + debounceMs : null;
}
