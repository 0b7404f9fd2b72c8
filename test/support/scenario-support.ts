import { join, resolve } from 'node:path';
import type { ConsoleAlarm } from '@trygg/protocol';
import type { ConsoleClient } from './console-client';

/** The scenario files shipped with the simulator (firmware-sim/scenarios/*.yaml). */
export const SCENARIOS_DIR = resolve(import.meta.dirname, '../../firmware-sim/scenarios');

export function scenarioFile(name: string): string {
  return join(SCENARIOS_DIR, name);
}

/**
 * Waits for a pop-up on `console` and says when it arrived (Date.now(), to the millisecond: the
 * client wakes on every message), so a timeline test can compare it with when the simulator acted.
 */
export async function popupArrival(console: ConsoleClient, match: (a: ConsoleAlarm) => boolean, timeoutMs?: number): Promise<{ alarm: ConsoleAlarm; at: number }> {
  const alarm = await console.waitForPopup(match, timeoutMs);
  return { alarm, at: Date.now() };
}
