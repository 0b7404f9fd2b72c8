import { CAUSE_FACTORS, CONSEQUENCE_SCALE, REPORT_EVENTS, type EventGroup, type Text } from '../risk/report-catalogue';

export interface IncidentCategory {
  id: string;
  group: EventGroup;
  name: Text;
  /** The risk register event this category counts towards (observed likelihood); none for "other". */
  riskEventId: string | null;
}

/**
 * Incident categories: the report's event catalogue (threats and violence, same ids as the risk
 * register, so each report counts towards its event), plus one "other" per list because the
 * report calls its lists "ikkje uttømmande" (not exhaustive).
 */
export const INCIDENT_CATEGORIES: readonly IncidentCategory[] = [
  ...REPORT_EVENTS.map((e) => ({ id: e.id, group: e.group, name: e.name, riskEventId: e.id })),
  { id: 'other-threat', group: 'threats', name: { nn: 'Anna trugsmål', en: 'Other threat' }, riskEventId: null },
  { id: 'other-violence', group: 'violence', name: { nn: 'Anna vald', en: 'Other violence' }, riskEventId: null },
];

export const CATEGORY_IDS = INCIDENT_CATEGORIES.map((c) => c.id);
export const CAUSE_FACTOR_IDS = CAUSE_FACTORS.map((c) => c.id);

export const category = (id: string | null | undefined): IncidentCategory | undefined => INCIDENT_CATEGORIES.find((c) => c.id === id);

/** What GET /api/v1/incidents/catalogue answers: everything a form needs, in Nynorsk and English. */
export const INCIDENT_CATALOGUE = {
  categories: INCIDENT_CATEGORIES,
  consequenceScale: CONSEQUENCE_SCALE,
  causeFactors: CAUSE_FACTORS,
  statuses: ['new', 'reviewed', 'closed'],
  actionStatuses: ['open', 'in-progress', 'done'],
} as const;
