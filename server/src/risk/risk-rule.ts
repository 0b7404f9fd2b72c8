import type { Consequence, Likelihood, Text } from './report-catalogue';

export type RiskLevel = 'red' | 'yellow' | 'green';

/**
 * The risk level of a cell of the report's 5x5 matrix (likelihood 1-5 x consequence 1-5).
 *
 * Red is derived from the report: its list "Hendingar i raudt felt" names 14 events, and those
 * events sit in exactly the cells (L,C) = (5,2), (3,3), (3,4), (1,4), (1,5), while the other 23
 * sit in (4,2), (3,2), (2,3), (2,2), (1,3), (3,1), (2,1), (1,2), (1,1). No cell holds both a red
 * and a non-red event, so the report's classification is a cell matrix; the simplest monotone
 * rule that reproduces it is
 *
 *   red    <=>  consequence >= 4  (lasting harm or death, however rare)
 *          or   likelihood x consequence >= 9
 *
 * (4,2)=8 and (2,3)=6 stay below 9; (5,2)=10 and (3,3)=9 reach it.
 *
 * Yellow and green are not listed in the report (it only names the three zones: "Tiltak må
 * verta vurdert", "Ikkje signifikant risiko"). Trygg's choice: yellow when not red and
 * likelihood x consequence >= 3, else green.
 */
export function riskLevel(likelihood: Likelihood | number, consequence: Consequence | number): RiskLevel {
  const score = likelihood * consequence;
  if (consequence >= 4 || score >= 9) return 'red';
  if (score >= 3) return 'yellow';
  return 'green';
}

/** The rule as the API gives it: text, the zones' meaning from the report, and every cell. */
export interface RiskRule {
  id: string;
  description: Text;
  levels: Record<RiskLevel, Text>;
  /** matrix[likelihood - 1][consequence - 1]. */
  matrix: RiskLevel[][];
}

export const RISK_RULE: RiskRule = {
  id: 'nav-hordaland-2014',
  description: {
    nn: 'Raud: konsekvens 4 eller 5, eller sannsyn × konsekvens ≥ 9 (gjev nøyaktig dei raude hendingane i rapporten). Gul: sannsyn × konsekvens ≥ 3. Grøn: resten.',
    en: 'Red: consequence 4 or 5, or likelihood × consequence ≥ 9 (reproduces exactly the red events of the report). Yellow: likelihood × consequence ≥ 3. Green: the rest.',
  },
  levels: {
    red: { nn: 'Tiltak naudsynt', en: 'Measures required' },
    yellow: { nn: 'Tiltak må verta vurdert', en: 'Measures must be considered' },
    green: { nn: 'Ikkje signifikant risiko, men risikoreduserande tiltak kan verta vurdert', en: 'No significant risk, but risk-reducing measures may be considered' },
  },
  matrix: [1, 2, 3, 4, 5].map((l) => [1, 2, 3, 4, 5].map((c) => riskLevel(l, c))),
};

/**
 * Observed likelihood from a count of incidents over the last 12 months, on the report's scale.
 * Each bin starts at about 80 % of the scale word's nominal count per year (monthly 12, weekly
 * 52, daily ~250 working days), so holidays and a quiet spell do not drop a level:
 *   0 -> 1 (rarer), 1-9 -> 2 (yearly), 10-39 -> 3 (monthly), 40-199 -> 4 (weekly), >= 200 -> 5 (daily).
 */
export const OBSERVED_BINS: readonly { likelihood: Likelihood; minCount: number }[] = [
  { likelihood: 5, minCount: 200 },
  { likelihood: 4, minCount: 40 },
  { likelihood: 3, minCount: 10 },
  { likelihood: 2, minCount: 1 },
  { likelihood: 1, minCount: 0 },
];

export function observedLikelihood(count12m: number): Likelihood {
  return OBSERVED_BINS.find((b) => count12m >= b.minCount)!.likelihood;
}
