/**
 * [DC-09 5.5.1.7, SIA-DCS] SIA DC-03 ("SIA format") events carried in a DC-09 data block:
 *
 *   #<acct>|N[ri<area>/]<CC><zone>      e.g. #1234|Nri1/PA003
 *
 * `N` starts a new-event block; `ri` sets the area (partition) for the events after it; CC is the
 * two-letter event code and the digits after it the address (zone, or user for openings).
 * Several events may follow one another, separated by `/`.
 */
export interface SiaDcsEvent {
  /** Two upper-case letters, e.g. `PA`. */
  code: string;
  /** The address digits as sent (zone or user), '' when none. */
  address: string;
  /** The `ri` area in force, if any. */
  area?: number;
}

export interface SiaDcsBlock {
  account?: string;
  events: SiaDcsEvent[];
}

export function encodeSiaDcs(e: { account?: string; area?: number; code: string; zone?: number }): string {
  if (!/^[A-Z]{2}$/.test(e.code)) throw new Error('SIA event code must be two upper-case letters');
  if (e.area !== undefined && (!Number.isInteger(e.area) || e.area < 0 || e.area > 99)) throw new Error('SIA area must be 0-99');
  if (e.zone !== undefined && (!Number.isInteger(e.zone) || e.zone < 0 || e.zone > 9999)) throw new Error('SIA zone must be 0-9999');
  const acct = e.account !== undefined ? `#${e.account}|` : '';
  const area = e.area !== undefined ? `ri${e.area}/` : '';
  const zone = e.zone !== undefined ? String(e.zone).padStart(3, '0') : '';
  return `${acct}N${area}${e.code}${zone}`;
}

/**
 * Parses a SIA-DCS data block into its events; null when it is not one. Modifiers other than
 * `ri` (`ti` time, `id` user, `pi` peripheral ...) are skipped, as is `^text^`.
 */
export function parseSiaDcs(data: string): SiaDcsBlock | null {
  const m = /^(?:#?([0-9A-Za-z]{1,16})\|)?N(.*)$/.exec(data.replace(/\^[^^]*\^/g, ''));
  if (!m) return null;
  const events: SiaDcsEvent[] = [];
  let area: number | undefined;
  for (const part of m[2]!.split('/')) {
    let rest = part;
    // Modifiers may share a segment with the event that follows them (`ri1PA001`).
    for (;;) {
      const mod = /^(ri|ti|id|pi|ai)([0-9:]*)/.exec(rest);
      if (!mod) break;
      if (mod[1] === 'ri') area = Number(mod[2]);
      rest = rest.slice(mod[0].length);
    }
    if (rest === '') continue;
    const ev = /^([A-Z]{2})([0-9]*)$/.exec(rest);
    if (!ev) return null;
    events.push({ code: ev[1]!, address: ev[2]!, ...(area !== undefined ? { area } : {}) });
  }
  return events.length > 0 ? { ...(m[1] !== undefined ? { account: m[1] } : {}), events } : null;
}
