import type { OfficeDirectory } from '../config/office-directory';
import { iso } from '../iso-time';
import { CONSEQUENCE_SCALE } from '../risk/report-catalogue';
import { category } from './incident-catalogue';
import type { Incident } from './incident-types';
import type { CsvValue } from './csv';

const today = (now: number) => new Date(now).toISOString().slice(0, 10);

/** What every view of a report shows: where, when, what kind, how it stands (no personal data). */
function incidentHead(i: Incident, directory: OfficeDirectory) {
  return {
    id: i.id,
    siteId: i.siteId,
    source: i.source,
    status: i.status,
    occurredAt: iso(i.occurredAt),
    roomId: i.roomId,
    roomName: directory.room(i.siteId, i.roomId ?? undefined)?.name ?? null,
    category: i.category,
    categoryName: category(i.category)?.name ?? null,
    consequence: i.consequence,
  };
}

/** The whole report, as GET /api/v1/incidents/:id answers (every answer of it is logged as a read). */
export function incidentResource(i: Incident, directory: OfficeDirectory) {
  return {
    ...incidentHead(i, directory),
    consequenceName: CONSEQUENCE_SCALE.find((c) => c.value === i.consequence)?.name ?? null,
    causeFactors: i.causeFactors,
    reportedToPolice: { reported: i.policeReported, caseNumber: i.policeCaseNumber },
    narrative: i.narrative,
    reporter: i.reporterUsername ? { username: i.reporterUsername, name: i.reporterName } : null,
    involved: i.involved,
    alarm: i.alarm,
    actions: i.actions,
    createdAt: iso(i.createdAt),
    createdBy: i.createdBy,
    updatedAt: iso(i.updatedAt),
    reviewedAt: iso(i.reviewedAt),
    reviewedBy: i.reviewedBy,
    reviewNote: i.reviewNote,
    closedAt: iso(i.closedAt),
    closedBy: i.closedBy,
    erasedAt: iso(i.erasedAt),
  };
}

/** A line of a list or the review queue: no narrative, names or case number. */
export function incidentSummary(i: Incident, directory: OfficeDirectory, now: number) {
  const open = i.actions.filter((a) => a.status !== 'done');
  return {
    ...incidentHead(i, directory),
    reportedToPolice: { reported: i.policeReported },
    alarmId: i.alarm?.id ?? null,
    openActions: open.length,
    overdueActions: open.filter((a) => a.due !== null && a.due < today(now)).length,
    createdAt: iso(i.createdAt),
    reviewedAt: iso(i.reviewedAt),
    closedAt: iso(i.closedAt),
    erasedAt: iso(i.erasedAt),
  };
}

export const CSV_HEADER = [
  'id', 'site_id', 'source', 'status', 'occurred_at', 'room_id', 'category', 'category_nn', 'category_en', 'consequence',
  'cause_factors', 'reported_to_police', 'police_case_number', 'alarm_id', 'alarm_kind', 'alarm_outcome', 'seconds_to_acknowledge',
  'responders', 'narrative', 'reporter', 'involved', 'actions', 'created_at', 'reviewed_at', 'reviewed_by', 'closed_at', 'closed_by', 'erased_at',
];

/** One CSV row per report; lists inside a cell are separated by "; " (actions by line breaks). */
export function incidentCsvRow(i: Incident): CsvValue[] {
  const cat = category(i.category);
  return [
    i.id, i.siteId, i.source, i.status, iso(i.occurredAt), i.roomId, i.category, cat?.name.nn, cat?.name.en, i.consequence,
    i.causeFactors.join('; '), i.policeReported, i.policeCaseNumber, i.alarm?.id, i.alarm?.kind, i.alarm?.outcome, i.alarm?.secondsToAcknowledge,
    i.alarm?.responders.length ?? 0, i.narrative, i.reporterName ?? i.reporterUsername, i.involved.join('; '),
    i.actions.map((a) => [a.status, a.text, a.owner, a.due].filter((v) => v !== null).join(' | ')).join('\n'),
    iso(i.createdAt), iso(i.reviewedAt), i.reviewedBy, iso(i.closedAt), i.closedBy, iso(i.erasedAt),
  ];
}
