/**
 * Which standard event code an alarm becomes at the alarm receiving centre (ARC): Contact ID
 * (SIA DC-05) and SIA DC-03 codes. docs/sia-dc09.md has the table with the reasons;
 * event-codes.test.ts keeps that table and this one in step.
 */
import type { AlarmKind } from '../messages/alarm-state';
import type { ContactIdQualifier } from './contact-id';

/** What the ARC is told about; finer than AlarmKind (duress, technical conditions, drills). */
export type Dc09EventKind =
  | 'panic'
  | 'duress'
  | 'personal'
  | 'man-down'
  | 'no-checkin'
  | 'evacuation'
  | 'drill'
  | 'device-offline'
  | 'low-battery'
  | 'tamper'
  | 'gateway-down'
  | 'technical';

/** The technical conditions of the alarm model: device offline, low battery, tamper, gateway down. */
export type Dc09TechnicalCondition = 'device-offline' | 'low-battery' | 'tamper' | 'gateway-down';

export interface Dc09EventCode {
  /** Contact ID event code: sent with qualifier 1 when raised, 3 when restored. */
  cid: string;
  /** SIA code when raised. */
  sia: string;
  /** SIA code when restored (resolved/cancelled). */
  siaRestore: string;
  title: string;
}

export const DC09_EVENT_CODES: Readonly<Record<Dc09EventKind, Dc09EventCode>> = {
  panic: { cid: '120', sia: 'PA', siaRestore: 'PH', title: 'Panic alarm' },
  duress: { cid: '121', sia: 'HA', siaRestore: 'HH', title: 'Duress (silent hold-up)' },
  personal: { cid: '101', sia: 'QA', siaRestore: 'QH', title: 'Personal emergency (portable alarm)' },
  'man-down': { cid: '100', sia: 'MA', siaRestore: 'MH', title: 'Man down (medical emergency)' },
  'no-checkin': { cid: '102', sia: 'QA', siaRestore: 'QH', title: 'Fail to report in (lone worker)' },
  evacuation: { cid: '140', sia: 'UA', siaRestore: 'UH', title: 'Evacuation (general alarm)' },
  drill: { cid: '601', sia: 'RX', siaRestore: 'RX', title: 'Drill (manual test report)' },
  'device-offline': { cid: '381', sia: 'UY', siaRestore: 'UJ', title: 'Device offline (loss of supervision)' },
  'low-battery': { cid: '384', sia: 'XT', siaRestore: 'XR', title: 'Device low battery' },
  tamper: { cid: '383', sia: 'TT', siaRestore: 'TJ', title: 'Device tamper' },
  'gateway-down': { cid: '350', sia: 'YS', siaRestore: 'YK', title: 'Gateway down (communication trouble)' },
  technical: { cid: '380', sia: 'UT', siaRestore: 'UJ', title: 'Technical fault (device trouble)' },
};

/** Codes a drill may produce: never a code an ARC acts on as a real alarm. */
export const DC09_TEST_CID_CODES: ReadonlySet<string> = new Set(['601', '602']);
export const DC09_TEST_SIA_CODES: ReadonlySet<string> = new Set(['RX', 'RP', 'TX']);

export interface Dc09EventInput {
  kind: AlarmKind;
  drill: boolean;
  /** A duress alarm (e.g. raised by a duress PIN): sent as duress/hold-up. */
  duress?: boolean;
  /** For `technical` alarms: which condition; a generic device trouble when unknown. */
  condition?: Dc09TechnicalCondition;
}

export function dc09EventKind(input: Dc09EventInput): Dc09EventKind {
  // Safety rule: a drill never reaches the ARC as a real alarm code, whatever its kind.
  if (input.drill) return 'drill';
  if (input.kind === 'technical') return input.condition ?? 'technical';
  if (input.duress) return 'duress';
  return input.kind;
}

export interface Dc09Event {
  kind: Dc09EventKind;
  restore: boolean;
  cid: { qualifier: ContactIdQualifier; event: string };
  sia: string;
  title: string;
}

/** The codes for an alarm being raised (`restore` false) or resolved/cancelled (`restore` true). */
export function dc09EventFor(input: Dc09EventInput, restore: boolean): Dc09Event {
  const kind = dc09EventKind(input);
  const code = DC09_EVENT_CODES[kind];
  return {
    kind,
    restore,
    cid: { qualifier: restore ? 3 : 1, event: code.cid },
    sia: restore ? code.siaRestore : code.sia,
    title: restore ? `${code.title} — restore` : code.title,
  };
}
