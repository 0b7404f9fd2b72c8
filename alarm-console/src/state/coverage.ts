// Coverage before an alarm: how many responders an alarm from this console's area would reach
// right now (GET /api/v1/coverage), and which rooms reach nobody.
import type { CoverageRoom, SiteView, Station } from '@trygg/protocol';

export interface AreaCoverage {
  /** Rooms of the station's zone (its own room first if it has one). */
  rooms: CoverageRoom[];
  /** The fewest responders online for any room of the area: what an alarm here is sure to reach. */
  respondersOnline: number;
  /** Rooms of the area whose alarms reach nobody now. */
  uncovered: CoverageRoom[];
}

export function areaCoverage(coverage: CoverageRoom[], station: Station, site: SiteView | undefined): AreaCoverage | null {
  const zoneRooms = new Set((site?.rooms ?? []).filter((r) => r.zoneId === station.zoneId).map((r) => r.id));
  const ownRoom = site?.stations.find((s) => s.id === station.id)?.roomId;
  if (ownRoom) zoneRooms.add(ownRoom);
  const rooms = coverage.filter((r) => r.siteId === station.siteId && zoneRooms.has(r.roomId));
  if (rooms.length === 0) return null;
  rooms.sort((a, b) => (a.roomId === ownRoom ? -1 : b.roomId === ownRoom ? 1 : a.roomName.localeCompare(b.roomName)));
  return {
    rooms,
    respondersOnline: Math.min(...rooms.map((r) => r.respondersOnline)),
    uncovered: rooms.filter((r) => r.reachesNobody),
  };
}

export function uncoveredRooms(coverage: CoverageRoom[]): CoverageRoom[] {
  return coverage.filter((r) => r.reachesNobody);
}
