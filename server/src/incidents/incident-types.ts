import type { AlarmKind, ResolveOutcome } from '@trygg/protocol';

export type IncidentStatus = 'new' | 'reviewed' | 'closed';
export type IncidentSource = 'alarm' | 'manual';
export type ActionStatus = 'open' | 'in-progress' | 'done';

/** A follow-up action. `text` and `owner` are personal fields (erased after the retention period). */
export interface FollowUpAction {
  id: string;
  text: string | null;
  owner: string | null;
  /** YYYY-MM-DD. */
  due: string | null;
  status: ActionStatus;
}

/** Who did something on the alarm, as the report keeps it (names are erased after the retention period). */
export interface TimelineActor {
  type: 'user' | 'station' | 'device' | 'system';
  username?: string;
  stationId?: string;
  name?: string;
  deviceId?: string;
}

export interface TimelineEntry {
  seq: number;
  /** ISO time. */
  at: string;
  type: string;
  actor?: TimelineActor;
  outcome?: ResolveOutcome;
  step?: number;
  stations?: string[];
  reason?: string;
}

/** What the report keeps of the alarm it was started from. */
export interface AlarmPart {
  id: string;
  kind: AlarmKind;
  outcome: ResolveOutcome;
  deviceId?: string;
  raisedAt: string;
  acknowledgedAt?: string;
  resolvedAt?: string;
  /** Seconds from raise to the first acknowledgement / "I'm coming" (statistics; kept after erasure). */
  secondsToAcknowledge?: number;
  responders: { username?: string; name?: string; at: string }[];
  timeline: TimelineEntry[];
  /** Portable alarms: who carried it and where (personal). */
  person?: string;
  address?: string;
}

export interface Incident {
  id: string;
  siteId: string;
  source: IncidentSource;
  status: IncidentStatus;
  occurredAt: number;
  roomId: string | null;
  category: string | null;
  consequence: number | null;
  causeFactors: string[];
  policeReported: boolean;
  policeCaseNumber: string | null;
  narrative: string | null;
  reporterUsername: string | null;
  reporterName: string | null;
  involved: string[];
  alarm: AlarmPart | null;
  actions: FollowUpAction[];
  createdAt: number;
  createdBy: string | null;
  updatedAt: number;
  reviewedAt: number | null;
  reviewedBy: string | null;
  reviewNote: string | null;
  closedAt: number | null;
  closedBy: string | null;
  erasedAt: number | null;
}
