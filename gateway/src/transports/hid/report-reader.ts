import type { ButtonReading, ConverterOptions, HidConverter } from './hid-converter';
import { trackPress, type PressEdge, type PressState } from './press-tracker';

/** What became of one input report. */
export type ReportOutcome = 'edge' | 'repeat' | 'bounce' | 'held' | 'no-information' | 'rejected';

export interface ReportResult {
  state: PressState;
  edges: PressEdge[];
  outcome: ReportOutcome;
  /** Why the report was rejected. */
  error?: string;
  /** Keys held that are not the configured one. */
  otherKeys?: number[];
}

/**
 * One input report through its model's converter and the press tracker. Pure; the transport
 * and the fixture tests both go through here, so the fixtures test what runs.
 */
export function readReport(converter: HidConverter, options: ConverterOptions, state: PressState, report: Uint8Array, at: number): ReportResult {
  let reading: ButtonReading;
  try {
    reading = converter.convert(report, options);
  } catch (err) {
    // A converter bug must not take the transport down; the report counts as rejected.
    reading = { ok: false, error: `converter ${converter.model} failed: ${err instanceof Error ? err.message : String(err)}` };
  }
  if (!reading.ok) return { state, edges: [], outcome: 'rejected', error: reading.error };
  if (reading.pressed === null) return { state, edges: [], outcome: 'no-information' };
  const step = trackPress(state, reading.pressed, at, converter.debounceMs);
  return {
    state: step.state,
    edges: step.edges,
    // The report's own effect; `edges` may also hold an earlier edge this report settled.
    outcome: step.note ?? 'edge',
    ...(reading.otherKeys && { otherKeys: reading.otherKeys }),
  };
}
