import { readFileSync } from 'node:fs';
import { hexToReport } from '@trygg/protocol';
import type { HidDeviceInfo } from './hid-backend';
import type { ConverterOptions, HidConverter } from './hid-converter';
import { initialPressState, settle } from './press-tracker';
import { readReport, type ReportOutcome } from './report-reader';

/**
 * Report streams per model, as JSON under gateway/src/converters/fixtures/<model>.json: each
 * report with the ms since the stream began (`t`) and its bytes in hex. Shared by the converter
 * tests and the transport tests (the fake backend replays them). Test support only.
 */
export interface HidFixture {
  model: string;
  /** Where the bytes come from: a capture, or (so far) constructed from the documented format. */
  provenance: string;
  device: Omit<HidDeviceInfo, 'path'>;
  options: Partial<ConverterOptions>;
  streams: Record<string, HidStream>;
}

export interface HidStream {
  description: string;
  reports: RecordedReport[];
  expect: { edges: string[]; counts: Partial<Record<ReportOutcome, number>>; otherKeys?: number[] };
}

export interface RecordedReport {
  t: number;
  hex: string;
}

export function loadHidFixture(model: string): HidFixture {
  const url = new URL(`../../converters/fixtures/${model}.json`, import.meta.url);
  const fixture = JSON.parse(readFileSync(url, 'utf8')) as HidFixture;
  for (const [name, stream] of Object.entries(fixture.streams)) {
    for (const r of stream.reports) {
      if (hexToReport(r.hex) === null) throw new Error(`${model} fixture ${name}: "${r.hex}" is not hex`);
    }
  }
  return fixture;
}

export function reportBytes(report: RecordedReport): Uint8Array {
  return hexToReport(report.hex)!;
}

/** Replays a stream through a converter as the transport would; edges as `press@<t>`. */
export function replayStream(converter: HidConverter, options: ConverterOptions, reports: readonly RecordedReport[]) {
  let state = initialPressState;
  const edges: string[] = [];
  const counts: Partial<Record<ReportOutcome, number>> = {};
  const otherKeys = new Set<number>();
  for (const report of reports) {
    const result = readReport(converter, options, state, reportBytes(report), report.t);
    state = result.state;
    edges.push(...result.edges.map((e) => `${e.type}@${e.at}`));
    if (result.outcome !== 'edge') counts[result.outcome] = (counts[result.outcome] ?? 0) + 1;
    for (const k of result.otherKeys ?? []) otherKeys.add(k);
  }
  // The end of the stream is a long quiet time: whatever was held back has settled.
  edges.push(...settle(state, Number.POSITIVE_INFINITY, converter.debounceMs).edges.map((e) => `${e.type}@${e.at}`));
  return { edges, counts, otherKeys: [...otherKeys] };
}
