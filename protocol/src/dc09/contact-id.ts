/**
 * [DC-09 5.5.1.7, ADM-CID] Ademco Contact ID (SIA DC-05) carried in a DC-09 data block:
 *
 *   #<acct>|<Q><EEE> <GG> <CCC>      e.g. #1234|1120 01 003
 *
 * Q is the event qualifier (1 new event or opening, 3 restore or closing, 6 previously reported
 * condition still present), EEE the event code, GG the partition (group), CCC the zone or user.
 */
export type ContactIdQualifier = 1 | 3 | 6;

export interface ContactIdEvent {
  account?: string;
  qualifier: ContactIdQualifier;
  /** Three digits, e.g. `120`. */
  event: string;
  /** 0-99. */
  partition: number;
  /** 0-999: the zone, or the user number for opening/closing events. */
  zone: number;
}

const CID = /^(?:#?([0-9A-Za-z]{1,16})\|)?([136])([0-9]{3}) ([0-9]{2}) ([0-9]{3})$/;

export function encodeContactId(e: ContactIdEvent): string {
  if (!/^[0-9]{3}$/.test(e.event)) throw new Error('Contact ID event code must be three digits');
  if (!Number.isInteger(e.partition) || e.partition < 0 || e.partition > 99) throw new Error('Contact ID partition must be 0-99');
  if (!Number.isInteger(e.zone) || e.zone < 0 || e.zone > 999) throw new Error('Contact ID zone must be 0-999');
  const acct = e.account !== undefined ? `#${e.account}|` : '';
  return `${acct}${e.qualifier}${e.event} ${String(e.partition).padStart(2, '0')} ${String(e.zone).padStart(3, '0')}`;
}

/** Parses a Contact ID data block; null when it is not one. */
export function parseContactId(data: string): ContactIdEvent | null {
  const m = CID.exec(data);
  if (!m) return null;
  return {
    ...(m[1] !== undefined ? { account: m[1] } : {}),
    qualifier: Number(m[2]) as ContactIdQualifier,
    event: m[3]!,
    partition: Number(m[4]),
    zone: Number(m[5]),
  };
}
