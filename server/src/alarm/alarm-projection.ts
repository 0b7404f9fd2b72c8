import type { UntilStateRank } from './state-rank';
import { reached } from './state-rank';
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
      return next;
    case 'acknowledged':
      next.state = 'acknowledged';
      next.acknowledgedBy = event.actor;
      next.acknowledgedAt = event.at;
      return stopIfUntilReached(next);
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
      return stopIfUntilReached(next);
    case 'resolved':
    case 'cancelled':
      next.state = event.type;
      next.closedAt = event.at;
      if (event.type === 'resolved') next.outcome = event.outcome;
      next.nextStepDueAt = null;
      return next;
    case 'delivery-failed':
      return next;
    case 'duress-cancelled':
      next.duress = true;
      return next;
    case 'located':
      next.detail = { ...next.detail, location: event.location };
      return next;
    case 'step-notified': {
      next.lastStep = event.step;
      next.lastNotifiedStep = event.step;
      next.routedStations = [...new Set([...next.routedStations, ...event.stations])];
      const external = (event.notifications ?? []).filter((n) => n.external);
      if (external.length > 0) next.notifiedExternal = [...(next.notifiedExternal ?? []), ...external];
      const following = next.chain.steps[event.step + 1];
      next.nextStepDueAt = following ? event.at + following.afterSeconds * 1000 : null;
      return stopIfUntilReached(next);
    }
    case 'step-skipped':
      next.lastStep = event.step;
      next.nextStepDueAt = null;
      // Skipped only because nobody was online: the alarm stays routed to those stations, so
      // the first of them to come online gets it on `hello` instead of never seeing it.
      next.routedStations = [...new Set([...next.routedStations, ...event.stations])];
      return next;
    case 'chain-exhausted':
      next.nextStepDueAt = null;
      return next;
  }
}

/** The chain stops once the alarm reached what the last notified step waited for. */
function stopIfUntilReached(alarm: Alarm): Alarm {
  const step = alarm.chain.steps[alarm.lastNotifiedStep];
  if (step && reached(alarm.state, (step.until ?? 'acknowledged') as UntilStateRank)) alarm.nextStepDueAt = null;
  return alarm;
}

export function replay(events: AlarmEvent[]): Alarm {
  let alarm: Alarm | null = null;
  for (const event of events) alarm = apply(alarm, event);
  if (!alarm) throw new Error('no events to replay');
  return alarm;
}

