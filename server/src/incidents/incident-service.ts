import { randomUUID } from 'node:crypto';
import type { Clock, ResolveOutcome } from '@trygg/protocol';
import type { Logger } from 'pino';
import type { Actor, Alarm, AlarmEvent } from '../alarm/alarm-types';
import { hasRole } from '../auth/sessions';
import type { OfficeDirectory } from '../config/office-directory';
import type { SiteConfig, TryggConfig, UserConfig } from '../config/types';
import { TryggError } from '../errors';
import type { NotificationRequest } from '../notify/dispatcher';
import type { Notifications } from '../notify/notification-center';
import type { Store } from '../store/store';
import { category as categoryOf } from './incident-catalogue';
import type { ActionStatus, AlarmPart, FollowUpAction, Incident, IncidentStatus, TimelineActor, TimelineEntry } from './incident-types';
import type { AuditVia, IncidentQuery, IncidentsDb } from './incidents-db';

const DAY_MS = 86_400_000;
/** Default retention of personal fields when the configuration names none (docs/incidents-and-risk.md). */
export const DEFAULT_RETENTION_DAYS = 1825;
/** A report may be dated this far ahead of the server clock (clock skew), no further. */
const FUTURE_SLACK_MS = 5 * 60_000;
/** Outcomes of a resolved alarm that start a report; `test` and `cleared` do not. */
const REPORTED_OUTCOMES: ResolveOutcome[] = ['real', 'false'];

export interface ActionInput { id?: string; text: string; owner?: string | null; due?: string | null; status?: ActionStatus }

export interface IncidentInput {
  occurredAt?: string;
  roomId?: string | null;
  category?: string;
  consequence?: number;
  causeFactors?: string[];
  reportedToPolice?: { reported: boolean; caseNumber?: string | null };
  narrative?: string | null;
  involved?: string[];
  actions?: ActionInput[];
}

/** `incidents: { retentionDays }` per site, else at the top of the configuration, else the default. */
type WithIncidents<T> = T & { incidents?: { retentionDays?: number } };
export function retentionDays(config: TryggConfig, site: SiteConfig | undefined): number {
  const own = (site as WithIncidents<SiteConfig> | undefined)?.incidents?.retentionDays;
  const top = (config as WithIncidents<TryggConfig>).incidents?.retentionDays;
  const days = own ?? top ?? DEFAULT_RETENTION_DAYS;
  return Number.isFinite(days) && days >= 1 ? days : DEFAULT_RETENTION_DAYS;
}

/** Does a resolution of this alarm start an incident report? Real and false alarms; never drills or technical ones. */
export function startsReport(alarm: Alarm): boolean {
  return alarm.state === 'resolved' && alarm.outcome !== undefined && REPORTED_OUTCOMES.includes(alarm.outcome)
    && !alarm.drill && alarm.kind !== 'technical';
}

const iso = (ms: number) => new Date(ms).toISOString();

function actorOf(actor: Actor): TimelineActor {
  if (actor.type === 'user') return { type: 'user', username: actor.username, name: actor.name };
  if (actor.type === 'device') return { type: 'device', deviceId: actor.deviceId };
  if (actor.type === 'station') return { type: 'station', stationId: actor.stationId, name: actor.name };
  return { type: 'system' };
}

/** The alarm's events as the report keeps them: who and when, not where a portable alarm was. */
export function timelineOf(events: { seq: number; event: AlarmEvent }[]): TimelineEntry[] {
  return events.map(({ seq, event }): TimelineEntry => {
    const base = { seq, at: iso(event.at), type: event.type };
    switch (event.type) {
      case 'acknowledged':
      case 'responding':
      case 'cancelled':
      case 'duress-cancelled':
        return { ...base, actor: actorOf(event.actor) };
      case 'resolved':
        return { ...base, actor: actorOf(event.actor), outcome: event.outcome };
      case 'step-notified':
        return { ...base, step: event.step, stations: event.stations };
      case 'step-skipped':
        return { ...base, step: event.step, stations: event.stations, reason: event.reason };
      case 'delivery-failed':
        return { ...base, step: event.step };
      case 'chain-exhausted':
        return { ...base, ...(event.reachedNobody ? { reason: 'reached-nobody' } : {}) };
      default:
        return base;
    }
  });
}

/** The report without its personal fields: what is left after the retention period. */
export function erasePersonal(incident: Incident, now: number): Incident {
  const alarm: AlarmPart | null = incident.alarm ? {
    ...incident.alarm,
    responders: incident.alarm.responders.map((r) => ({ at: r.at })),
    timeline: incident.alarm.timeline.map((t) => (t.actor ? { ...t, actor: t.actor.type === 'device' ? t.actor : { type: t.actor.type } } : t)),
  } : null;
  if (alarm) { delete alarm.person; delete alarm.address; }
  return {
    ...incident,
    policeCaseNumber: null, narrative: null, reporterUsername: null, reporterName: null, involved: [], alarm,
    actions: incident.actions.map((a) => ({ ...a, text: null, owner: null })),
    createdBy: null, reviewedBy: null, reviewNote: null, closedBy: null, erasedAt: now, updatedAt: now,
  };
}

/**
 * Incident reports (avvik): who may see and change which report, drafts from resolved alarms,
 * review flow, leader copies, audit of every read and change, and the retention job. The HTTP
 * routes (incident-routes.ts) are a thin layer over this.
 */
export class IncidentService {
  /** Leader copies being handed to the dispatcher (tests and shutdown wait for it). */
  private sending: Promise<void> = Promise.resolve();

  constructor(private readonly deps: {
    db: IncidentsDb; directory: OfficeDirectory; store: Store; clock: Clock; logger: Logger;
    /** E-mails the leader copies when present; without it copies are only recorded. */
    notifications?: Notifications;
  }) {}

  settled(): Promise<void> {
    return this.sending;
  }

  /** Security contacts, managers and admins see every report of their sites; others only their own. */
  seesSite(user: UserConfig, siteId: string): boolean {
    return hasRole(user, 'security') && this.deps.directory.userMayAccessSite(user, siteId);
  }

  private maySee(user: UserConfig, incident: Incident): boolean {
    if (this.seesSite(user, incident.siteId)) return true;
    return incident.reporterUsername === user.username && this.deps.directory.userMayAccessSite(user, incident.siteId);
  }

  /** The report if this user may see it; anyone else's answers like a missing one. Not logged: callers log. */
  private visible(user: UserConfig, id: string): Incident {
    const incident = this.deps.db.get(id);
    if (!incident || !this.maySee(user, incident)) throw new TryggError('TRYGG_SRV_NOT_FOUND', [`incident ${id}`]);
    return incident;
  }

  /** A site the user belongs to with at least security; any other answers like a missing one. */
  requireSiteOverview(user: UserConfig, siteId: string): SiteConfig {
    const site = this.deps.directory.site(siteId);
    if (!site || !this.deps.directory.userMayAccessSite(user, siteId)) throw new TryggError('TRYGG_SRV_NOT_FOUND', [`site ${siteId}`]);
    if (!hasRole(user, 'security')) throw new TryggError('TRYGG_SRV_FORBIDDEN', [`see all incident reports of site ${siteId}`]);
    return site;
  }

  /** Logs that `user` was shown these reports. */
  private logReads(user: UserConfig, incidents: Incident[], via: AuditVia): void {
    const at = this.deps.clock.now();
    this.deps.db.audit(incidents.map((i) => ({ incidentId: i.id, siteId: i.siteId, at, username: user.username, action: 'read' as const, via })));
  }

  read(user: UserConfig, id: string): Incident {
    const incident = this.visible(user, id);
    this.logReads(user, [incident], 'get');
    return incident;
  }

  list(user: UserConfig, query: { siteId?: string; status?: IncidentStatus[]; fromMs?: number; toMs?: number; limit?: number }): Incident[] {
    const { directory, db } = this.deps;
    const sites = directory.allSites().map((s) => s.id).filter((id) => directory.userMayAccessSite(user, id) && (query.siteId === undefined || id === query.siteId));
    const wide = sites.filter((id) => this.seesSite(user, id));
    const own = sites.filter((id) => !wide.includes(id));
    const base: IncidentQuery = { status: query.status, fromMs: query.fromMs, toMs: query.toMs, limit: query.limit };
    const found = [...db.list({ ...base, siteIds: wide }), ...(own.length ? db.list({ ...base, siteIds: own, reporter: user.username }) : [])]
      .sort((a, b) => a.occurredAt - b.occurredAt || a.id.localeCompare(b.id))
      .slice(0, query.limit ?? 10_000);
    this.logReads(user, found, 'list');
    return found;
  }

  /** The unit's weekly review: every report not yet closed, oldest first (new before reviewed). */
  reviewQueue(user: UserConfig, siteId: string): Incident[] {
    this.requireSiteOverview(user, siteId);
    const open = this.deps.db.list({ siteIds: [siteId], status: ['new', 'reviewed'] })
      .sort((a, b) => (a.status === b.status ? 0 : a.status === 'new' ? -1 : 1) || a.occurredAt - b.occurredAt);
    this.logReads(user, open, 'review-queue');
    return open;
  }

  export(user: UserConfig, siteId: string, fromMs?: number, toMs?: number): Incident[] {
    this.requireSiteOverview(user, siteId);
    const all = this.deps.db.list({ siteIds: [siteId], fromMs, toMs });
    this.logReads(user, all, 'export');
    return all;
  }

  auditOf(user: UserConfig, id: string) {
    const incident = this.visible(user, id);
    if (!hasRole(user, 'manager')) throw new TryggError('TRYGG_SRV_FORBIDDEN', ['read the audit trail of an incident report']);
    return this.deps.db.auditOf(incident.id);
  }

  create(user: UserConfig, siteId: string, input: IncidentInput & { occurredAt: string; category: string }): Incident {
    const { directory, db, clock, logger } = this.deps;
    if (!directory.site(siteId) || !directory.userMayAccessSite(user, siteId)) throw new TryggError('TRYGG_SRV_NOT_FOUND', [`site ${siteId}`]);
    const now = clock.now();
    const blank: Incident = {
      id: randomUUID(), siteId, source: 'manual', status: 'new', occurredAt: now, roomId: null, category: null, consequence: null,
      causeFactors: [], policeReported: false, policeCaseNumber: null, narrative: null, reporterUsername: user.username, reporterName: user.name,
      involved: [], alarm: null, actions: [], createdAt: now, createdBy: user.username, updatedAt: now,
      reviewedAt: null, reviewedBy: null, reviewNote: null, closedAt: null, closedBy: null, erasedAt: null,
    };
    const incident = this.apply(blank, input, now);
    db.transaction(() => {
      db.insert(incident);
      db.audit([{ incidentId: incident.id, siteId, at: now, username: user.username, action: 'create', via: 'api' }]);
      this.leaderCopy(incident, now);
    });
    this.sendLeaderCopies(incident.id);
    logger.info({ incidentId: incident.id, siteId, category: incident.category, by: user.username }, 'incident report created');
    return incident;
  }

  update(user: UserConfig, id: string, input: IncidentInput): Incident {
    const { db, clock, logger } = this.deps;
    const current = this.visible(user, id);
    if (current.erasedAt !== null) throw new TryggError('TRYGG_SRV_INCIDENT_LOCKED', [id, 'its personal fields were erased after the retention period']);
    if (current.status === 'closed') throw new TryggError('TRYGG_SRV_INCIDENT_LOCKED', [id, 'it is closed']);
    if (!this.seesSite(user, current.siteId) && current.status !== 'new') {
      throw new TryggError('TRYGG_SRV_INCIDENT_LOCKED', [id, 'it has been reviewed; ask your security contact or manager']);
    }
    const now = clock.now();
    const next = { ...this.apply(current, input, now), updatedAt: now };
    db.transaction(() => {
      db.update(next);
      db.audit([{ incidentId: id, siteId: next.siteId, at: now, username: user.username, action: 'update', via: 'api' }]);
    });
    logger.info({ incidentId: id, fields: Object.keys(input), by: user.username }, 'incident report changed');
    return next;
  }

  /** new -> reviewed -> closed, by a security contact or manager of the site, with who and when. */
  transition(user: UserConfig, id: string, to: 'reviewed' | 'closed', note?: string): Incident {
    const { db, clock, logger } = this.deps;
    const current = this.visible(user, id);
    if (!this.seesSite(user, current.siteId)) throw new TryggError('TRYGG_SRV_FORBIDDEN', [`mark an incident report ${to}`]);
    const from = current.status;
    if ((to === 'reviewed' && from !== 'new') || (to === 'closed' && from !== 'reviewed')) throw new TryggError('TRYGG_SRV_INCIDENT_TRANSITION', [id, from, to]);
    const missing = [current.category === null ? 'category' : '', current.consequence === null ? 'consequence' : ''].filter(Boolean);
    if (to === 'reviewed' && missing.length > 0) throw new TryggError('TRYGG_SRV_INCIDENT_INCOMPLETE', [id, missing.join(' and ')]);
    const now = clock.now();
    const next: Incident = to === 'reviewed'
      ? { ...current, status: 'reviewed', reviewedAt: now, reviewedBy: user.username, reviewNote: note ?? current.reviewNote, updatedAt: now }
      : { ...current, status: 'closed', closedAt: now, closedBy: user.username, reviewNote: note ?? current.reviewNote, updatedAt: now };
    db.transaction(() => {
      db.update(next);
      db.audit([{ incidentId: id, siteId: next.siteId, at: now, username: user.username, action: to === 'reviewed' ? 'review' : 'close', via: 'api' }]);
    });
    logger.info({ incidentId: id, from, to, by: user.username }, 'incident report status changed');
    return next;
  }

  /** Validates and applies the fields of a create or change. */
  private apply(base: Incident, input: IncidentInput, now: number): Incident {
    const { directory } = this.deps;
    const next: Incident = { ...base };
    if (input.occurredAt !== undefined) {
      const at = Date.parse(input.occurredAt);
      if (!Number.isFinite(at)) throw new TryggError('TRYGG_SRV_BAD_REQUEST', ['occurredAt is not a time']);
      if (at > now + FUTURE_SLACK_MS) throw new TryggError('TRYGG_SRV_BAD_REQUEST', ['occurredAt is in the future']);
      next.occurredAt = at;
    }
    if (input.roomId !== undefined) {
      if (input.roomId !== null && !directory.room(base.siteId, input.roomId)) throw new TryggError('TRYGG_SRV_BAD_REQUEST', [`unknown room ${input.roomId} in site ${base.siteId}`]);
      next.roomId = input.roomId;
    }
    if (input.category !== undefined) {
      if (!categoryOf(input.category)) throw new TryggError('TRYGG_SRV_BAD_REQUEST', [`unknown category ${input.category}`]);
      next.category = input.category;
    }
    if (input.consequence !== undefined) next.consequence = input.consequence;
    if (input.causeFactors !== undefined) next.causeFactors = [...input.causeFactors];
    if (input.reportedToPolice !== undefined) {
      const { reported, caseNumber } = input.reportedToPolice;
      if (!reported && caseNumber) throw new TryggError('TRYGG_SRV_BAD_REQUEST', ['a police case number needs reportedToPolice.reported: true']);
      next.policeReported = reported;
      next.policeCaseNumber = reported ? caseNumber ?? null : null;
    }
    if (input.narrative !== undefined) next.narrative = input.narrative;
    if (input.involved !== undefined) next.involved = [...input.involved];
    if (input.actions !== undefined) {
      const ids = new Set<string>();
      next.actions = input.actions.map((a): FollowUpAction => {
        const id = a.id ?? randomUUID();
        if (ids.has(id)) throw new TryggError('TRYGG_SRV_BAD_REQUEST', [`follow-up action ${id} listed twice`]);
        ids.add(id);
        return { id, text: a.text, owner: a.owner ?? null, due: a.due ?? null, status: a.status ?? 'open' };
      });
    }
    return next;
  }

  /**
   * A draft report for a resolved alarm, pre-filled with time, room, responders and timeline.
   * Idempotent: one report per alarm, however often it is asked.
   */
  async draftFromAlarm(alarmId: string): Promise<Incident | undefined> {
    const { store, db, clock, logger } = this.deps;
    if (db.hasAlarm(alarmId)) return undefined;
    const alarm = await store.getAlarm(alarmId);
    if (!alarm || !startsReport(alarm)) return undefined;
    const events = await store.alarmEvents(alarmId);
    const now = clock.now();
    const responders = alarm.responders.map((r) => ({ username: r.username, name: r.name, at: iso(r.at) }));
    if (alarm.acknowledgedBy?.type === 'user' && !responders.some((r) => r.username === (alarm.acknowledgedBy as { username: string }).username)) {
      responders.unshift({ username: alarm.acknowledgedBy.username, name: alarm.acknowledgedBy.name, at: iso(alarm.acknowledgedAt ?? alarm.raisedAt) });
    }
    const part: AlarmPart = {
      id: alarm.id, kind: alarm.kind, outcome: alarm.outcome!, ...(alarm.deviceId ? { deviceId: alarm.deviceId } : {}),
      raisedAt: iso(alarm.raisedAt),
      ...(alarm.acknowledgedAt !== undefined ? { acknowledgedAt: iso(alarm.acknowledgedAt), secondsToAcknowledge: Math.round((alarm.acknowledgedAt - alarm.raisedAt) / 1000) } : {}),
      ...(alarm.closedAt !== undefined ? { resolvedAt: iso(alarm.closedAt) } : {}),
      responders, timeline: timelineOf(events),
      ...(alarm.detail?.person ? { person: alarm.detail.person } : {}),
      ...(alarm.detail?.address ? { address: alarm.detail.address } : {}),
    };
    const incident: Incident = {
      id: randomUUID(), siteId: alarm.siteId, source: 'alarm', status: 'new', occurredAt: alarm.raisedAt, roomId: alarm.roomId ?? null,
      category: null, consequence: null, causeFactors: [], policeReported: false, policeCaseNumber: null, narrative: null,
      reporterUsername: null, reporterName: null, involved: alarm.detail?.person ? [alarm.detail.person] : [], alarm: part, actions: [],
      createdAt: now, createdBy: null, updatedAt: now, reviewedAt: null, reviewedBy: null, reviewNote: null, closedAt: null, closedBy: null, erasedAt: null,
    };
    const created = db.transaction(() => {
      if (!db.insert(incident)) return false;
      db.audit([{ incidentId: incident.id, siteId: incident.siteId, at: now, username: 'system', action: 'create', via: 'alarm' }]);
      this.leaderCopy(incident, now);
      return true;
    });
    if (!created) return undefined;
    this.sendLeaderCopies(incident.id);
    logger.info({ incidentId: incident.id, alarmId, siteId: alarm.siteId, outcome: alarm.outcome }, 'incident report drafted from resolved alarm');
    return incident;
  }

  /**
   * "Leiar bør få kopi av innmelde avvik": one copy per manager of the site, recorded in the same
   * transaction as the report (so none is lost), then e-mailed by sendLeaderCopies.
   */
  private leaderCopy(incident: Incident, now: number): void {
    const { directory, db } = this.deps;
    const managers = directory.config.users.filter((u) => u.role === 'manager' && directory.userMayAccessSite(u, incident.siteId));
    for (const m of managers) db.addLeaderCopy({ incidentId: incident.id, siteId: incident.siteId, recipient: m.username, channel: 'email', state: 'recorded', createdAt: now });
  }

  /**
   * Hands recorded copies (of one report, or all) to the notification dispatcher as e-mails:
   * through the first e-mail notifier that is not an external party, to managers with an e-mail
   * address, deduplicated by `incident-copy:<report>:<manager>`. The mail says that there is a
   * new report, its category and room, and its reference; no narrative or names (those stay in
   * Trygg, where every read is logged). Without notifications, an e-mail notifier or an address,
   * the copy stays `recorded` and is listed for the manager in Trygg.
   */
  sendLeaderCopies(incidentId?: string): void {
    const { notifications, directory, db, clock, logger } = this.deps;
    if (!notifications) return;
    const target = (directory.config.notifiers ?? []).find((n) => n.channel === 'email' && !n.party);
    if (!target) return;
    const work = async () => {
      for (const copy of db.undispatchedCopies(incidentId)) {
        const manager = directory.user(copy.recipient);
        const incident = db.get(copy.incidentId);
        if (!manager?.email || !incident) continue;
        const request = this.copyRequest(incident, manager, target.id);
        const [receipt] = await notifications.dispatch([request]);
        if (receipt) db.markCopyDispatched(copy.incidentId, copy.recipient, receipt.id, clock.now());
      }
    };
    this.sending = this.sending.then(work).catch((err: unknown) => {
      logger.error({ err, incidentId }, 'handing leader copies to the notification dispatcher failed; the daily job tries again');
    });
  }

  private copyRequest(incident: Incident, manager: UserConfig, target: string): NotificationRequest {
    const { directory } = this.deps;
    const site = directory.site(incident.siteId);
    const room = directory.room(incident.siteId, incident.roomId ?? undefined);
    const cat = categoryOf(incident.category);
    const where = room ? `, ${room.name}` : '';
    const ref = incident.id;
    return {
      dedupeKey: `incident-copy:${incident.id}:${manager.username}`,
      step: 'incident-copy',
      channel: 'email',
      target,
      // There is no notification purpose for reports yet: `restore` is the one sent at normal priority.
      purpose: 'restore',
      subject: {
        kind: incident.alarm?.kind ?? 'personal', state: 'resolved', drill: false,
        site: { id: incident.siteId, name: site?.name ?? incident.siteId, address: site?.address, entrance: site?.entrance, timezone: site?.timezone },
        ...(room ? { room: { id: room.id, name: room.name, floor: room.floor } } : {}),
        raisedAt: iso(incident.occurredAt),
        text: {
          nb: `Ny avviksmelding (kopi til leder): ${cat?.name.nn ?? 'ikke kategorisert ennå'}${where}. Les og vurder den i Trygg, ref. ${ref}.`,
          en: `New incident report (copy to the leader): ${cat?.name.en ?? 'not categorised yet'}${where}. Read and review it in Trygg, ref. ${ref}.`,
        },
      },
      recipient: { id: `user:${manager.username}`, name: manager.name, email: manager.email, ...(manager.language ? { language: manager.language } : {}) },
    };
  }

  leaderCopies(user: UserConfig, siteId: string) {
    this.requireSiteOverview(user, siteId);
    if (!hasRole(user, 'manager')) throw new TryggError('TRYGG_SRV_FORBIDDEN', ['list leader copies']);
    return this.deps.db.leaderCopies(siteId, user.role === 'manager' ? user.username : undefined);
  }

  /** Erases the personal fields of every report past its site's retention period; returns how many. */
  eraseExpired(): number {
    const { db, directory, clock, logger } = this.deps;
    const now = clock.now();
    let erased = 0;
    for (const siteId of db.sitesWithPersonalData()) {
      const days = retentionDays(directory.config, directory.site(siteId));
      const due = db.erasable(siteId, now - days * DAY_MS);
      if (due.length === 0) continue;
      db.transaction(() => {
        for (const incident of due) db.update(erasePersonal(incident, now));
        db.audit(due.map((i) => ({ incidentId: i.id, siteId, at: now, username: 'system', action: 'erase' as const, via: 'retention' as const })));
      });
      erased += due.length;
      logger.info({ siteId, count: due.length, retentionDays: days }, 'personal fields of incident reports erased after the retention period');
    }
    return erased;
  }
}
