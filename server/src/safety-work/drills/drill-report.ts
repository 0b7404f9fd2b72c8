import type { Actor, Alarm, AlarmEvent, StepSkipReason } from '../../alarm/alarm-types';

/**
 * Response times of one alarm from its timeline (the stored events): raised -> each step
 * notified (or skipped) -> acknowledged -> responding ("I'm coming") -> on scene (arrival marked)
 * -> resolved / cancelled.
 * Seconds are counted from the raise. Pure: the drill report and tests use it alike.
 */
export interface StepTime {
  step: number;
  at: string;
  seconds: number;
  stations: string[];
  online: string[];
  /** External parties told in this step (notifier ids); a drill never lists the police here. */
  external: string[];
  skipped?: StepSkipReason;
  /** The loud last step fired again (repeat number). */
  repeat?: number;
}

export interface AlarmTimes {
  alarmId: string;
  kind: string;
  roomId?: string;
  drill: boolean;
  state: string;
  outcome?: string;
  chainId: string;
  raisedAt: string;
  steps: StepTime[];
  acknowledged?: { at: string; seconds: number; by: string };
  responders: { username: string; name: string; at: string; seconds: number }[];
  onScene?: { at: string; seconds: number; by: string };
  reEscalated: { at: string; seconds: number }[];
  closed?: { at: string; seconds: number; how: 'resolved' | 'cancelled'; outcome?: string; by: string };
}

export interface ResponseSummary {
  secondsToFirstNotification: number | null;
  secondsToAcknowledge: number | null;
  /** First "I'm coming" (state `responding`). */
  secondsToResponding: number | null;
  /** A responder marked arrival (`on-scene`); null when nobody did. */
  secondsToOnScene: number | null;
  secondsToClose: number | null;
  responders: number;
}

const seconds = (ms: number) => Math.round(ms) / 1000;
const iso = (t: number) => new Date(t).toISOString();

export function actorName(actor: Actor): string {
  if (actor.type === 'user') return `${actor.name} (${actor.username})`;
  if (actor.type === 'station') return `${actor.name} (station ${actor.stationId})`;
  return actor.type === 'device' ? `device:${actor.deviceId}` : 'system';
}

export function alarmTimes(alarm: Alarm, events: AlarmEvent[]): AlarmTimes {
  const raised = events.find((e) => e.type === 'raised');
  const t0 = raised?.at ?? alarm.raisedAt;
  const out: AlarmTimes = {
    alarmId: alarm.id, kind: alarm.kind, roomId: alarm.roomId, drill: alarm.drill, state: alarm.state, outcome: alarm.outcome,
    chainId: alarm.chain.chainId, raisedAt: iso(t0), steps: [], responders: [], reEscalated: [],
  };
  for (const e of events) {
    switch (e.type) {
      case 'step-notified':
        out.steps.push({
          step: e.step, at: iso(e.at), seconds: seconds(e.at - t0), stations: e.stations, online: e.online,
          external: (e.notifications ?? []).filter((n) => n.external).map((n) => n.target), ...(e.repeat ? { repeat: e.repeat } : {}),
        });
        break;
      case 'step-skipped':
        out.steps.push({ step: e.step, at: iso(e.at), seconds: seconds(e.at - t0), stations: e.stations, online: [], external: [], skipped: e.reason, ...(e.repeat ? { repeat: e.repeat } : {}) });
        break;
      case 'on-scene':
        out.onScene ??= { at: iso(e.at), seconds: seconds(e.at - t0), by: actorName(e.actor) };
        break;
      case 're-escalated':
        out.reEscalated.push({ at: iso(e.at), seconds: seconds(e.at - t0) });
        break;
      case 'acknowledged':
        out.acknowledged ??= { at: iso(e.at), seconds: seconds(e.at - t0), by: actorName(e.actor) };
        break;
      case 'responding':
        // "I'm coming" without a separate acknowledge acknowledges too (as the alarm projection does).
        out.acknowledged ??= { at: iso(e.at), seconds: seconds(e.at - t0), by: actorName(e.actor) };
        if (e.actor.type === 'user') out.responders.push({ username: e.actor.username, name: e.actor.name, at: iso(e.at), seconds: seconds(e.at - t0) });
        break;
      case 'resolved':
      case 'cancelled':
        out.closed ??= {
          at: iso(e.at), seconds: seconds(e.at - t0), how: e.type, by: actorName(e.actor), ...(e.type === 'resolved' ? { outcome: e.outcome } : {}),
        };
        break;
      default:
        break;
    }
  }
  return out;
}

export function summarize(times: AlarmTimes | undefined): ResponseSummary {
  return {
    secondsToFirstNotification: times?.steps.find((s) => !s.skipped)?.seconds ?? null,
    secondsToAcknowledge: times?.acknowledged?.seconds ?? null,
    secondsToResponding: times?.responders[0]?.seconds ?? null,
    secondsToOnScene: times?.onScene?.seconds ?? null,
    secondsToClose: times?.closed?.seconds ?? null,
    responders: times?.responders.length ?? 0,
  };
}

const METRICS = ['secondsToFirstNotification', 'secondsToAcknowledge', 'secondsToResponding', 'secondsToOnScene', 'secondsToClose'] as const;

export interface Comparison {
  /** Earlier drills of the site with something to compare (newest first). */
  earlier: { drillId: string; startedAt: string; summary: ResponseSummary }[];
  /** Mean of the earlier drills, per measure (null where none had it). */
  average: Record<(typeof METRICS)[number], number | null>;
  /** This drill minus the average: negative is faster than before. */
  difference: Record<(typeof METRICS)[number], number | null>;
}

export function compare(current: ResponseSummary, earlier: Comparison['earlier']): Comparison {
  const average = {} as Comparison['average'];
  const difference = {} as Comparison['difference'];
  for (const m of METRICS) {
    const values = earlier.map((e) => e.summary[m]).filter((v): v is number => v !== null);
    const avg = values.length > 0 ? Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 1000) / 1000 : null;
    average[m] = avg;
    const now = current[m];
    difference[m] = avg !== null && now !== null ? Math.round((now - avg) * 1000) / 1000 : null;
  }
  return { earlier, average, difference };
}
