import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ChainConfig } from '../../config/types';
import { TryggError } from '../../errors';
import type { Feature, FeatureContext, FeatureFactory } from '../../features/feature';
import { TaskTimers } from '../../lone-work/task-timers';
import { meetingsConfig, meetingsConfigProblems } from './checklist';
import { meetingRoutes } from './meeting-routes';
import { MeetingStore, type Meeting, type MeetingReason } from './meeting-store';

const RETRY_MS = 5_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
export const MAX_MEETING_HOURS = 12;

export interface RegisterMeeting {
  siteId: string;
  roomId: string;
  from: number;
  to: number;
  reason: MeetingReason;
  /** Username of the employee who registers it. */
  owner: string;
}

/**
 * Meetings with elevated risk: an employee registers a time window for a room and a reason
 * category (no client name). Until the meeting is closed, from its start on, alarms from the
 * room use the site's faster chain (`sites[].meetings.chain`, AlarmService chain override) and
 * responders see a standby notice. A meeting not closed by its end plus the grace raises a
 * `no-checkin` alarm from the room (dedupe key `meeting:<id>`), as a missed check-out does
 * (lone-work/check-in-visits.ts); a late close is recorded, the alarm stays for a person.
 */
export class MeetingsFeature implements Feature {
  readonly name = 'meetings';
  private store?: MeetingStore;
  private timers?: TaskTimers;
  private ctx?: FeatureContext;
  /** Meetings not closed yet, for the synchronous chain override on the alarm path. */
  private unclosed: Meeting[] = [];

  async start(ctx: FeatureContext): Promise<void> {
    const problems = meetingsConfigProblems(ctx.directory.config.sites);
    if (problems.length > 0) throw new TryggError('TRYGG_SRV_CONFIG_INVALID', [problems.join('; ')]);
    this.ctx = ctx;
    this.store = new MeetingStore(ctx.dbFile);
    this.timers = new TaskTimers(ctx.clock, ctx.logger);
    ctx.directory.onReplace((config) => {
      const now = meetingsConfigProblems(config.sites);
      // An edit cannot be refused from here; alarms then fall back to the zone's chain.
      if (now.length > 0) ctx.logger.error({ problems: now }, 'meetings configuration problem: elevated-risk meetings use the zone chain');
    });
    this.refresh();
    ctx.alarms.setChainOverride((siteId, roomId, now) => this.chainOverride(siteId, roomId, now));
    for (const meeting of this.unclosed) this.schedule(meeting);
    if (this.unclosed.length > 0) ctx.logger.info({ meetings: this.unclosed.length }, 'resumed elevated-risk meetings');
  }

  async stop(): Promise<void> {
    this.ctx?.alarms.setChainOverride(undefined);
    await this.timers?.stop();
    this.store?.shutdown();
    this.store = undefined;
  }

  async routes(app: FastifyInstance, ctx: FeatureContext): Promise<void> {
    await meetingRoutes(app, { meetings: this, directory: ctx.directory, sessions: ctx.sessions, clock: ctx.clock });
  }

  register(request: RegisterMeeting): Meeting {
    const { directory, clock, logger } = this.need();
    const now = clock.now();
    if (!directory.site(request.siteId)) throw new TryggError('TRYGG_SRV_NOT_FOUND', [`site ${request.siteId}`]);
    if (!directory.room(request.siteId, request.roomId)) throw new TryggError('TRYGG_SRV_NOT_FOUND', [`room ${request.roomId}`]);
    const { from, to } = request;
    if (!Number.isFinite(from) || !Number.isFinite(to) || from >= to) throw new TryggError('TRYGG_SRV_BAD_REQUEST', ['from must be before to']);
    if (to <= now) throw new TryggError('TRYGG_SRV_BAD_REQUEST', ['to must be in the future']);
    if (to - from > MAX_MEETING_HOURS * HOUR_MS) throw new TryggError('TRYGG_SRV_BAD_REQUEST', [`a meeting lasts at most ${MAX_MEETING_HOURS} hours`]);
    if (from > now + 60 * DAY_MS) throw new TryggError('TRYGG_SRV_BAD_REQUEST', ['from must be within 60 days']);
    const meeting = this.store!.insert({
      id: randomUUID(), siteId: request.siteId, roomId: request.roomId, owner: request.owner, startsAt: from, endsAt: to, reason: request.reason, createdAt: now,
    });
    this.refresh();
    this.schedule(meeting);
    logger.info({ meetingId: meeting.id, siteId: meeting.siteId, roomId: meeting.roomId, reason: meeting.reason, owner: meeting.owner,
      from: new Date(from).toISOString(), to: new Date(to).toISOString(), chain: this.chainFor(meeting.siteId)?.id }, 'elevated-risk meeting registered');
    return meeting;
  }

  close(id: string, actor: string): Meeting {
    const { clock, logger } = this.need();
    const meeting = this.get(id);
    if (!meeting) throw new TryggError('TRYGG_SRV_NOT_FOUND', [`meeting ${id}`]);
    if (!this.store!.close(id, clock.now(), actor)) throw new TryggError('TRYGG_SRV_BAD_REQUEST', [`meeting ${id} is already closed`]);
    this.refresh();
    if (meeting.state === 'open') {
      this.timers!.cancel(expiryKey(id));
      logger.info({ meetingId: id, actor }, 'elevated-risk meeting closed');
    } else {
      logger.warn({ meetingId: id, actor, alarmId: meeting.alarmId }, 'late close of an elevated-risk meeting recorded; its no-checkin alarm stays open until a person resolves it');
    }
    return this.get(id)!;
  }

  get(id: string): Meeting | undefined {
    return this.store?.get(id);
  }

  /** Not closed and started: the meetings responders stand by for (overdue ones included). */
  active(now = this.need().clock.now()): Meeting[] {
    return this.unclosed.filter((m) => m.startsAt <= now);
  }

  list(limit: number): Meeting[] {
    return this.store!.list(limit);
  }

  /** The site's faster chain for elevated-risk meetings, if configured and existing. */
  chainFor(siteId: string): ChainConfig | undefined {
    const site = this.need().directory.site(siteId);
    const id = meetingsConfig(site).chain;
    return id ? site?.chains.find((c) => c.id === id) : undefined;
  }

  /** Resolves once no timer task is running (tests, shutdown). */
  async settled(): Promise<void> {
    await this.timers?.idle();
  }

  private chainOverride(siteId: string, roomId: string, now: number): string | undefined {
    if (!this.unclosed.some((m) => m.siteId === siteId && m.roomId === roomId && m.startsAt <= now)) return undefined;
    return meetingsConfig(this.ctx?.directory.site(siteId)).chain;
  }

  private refresh(): void {
    this.unclosed = this.store!.unclosed();
  }

  private schedule(meeting: Meeting): void {
    const { clock, directory } = this.need();
    if (meeting.state === 'expiring') return this.timers!.at(expiryKey(meeting.id), clock.now(), () => this.expire(meeting.id));
    if (meeting.state !== 'open' || meeting.closedAt !== undefined) return;
    const graceMs = meetingsConfig(directory.site(meeting.siteId)).graceMinutes * 60_000;
    this.timers!.at(expiryKey(meeting.id), meeting.endsAt + graceMs, () => this.expire(meeting.id));
  }

  private async expire(id: string): Promise<void> {
    const { alarms, clock, directory, logger } = this.need();
    const store = this.store!;
    const meeting = store.get(id);
    if (!meeting) return;
    if (meeting.state === 'open') {
      const graceMs = meetingsConfig(directory.site(meeting.siteId)).graceMinutes * 60_000;
      if (meeting.endsAt + graceMs > clock.now()) return this.schedule(meeting);
      if (!store.claimExpiry(id, clock.now())) return;
      this.refresh();
    } else if (meeting.state !== 'expiring') {
      return;
    }
    const room = directory.room(meeting.siteId, meeting.roomId);
    try {
      const { alarm } = await alarms.raise({
        siteId: meeting.siteId, kind: 'no-checkin', roomId: meeting.roomId, dedupeKey: `meeting:${id}`,
        detail: {
          person: directory.user(meeting.owner)?.name ?? meeting.owner,
          note: `Møte med forhøyet risiko i ${room?.name ?? meeting.roomId} er ikke avsluttet (skulle slutte ${new Date(meeting.endsAt).toISOString()}) / `
            + `elevated-risk meeting not closed (was due ${new Date(meeting.endsAt).toISOString()})`,
        },
      });
      store.markMissed(id, clock.now(), alarm.id);
      this.refresh();
      logger.warn({ meetingId: id, alarmId: alarm.id, roomId: meeting.roomId }, 'elevated-risk meeting not closed in time: no-checkin alarm raised');
    } catch (err) {
      logger.error({ err, meetingId: id }, 'raising the no-checkin alarm for a meeting failed; retrying');
      this.timers!.at(expiryKey(id), clock.now() + RETRY_MS, () => this.expire(id));
    }
  }

  private need(): FeatureContext {
    if (!this.ctx || !this.store) throw new TryggError('TRYGG_SRV_INTERNAL');
    return this.ctx;
  }
}

const expiryKey = (id: string) => `meeting-expiry:${id}`;

export const meetingsFeature: FeatureFactory = () => new MeetingsFeature();
