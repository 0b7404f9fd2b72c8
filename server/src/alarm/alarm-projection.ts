import type { UntilStateRank } from './state-rank';
import { isOpen, reached } from './state-rank';
import type { Alarm, AlarmEvent } from './alarm-types';

/**
 * Derives the alarm from its events: `apply` folds one event in, `replay` rebuilds an alarm from
 * the stored audit trail. The stored projection row is only a cache of this.
 */
export function apply(alarm: Alarm | null, event: AlarmEvent): Alarm {
  if (event.type === 'raised') {
    if (alarm) throw new Error(`alarm ${alarm.id} raised twice`);
    return {
      ...event.origin,
      state: 'raised',
      raisedAt: event.at,
      updatedAt: event.at,
      pressCount: 1,
      responders: [],
      lastStep: -1,
      lastNotifiedStep: -1,
      nextStepDueAt: null,
      routedStations: [],
      version: 1,
    };
  }
  if (!alarm) throw new Error(`event ${event.type} before the alarm was raised`);
  const next: Alarm = { ...alarm, updatedAt: event.at, version: alarm.version + 1 };
  switch (event.type) {
    case 'press-folded':
      next.pressCount += 1;
      break;
    case 'cause-added':
      next.causes = [...(next.causes ?? []), event.cause];
      break;
    case 'acknowledged':
      next.state = 'acknowledged';
      next.acknowledgedBy = event.actor;
      next.acknowledgedAt = event.at;
      break;
    case 'responding':
      next.state = 'responding';
      if (!next.acknowledgedBy) {
        next.acknowledgedBy = event.actor;
        next.acknowledgedAt = event.at;
      }
      if (event.actor.type === 'user') {
        const { username, name, stationId } = event.actor;
        next.responders = [...next.responders, { username, name, stationId, at: event.at }];
      }
      break;
    case 'on-scene':
      next.onSceneAt = event.at;
      break;
    case 're-escalated':
      next.reEscalatedAt = event.at;
      break;
    case 'resolved':
    case 'cancelled':
      next.state = event.type;
      next.closedAt = event.at;
      if (event.type === 'resolved') next.outcome = event.outcome;
      break;
    case 'duress-cancelled':
      next.duress = true;
      break;
    case 'located':
      next.detail = { ...next.detail, location: event.location };
      break;
    case 'delivery-failed':
      break;
    case 'step-notified': {
      if (event.repeat !== undefined) next.repeats = event.repeat;
      next.lastStep = event.step;
      next.lastStepAt = event.at;
      next.lastNotifiedStep = event.step;
      next.routedStations = [...new Set([...next.routedStations, ...event.stations])];
      const external = (event.notifications ?? []).filter((n) => n.external);
      if (external.length > 0) next.notifiedExternal = [...(next.notifiedExternal ?? []), ...external];
      break;
    }
    case 'step-skipped':
      if (event.repeat !== undefined) next.repeats = event.repeat;
      next.lastStep = event.step;
      next.lastStepAt = event.at;
      // Skipped only because nobody was online: the alarm stays routed to those stations, so
      // the first of them to come online gets it on `hello` instead of never seeing it.
      next.routedStations = [...new Set([...next.routedStations, ...event.stations])];
      break;
    case 'chain-exhausted':
      break;
  }
  next.nextStepDueAt = nextDeadline(next);
  return next;
}

/**
 * When the engine must act next, from the alarm alone (stored, so a restart resumes it):
 * the chain's next step; the last step's repeat while nobody acknowledged; or, once owned, the
 * on-scene check. Null when there is nothing left to wait for.
 */
export function nextDeadline(alarm: Alarm): number | null {
  if (!isOpen(alarm.state) || alarm.lastStep < 0 || alarm.lastStepAt === undefined) return null;
  const steps = alarm.chain.steps;
  // Nobody was ever reached (every step skipped): the step we wait on is the last one that fired,
  // so acknowledging still stops the loud step's repeats and starts the on-scene check.
  const waitedFor = steps[alarm.lastNotifiedStep] ?? steps[alarm.lastStep];
  const untilReached = waitedFor !== undefined && reached(alarm.state, (waitedFor.until ?? 'acknowledged') as UntilStateRank);
  if (!untilReached) {
    const following = steps[alarm.lastStep + 1];
    // A skipped step reached nobody: the engine already moved on in the same instant.
    if (following) return alarm.lastStep === alarm.lastNotifiedStep ? alarm.lastStepAt + following.afterSeconds * 1000 : null;
    const last = steps[alarm.lastStep];
    if (last?.repeatSeconds) return alarm.lastStepAt + last.repeatSeconds * 1000;
    if (alarm.state === 'raised') return null;
  }
  if (alarm.state === 'raised' || alarm.onSceneAt !== undefined || !alarm.onSceneSeconds) return null;
  const since = Math.max(alarm.acknowledgedAt ?? 0, alarm.reEscalatedAt ?? 0);
  return since + alarm.onSceneSeconds * 1000;
}

export function replay(events: AlarmEvent[]): Alarm {
  let alarm: Alarm | null = null;
  for (const event of events) alarm = apply(alarm, event);
  if (!alarm) throw new Error('no events to replay');
  return alarm;
}
