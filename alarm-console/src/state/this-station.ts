// An enrolled station PC (docs/stations.md): on every page load it asks the server which station
// it is (the HttpOnly station cookie answers) and arms itself, with or without a user logged in.
// The last answer is remembered, so a PC that starts while the server is down still arms and
// keeps reconnecting until the server is back.
import { api } from '../api/client';
import { ApiError } from '../api/http';
import type { Station } from '@trygg/protocol';
import type { ConsoleController, StationStatus } from './console-controller';

const HINT_KEY = 'trygg.console.enrolledStation';
const RETRY_MS = [2000, 5000, 15000];

export async function thisStationStatus(): Promise<StationStatus> {
  return (await askServer()).status;
}

async function askServer(): Promise<{ status: StationStatus; station?: Station }> {
  try {
    const { station } = await api.thisStation();
    return { status: 'ok', station };
  } catch (err) {
    if (!(err instanceof ApiError) || err.network || err.status >= 500) return { status: 'unreachable' };
    if (err.code === 'TRYGG_SRV_STATION_REVOKED') return { status: 'revoked' };
    if (err.code === 'TRYGG_SRV_UNKNOWN_STATION') return { status: 'unknown-station' };
    return { status: 'not-enrolled' };
  }
}

/**
 * Arms the controller as this PC's station if it is one. Returns when the answer is known (or,
 * with the server unreachable and a remembered station, once the watch is armed and retrying).
 */
export async function armIfEnrolled(controller: ConsoleController, attempt = 0): Promise<void> {
  const { status, station } = await askServer();
  if (status === 'ok' && station) {
    remember(station);
    controller.armStation(station);
    return;
  }
  if (status === 'unreachable') {
    const hint = remembered();
    // A station that starts before its server: arm with what it was, the socket reconnects until the server answers.
    if (hint) return controller.armStation(hint);
    const wait = RETRY_MS[Math.min(attempt, RETRY_MS.length - 1)]!;
    await new Promise((r) => setTimeout(r, wait));
    return armIfEnrolled(controller, attempt + 1);
  }
  if (status === 'not-enrolled') {
    // It was a station and the cookie is gone (browser data cleared): say so, do not pretend.
    if (remembered()) controller.stationRefused('revoked');
    return;
  }
  controller.stationRefused(status === 'unknown-station' ? 'unknown-station' : 'revoked');
}

/** The PC gives its enrolment up (the server revokes it and clears the cookie). */
export async function forgetThisStation(controller: ConsoleController): Promise<void> {
  await api.forgetThisStation();
  forget();
  controller.disarm();
}

/** Just enrolled from this page: arm at once. */
export function enrolledHere(controller: ConsoleController, station: Station): void {
  remember(station);
  controller.armStation(station);
}

function remember(station: Station): void {
  try {
    localStorage.setItem(HINT_KEY, JSON.stringify({ id: station.id, name: station.name, siteId: station.siteId, zoneId: station.zoneId }));
  } catch {
    // storage disabled: the PC still arms whenever the server answers
  }
}

function forget(): void {
  try {
    localStorage.removeItem(HINT_KEY);
  } catch {
    // nothing remembered
  }
}

function remembered(): Station | null {
  try {
    const s = JSON.parse(localStorage.getItem(HINT_KEY) ?? 'null') as Partial<Station> | null;
    return s && typeof s.id === 'string' && typeof s.name === 'string' && typeof s.siteId === 'string' && typeof s.zoneId === 'string'
      ? { id: s.id, name: s.name, siteId: s.siteId, zoneId: s.zoneId } : null;
  } catch {
    return null;
  }
}
