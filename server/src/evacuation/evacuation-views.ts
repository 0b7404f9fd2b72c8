import type { ConsoleEvacuation, RollCallCounts, RollCallState } from '@trygg/protocol';
import { iso } from '../iso-time';
import { consoleBanner } from './evacuation-templates';
import {
  userRecipient, type AnswerVia, type DeliveryState, type Evacuation, type EvacuationChannel, type EvacuationDelivery, type EvacuationPerson,
} from './evacuation-types';
import { countRollCall, ROLL_CALL_ORDER, rollCallState } from './roll-call';

/** How an evacuation and its roll call look on the wire (REST and console). Pure. */

export function toEvacuationResource(e: Evacuation) {
  return {
    id: e.id, siteId: e.siteId, drill: e.drill, state: e.state, trigger: e.trigger, startedAt: iso(e.startedAt)!, startedBy: e.startedBy,
    deviceId: e.deviceId, message: e.message, alarmId: e.alarmId, assemblyPoint: e.texts.assemblyPoint,
    banner: consoleBanner(e.texts, e.drill), fanoutMs: e.fanoutMs, endedAt: iso(e.endedAt), endedBy: e.endedBy,
  };
}

export function toConsoleEvacuation(e: Evacuation, person?: EvacuationPerson): ConsoleEvacuation {
  return {
    id: e.id, siteId: e.siteId, drill: e.drill, startedAt: iso(e.startedAt)!, banner: consoleBanner(e.texts, e.drill),
    assemblyPoint: e.texts.assemblyPoint, state: e.state, ...(person?.answer === 'safe' ? { safe: true } : {}),
  };
}

export interface RollCallPerson {
  username: string;
  name: string;
  state: RollCallState;
  safeAt?: string;
  via?: AnswerVia;
  /** When they asked for help (voice 2 / SMS HJELP). */
  needsHelpAt?: string;
  channels: { channel: EvacuationChannel; state: DeliveryState; detail?: string }[];
}

export function rollCallPerson(person: EvacuationPerson, deliveries: EvacuationDelivery[]): RollCallPerson {
  const state = rollCallState(person, deliveries);
  return {
    username: person.username, name: person.name, state,
    ...(person.answer === 'safe' ? { safeAt: iso(person.answeredAt) } : {}),
    ...(person.answer === 'needs-help' ? { needsHelpAt: iso(person.answeredAt) } : {}),
    ...(person.via ? { via: person.via } : {}),
    channels: deliveries.map((d) => ({ channel: d.channel, state: d.state, ...(d.state === 'failed' && d.detail ? { detail: d.detail } : {}) })),
  };
}

/** The live roll call: people (help and unreached first), the external receivers, and the counts. */
export function rollCallView(e: Evacuation, people: EvacuationPerson[], deliveries: EvacuationDelivery[]): {
  evacuation: ReturnType<typeof toEvacuationResource>;
  people: RollCallPerson[];
  parties: { target: string; channel: EvacuationChannel; state: DeliveryState }[];
  counts: RollCallCounts;
} {
  const byRecipient = new Map<string, EvacuationDelivery[]>();
  for (const d of deliveries) {
    const list = byRecipient.get(d.recipientId);
    if (list) list.push(d);
    else byRecipient.set(d.recipientId, [d]);
  }
  const rows = people
    .map((p) => rollCallPerson(p, byRecipient.get(userRecipient(p.username)) ?? []))
    .sort((a, b) => ROLL_CALL_ORDER[a.state] - ROLL_CALL_ORDER[b.state] || a.name.localeCompare(b.name, 'nb'));
  return {
    evacuation: toEvacuationResource(e),
    people: rows,
    parties: deliveries.filter((d) => d.recipientId.startsWith('party:')).map((d) => ({ target: d.target, channel: d.channel, state: d.state })),
    counts: countRollCall(rows.map((r) => r.state)),
  };
}
