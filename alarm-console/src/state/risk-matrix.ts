// The ROS risk matrix as the console draws it: 5 x 5 cells (likelihood rows from 5 at the top to 1,
// consequence columns 1 to 5), each with the server's level for that cell and the events in it.
// The level rule itself is the server's (`rule.matrix`, docs/incidents-and-risk.md); the console
// never recomputes it, so the colours follow any change of the rule.
import type { RiskEvent, RiskLevel, RiskRegister } from '@trygg/protocol';

export const SCALE = [1, 2, 3, 4, 5] as const;

export interface MatrixCell {
  likelihood: number;
  consequence: number;
  level: RiskLevel;
  events: RiskEvent[];
}

/** Rows from the highest likelihood down, as the report draws its matrix. */
export function matrixRows(register: Pick<RiskRegister, 'rule' | 'events'>): MatrixCell[][] {
  return [...SCALE].reverse().map((likelihood) => SCALE.map((consequence) => ({
    likelihood,
    consequence,
    level: register.rule.matrix[likelihood - 1]?.[consequence - 1] ?? 'green',
    events: register.events.filter((e) => e.likelihood === likelihood && e.consequence === consequence),
  })));
}

/** How many events of each level, for the summary above the matrix. */
export function levelCounts(events: RiskEvent[]): Record<RiskLevel, number> {
  const counts: Record<RiskLevel, number> = { red: 0, yellow: 0, green: 0 };
  for (const e of events) counts[e.level] += 1;
  return counts;
}
