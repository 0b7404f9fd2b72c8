import type { Measure, RegisterEdit } from './risk-db';
import { REPORT_EVENTS, RED_LIST_CITATION, type Citation, type Consequence, type EventGroup, type Likelihood, type Text } from './report-catalogue';
import { OBSERVED_BINS, observedLikelihood, RISK_RULE, riskLevel, type RiskLevel, type RiskRule } from './risk-rule';

/** How many incidents of each register event a site had in a period (the incidents feature answers). */
export interface IncidentCounts {
  /** eventId -> count, and the reports whose category maps to no register event. */
  countByEvent(siteId: string, fromMs: number, toMs: number): { byEvent: Map<string, number>; unmapped: number };
}

export const OBSERVATION_WINDOW_DAYS = 365;
const DAY_MS = 86_400_000;

export interface RegisterEventView {
  id: string;
  group: EventGroup;
  name: Text;
  likelihood: Likelihood;
  consequence: Consequence;
  level: RiskLevel;
  /** `report`: the report's values; `site`: edited for this site (the report's stay in `report`). */
  source: 'report' | 'site';
  report: { likelihood: Likelihood; consequence: Consequence; level: RiskLevel; word: string; citation: Citation };
  edit?: { note?: string; updatedBy: string; updatedAt: string };
  observed: { count12m: number; likelihood: Likelihood; level: RiskLevel; differs: boolean };
  measures: MeasureView[];
  /** Red in the register and no measure that is not rejected: the report says red "krev tiltak". */
  needsMeasures: boolean;
}

export type MeasureView = Omit<Measure, 'createdAt' | 'updatedAt'> & { createdAt: string; updatedAt: string };

export const measureView = (m: Measure): MeasureView => ({ ...m, createdAt: new Date(m.createdAt).toISOString(), updatedAt: new Date(m.updatedAt).toISOString() });

export interface RegisterView {
  siteId: string;
  asOf: string;
  rule: RiskRule & { redListCitation: Citation; observed: { windowDays: number; bins: typeof OBSERVED_BINS; description: Text } };
  events: RegisterEventView[];
  observedUnmapped12m: number;
}

/** The site's register: the report's catalogue with the site's edits, observed likelihood and measures. */
export function buildRegister(siteId: string, now: number, edits: Map<string, RegisterEdit>, measures: Measure[], counts: IncidentCounts): RegisterView {
  const { byEvent, unmapped } = counts.countByEvent(siteId, now - OBSERVATION_WINDOW_DAYS * DAY_MS, now);
  const events = REPORT_EVENTS.map((e): RegisterEventView => {
    const edit = edits.get(e.id);
    const likelihood = edit?.likelihood ?? e.likelihood;
    const consequence = edit?.consequence ?? e.consequence;
    const level = riskLevel(likelihood, consequence);
    const count12m = byEvent.get(e.id) ?? 0;
    const observed = observedLikelihood(count12m);
    const attached = measures.filter((m) => m.eventIds.includes(e.id));
    return {
      id: e.id, group: e.group, name: e.name, likelihood, consequence, level,
      source: edit ? 'site' : 'report',
      report: { likelihood: e.likelihood, consequence: e.consequence, level: riskLevel(e.likelihood, e.consequence), word: e.reportWord, citation: e.citation },
      ...(edit ? { edit: { ...(edit.note !== undefined ? { note: edit.note } : {}), updatedBy: edit.updatedBy, updatedAt: new Date(edit.updatedAt).toISOString() } } : {}),
      observed: { count12m, likelihood: observed, level: riskLevel(observed, consequence), differs: observed !== likelihood },
      measures: attached.map(measureView),
      needsMeasures: level === 'red' && !attached.some((m) => m.status !== 'rejected'),
    };
  });
  return {
    siteId,
    asOf: new Date(now).toISOString(),
    rule: {
      ...RISK_RULE,
      redListCitation: RED_LIST_CITATION,
      observed: {
        windowDays: OBSERVATION_WINDOW_DAYS,
        bins: OBSERVED_BINS,
        description: {
          nn: 'Observert sannsyn: tal avviksmeldingar dei siste 12 månadene. 0 → 1 (sjeldnare), 1–9 → 2 (årleg), 10–39 → 3 (månadleg), 40–199 → 4 (vekentleg), 200 eller fleire → 5 (dagleg).',
          en: 'Observed likelihood: incident reports in the last 12 months. 0 → 1 (rarer), 1–9 → 2 (yearly), 10–39 → 3 (monthly), 40–199 → 4 (weekly), 200 or more → 5 (daily).',
        },
      },
    },
    events,
    observedUnmapped12m: unmapped,
  };
}
