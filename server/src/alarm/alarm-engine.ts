import { TryggError } from '../errors';
import { apply } from './alarm-projection';
import type { Actor, Alarm, AlarmCommand, AlarmEffect, AlarmEvent, DecideContext, Decision } from './alarm-types';
import { isOpen, reached, type UntilStateRank } from './state-rank';

/**
 * The alarm state machine: `(alarm, command, context) -> events + effects`. Pure: time and
 * presence come in through the context, nothing is stored or sent here.
 *
 *   raised -> acknowledged -> responding -> resolved
 *      \___________\______________\______-> cancelled
 */
export function decide(alarm: Alarm | null, command: AlarmCommand, ctx: DecideContext): Decision {
  const batch = new Batch(alarm, ctx.now);
  if (command.type === 'raise') {
    if (alarm) throw new Error(`alarm ${alarm.id} already exists`);
    batch.add({ type: 'raised', at: ctx.now, origin: command.origin });
    batch.effect({ type: 'device-feedback', action: 'received' });
    runSteps(batch, 0, ctx);
    return batch.result();
  }
  if (!alarm) throw new Error(`command ${command.type} without an alarm`);

  switch (command.type) {
    case 'press':
      requireOpen(alarm, 'press');
      // One alarm per incident: a repeated press is folded in, never a second pop-up.
      batch.add({ type: 'press-folded', at: ctx.now, sourceEventId: command.sourceEventId });
      batch.effect({ type: 'update' });
      // After a duress cancel the device shows "cancelled"; a new press there is a new cry for
      // help, not a repeat: the chain goes on at once (the device still hears only "cancelled").
      if (alarm.duress) {
        escalateNow(batch, ctx);
        batch.effect({ type: 'device-feedback', action: 'cancelled' });
        break;
      }
      batch.effect({ type: 'device-feedback', action: alarm.state === 'raised' ? 'received' : 'help-coming' });
      break;
    case 'add-cause':
      requireOpen(alarm, 'cause-added');
      // A new cause (man-down, missed check-in) on a device whose alarm is open: never queued
      // behind it. Recorded on the alarm, shown on the consoles, and the chain moves on now.
      batch.add({ type: 'cause-added', at: ctx.now, cause: command.cause });
      batch.effect({ type: 'update' });
      escalateNow(batch, ctx);
      break;
    case 'acknowledge':
      requireOpen(alarm, 'acknowledged');
      if (alarm.state !== 'raised') break; // already owned: acknowledging again changes nothing
      batch.add({ type: 'acknowledged', at: ctx.now, actor: command.actor });
      batch.effect({ type: 'update' });
      batch.effect({ type: 'device-feedback', action: 'help-coming' });
      break;
    case 'respond':
      requireOpen(alarm, 'responding');
      if (isResponder(alarm, command.actor)) break;
      batch.add({ type: 'responding', at: ctx.now, actor: command.actor });
      batch.effect({ type: 'update' });
      // The presser learns that help is coming once; later responders only update the consoles.
      if (alarm.state === 'raised') batch.effect({ type: 'device-feedback', action: 'help-coming' });
      break;
    case 'resolve':
      requireOpen(alarm, 'resolved');
      batch.add({ type: 'resolved', at: ctx.now, actor: command.actor, outcome: command.outcome });
      batch.effect({ type: 'clear' });
      restore(batch, alarm);
      batch.effect({ type: 'device-feedback', action: 'resolved' });
      break;
    case 'cancel':
      requireOpen(alarm, 'cancelled');
      batch.add({ type: 'cancelled', at: ctx.now, actor: command.actor });
      batch.effect({ type: 'clear' });
      restore(batch, alarm);
      batch.effect({ type: 'device-feedback', action: 'cancelled' });
      break;
    case 'duress-cancel':
      requireOpen(alarm, 'cancelled');
      // Safety rule "covert duress": the aggressor sees a cancelled alarm; responders see the truth.
      batch.add({ type: 'duress-cancelled', at: ctx.now, actor: command.actor });
      batch.effect({ type: 'update' });
      batch.effect({ type: 'device-feedback', action: 'cancelled' });
      break;
    case 'locate':
      requireOpen(alarm, 'located');
      batch.add({ type: 'located', at: ctx.now, location: command.location });
      batch.effect({ type: 'update' });
      break;
    case 'delivery-failed':
      if (!isOpen(alarm.state)) break;
      batch.add({ type: 'delivery-failed', at: ctx.now, step: command.step, target: command.target, error: command.error });
      // The failed step's recipients can never answer: go on at once (only if that step is the current one).
      if (command.step === alarm.lastStep && alarm.nextStepDueAt !== null) runSteps(batch, alarm.lastStep + 1, ctx);
      break;
    case 'on-scene':
      requireOpen(alarm, 'on-scene');
      if (alarm.onSceneAt !== undefined) break;
      batch.add({ type: 'on-scene', at: ctx.now, actor: command.actor });
      batch.effect({ type: 'update' });
      break;
    case 'escalate':
      // Stale timers (alarm closed, acknowledged in time, or deadline moved) fire harmlessly.
      if (!isOpen(alarm.state) || alarm.nextStepDueAt === null || alarm.nextStepDueAt > ctx.now) break;
      escalate(batch, alarm, ctx);
      break;
  }
  return batch.result();
}

/**
 * Fires steps from `first` on. Presence-aware: a step whose targets have nobody online is
 * skipped at once and recorded, and the next step fires in the same instant (small-office rule:
 * nobody waits for a timeout that cannot be met).
 */
function runSteps(batch: Batch, first: number, ctx: DecideContext): void {
  const steps = batch.alarm.chain.steps;
  for (let step = first; step < steps.length; step++) {
    const { stations, online, notifications = [] } = ctx.resolveStep(batch.alarm, step);
    // A step reaches someone through an online console or a message (external parties and
    // people's phones are reachable; a failed delivery comes back as `delivery-failed`).
    if (online.length === 0 && notifications.length === 0) {
      batch.add({ type: 'step-skipped', at: ctx.now, step, reason: stations.length === 0 ? 'no-targets' : 'nobody-online', stations });
      continue;
    }
    batch.add({ type: 'step-notified', at: ctx.now, step, stations, online, ...(notifications.length ? { notifications } : {}) });
    if (stations.length > 0) batch.effect({ type: 'popup', stations });
    if (notifications.length > 0) batch.effect({ type: 'notify', step, notifications });
    return;
  }
  const reachedNobody = batch.alarm.lastNotifiedStep === -1;
  batch.add({ type: 'chain-exhausted', at: ctx.now, reachedNobody });
  if (reachedNobody) batch.effect({ type: 'reached-nobody' });
}

/**
 * A new cause escalates at once: the next step of the chain, or, when the last step has already
 * fired, the last (loud) step again. Nobody waits for the current step's timeout.
 */
function escalateNow(batch: Batch, ctx: DecideContext): void {
  const alarm = batch.alarm;
  const steps = alarm.chain.steps;
  if (steps.length === 0) return;
  if (alarm.lastStep + 1 < steps.length) return runSteps(batch, alarm.lastStep + 1, ctx);
  fireAgain(batch, steps.length - 1, ctx);
}

function escalate(batch: Batch, alarm: Alarm, ctx: DecideContext): void {
  const steps = alarm.chain.steps;
  // As in nextDeadline: an alarm that reached nobody waits on the last step that fired.
  const waitedFor = steps[alarm.lastNotifiedStep] ?? steps[alarm.lastStep];
  const untilReached = waitedFor !== undefined && reached(alarm.state, (waitedFor.until ?? 'acknowledged') as UntilStateRank);
  if (!untilReached && alarm.lastStep + 1 < steps.length) return runSteps(batch, alarm.lastStep + 1, ctx);
  if (!untilReached && steps[alarm.lastStep]?.repeatSeconds) return fireAgain(batch, alarm.lastStep, ctx);
  if (alarm.state !== 'raised' && alarm.onSceneAt === undefined && alarm.onSceneSeconds) {
    // Safety rule: owned but nobody on scene in time — escalate loudly again.
    batch.add({ type: 're-escalated', at: ctx.now, reason: 'not-on-scene' });
    fireAgain(batch, steps.length - 1, ctx);
  }
}

/** The loud last step again: a new round of messages (its own dedupe key), pop-ups where new. */
function fireAgain(batch: Batch, step: number, ctx: DecideContext): void {
  const repeat = (batch.alarm.repeats ?? 0) + 1;
  const { stations, online, notifications = [] } = ctx.resolveStep(batch.alarm, step);
  if (online.length === 0 && notifications.length === 0) {
    batch.add({ type: 'step-skipped', at: ctx.now, step, reason: stations.length === 0 ? 'no-targets' : 'nobody-online', stations, repeat });
    batch.effect({ type: 'reached-nobody' });
    return;
  }
  batch.add({ type: 'step-notified', at: ctx.now, step, stations, online, repeat, ...(notifications.length ? { notifications } : {}) });
  if (stations.length > 0) batch.effect({ type: 'popup', stations });
  if (notifications.length > 0) batch.effect({ type: 'notify', step, repeat, notifications });
}

function restore(batch: Batch, before: Alarm): void {
  if (before.notifiedExternal?.length) batch.effect({ type: 'restore', notifications: before.notifiedExternal });
}

function requireOpen(alarm: Alarm, wanted: string): void {
  if (!isOpen(alarm.state)) {
    throw new TryggError(wanted === alarm.state ? 'TRYGG_SRV_ALARM_CLOSED' : 'TRYGG_SRV_INVALID_TRANSITION',
      wanted === alarm.state ? [alarm.id, alarm.state] : [alarm.id, alarm.state, wanted]);
  }
}

function isResponder(alarm: Alarm, actor: Actor): boolean {
  return actor.type === 'user' && alarm.responders.some((r) => r.username === actor.username);
}

class Batch {
  readonly events: AlarmEvent[] = [];
  readonly effects: AlarmEffect[] = [];
  private current: Alarm | null;

  constructor(alarm: Alarm | null, readonly now: number) {
    this.current = alarm;
  }

  get alarm(): Alarm {
    if (!this.current) throw new Error('no alarm yet');
    return this.current;
  }

  add(event: AlarmEvent): void {
    this.current = apply(this.current, event);
    this.events.push(event);
  }

  effect(effect: AlarmEffect): void {
    // Technical alarms are about a device, not from a person pressing it: nothing to confirm.
    if (effect.type === 'device-feedback' && this.current?.kind === 'technical') return;
    this.effects.push(effect);
  }

  result(): Decision {
    return { events: this.events, effects: this.effects, alarm: this.alarm };
  }
}
