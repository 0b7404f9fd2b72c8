import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CAUSE_FACTORS, REPORT_EVENTS, REPORT_RED_LIST } from './report-catalogue';
import { observedLikelihood, RISK_RULE, riskLevel } from './risk-rule';

/** The report itself, kept in the repository (docs/seed) so the check always runs. */
const REPORT = fileURLToPath(new URL('../../../docs/seed/nav-hordaland-safety-report-2014.txt', import.meta.url));
const squash = (s: string) => s.replace(/\s+/g, ' ').trim();

describe('the ROS risk matrix rule', () => {
  it('makes exactly the events the report lists as red come out red, and no other', () => {
    const red = REPORT_EVENTS.filter((e) => riskLevel(e.likelihood, e.consequence) === 'red').map((e) => e.id).sort();
    expect(red).toEqual(REPORT_RED_LIST.map((r) => r.eventId).sort());
    expect(red).toHaveLength(14);
    expect(REPORT_EVENTS.filter((e) => riskLevel(e.likelihood, e.consequence) !== 'red')).toHaveLength(23);
  });

  it('the red list names events of the tables (its wording differs in places), each once', () => {
    const ids = REPORT_RED_LIST.map((r) => r.eventId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(REPORT_EVENTS.some((e) => e.id === id), id).toBe(true);
  });

  it('is a cell matrix: every cell of the report holds only red or only non-red events', () => {
    const redIds = new Set(REPORT_RED_LIST.map((r) => r.eventId));
    const cells = new Map<string, Set<boolean>>();
    for (const e of REPORT_EVENTS) {
      const key = `${e.likelihood},${e.consequence}`;
      cells.set(key, (cells.get(key) ?? new Set()).add(redIds.has(e.id)));
    }
    for (const [cell, kinds] of cells) expect(kinds.size, `cell ${cell}`).toBe(1);
  });

  it('never lowers the level when likelihood or consequence goes up', () => {
    const rank = { green: 0, yellow: 1, red: 2 } as const;
    for (let l = 1; l <= 5; l++) {
      for (let c = 1; c <= 5; c++) {
        if (l < 5) expect(rank[riskLevel(l + 1, c)]).toBeGreaterThanOrEqual(rank[riskLevel(l, c)]);
        if (c < 5) expect(rank[riskLevel(l, c + 1)]).toBeGreaterThanOrEqual(rank[riskLevel(l, c)]);
        expect(RISK_RULE.matrix[l - 1]![c - 1]).toBe(riskLevel(l, c));
      }
    }
    expect(riskLevel(1, 1)).toBe('green');
    expect(riskLevel(4, 2)).toBe('yellow');
    expect(riskLevel(5, 1)).toBe('yellow');
  });

  it('bins observed counts over 12 months on the report likelihood scale', () => {
    expect([0, 1, 9, 10, 39, 40, 199, 200, 1000].map(observedLikelihood)).toEqual([1, 2, 2, 3, 3, 4, 4, 5, 5]);
  });

  it('ships 25 threats and 12 violence events with stable unique ids', () => {
    expect(REPORT_EVENTS.filter((e) => e.group === 'threats')).toHaveLength(25);
    expect(REPORT_EVENTS.filter((e) => e.group === 'violence')).toHaveLength(12);
    expect(new Set(REPORT_EVENTS.map((e) => e.id)).size).toBe(REPORT_EVENTS.length);
    expect(CAUSE_FACTORS).toHaveLength(26);
  });

  it('copies likelihood and consequence of every event from the report text', () => {
    const lines = readFileSync(REPORT, 'utf8').split('\n').map(squash);
    for (const e of REPORT_EVENTS) {
      const line = lines.find((l) => l.startsWith(`${squash(e.name.nn)} `) && /\d \d$/.test(l));
      expect(line, e.name.nn).toBeDefined();
      expect(line!.endsWith(`${e.reportWord} ${e.likelihood} ${e.consequence}`), line).toBe(true);
    }
    const text = squash(readFileSync(REPORT, 'utf8'));
    for (const r of REPORT_RED_LIST) expect(text.includes(squash(r.listed)), r.listed).toBe(true);
    // The table prints "to linjer stat/kommune, 2": a trailing comma is the table's, not the name's.
    for (const c of CAUSE_FACTORS) expect(lines.some((l) => l.replace(/, (\d)$/, ' $1') === `${squash(c.name.nn)} ${c.triggerLikelihood}`), c.name.nn).toBe(true);
  });
});
