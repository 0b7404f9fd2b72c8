// Pure helpers of the safety-work pages: times typed on the office's clock, the risk matrix's
// cells, routes and role gating.
import { describe, expect, it } from 'vitest';
import type { RiskEvent, RiskLevel } from '@trygg/protocol';
import { setLanguage } from '../i18n/i18n';
import { levelCounts, matrixRows } from './risk-matrix';
import { can } from './roles';
import { parseRoute, routeHref, SAFETY_PAGES } from './route';
import { formatDate, formatMonth, fromLocalInput, toLocalInput } from './site-time';

describe('times on the office\'s clock', () => {
  it('reads a datetime-local value in the site\'s zone, also across summer time', () => {
    expect(fromLocalInput('2025-03-04T10:15', 'Europe/Oslo')).toBe('2025-03-04T09:15:00.000Z');
    expect(fromLocalInput('2025-07-04T10:15', 'Europe/Oslo')).toBe('2025-07-04T08:15:00.000Z');
    expect(fromLocalInput('2025-03-30T03:30', 'Europe/Oslo')).toBe('2025-03-30T01:30:00.000Z'); // the first hour after the change
    expect(fromLocalInput('2025-03-04T10:15', 'UTC')).toBe('2025-03-04T10:15:00.000Z');
    expect(fromLocalInput('not a time', 'UTC')).toBeNull();
  });
  it('writes an instant as the office\'s clock, and round-trips', () => {
    expect(toLocalInput('2025-03-04T09:15:00Z', 'Europe/Oslo')).toBe('2025-03-04T10:15');
    expect(toLocalInput('2025-12-31T23:30:00Z', 'Europe/Oslo')).toBe('2026-01-01T00:30');
    for (const at of ['2025-01-15T06:00:00.000Z', '2025-10-26T03:30:00.000Z', '2025-06-01T21:59:00.000Z']) {
      expect(fromLocalInput(toLocalInput(at, 'Europe/Oslo'), 'Europe/Oslo')).toBe(at);
    }
    expect(toLocalInput('2025-03-04T09:15:00Z', 'Not/AZone')).toMatch(/^2025-03-04T\d\d:15$/); // a bad zone does not break the page
  });
  it('dates and months in the reader\'s language', () => {
    setLanguage('nb');
    expect(formatDate('2025-03-04T23:30:00Z', 'Europe/Oslo')).toBe('05.03.2025');
    expect(formatMonth('2025-03')).toBe('mars 2025');
    setLanguage('en');
    expect(formatMonth('2025-03')).toBe('March 2025');
    setLanguage('nb');
  });
});

describe('risk matrix', () => {
  const rule = { matrix: [1, 2, 3, 4, 5].map((l) => [1, 2, 3, 4, 5].map((c): RiskLevel => (c >= 4 || l * c >= 9 ? 'red' : l * c >= 3 ? 'yellow' : 'green'))) };
  const event = (id: string, likelihood: number, consequence: number): RiskEvent => ({
    id, group: 'threats', name: { nn: id, en: id }, likelihood, consequence, level: rule.matrix[likelihood - 1]![consequence - 1]!, source: 'report',
    report: { likelihood, consequence, level: 'red', word: '', citation: { section: 'test' } }, observed: { count12m: 0, likelihood: 1, level: 'green', differs: likelihood !== 1 }, measures: [], needsMeasures: false,
  });
  it('places each event in its cell, likelihood 5 on top, with the server\'s level for the cell', () => {
    const events = [event('threat-phone', 5, 2), event('harassment', 5, 2), event('threat-written', 4, 2), event('violence-firearm', 1, 5)];
    const rows = matrixRows({ rule: rule as never, events });
    expect(rows.map((r) => r[0]!.likelihood)).toEqual([5, 4, 3, 2, 1]);
    const cell = (l: number, c: number) => rows.find((r) => r[0]!.likelihood === l)!.find((x) => x.consequence === c)!;
    expect(cell(5, 2)).toMatchObject({ level: 'red' });
    expect(cell(5, 2).events.map((e) => e.id)).toEqual(['threat-phone', 'harassment']);
    expect(cell(4, 2)).toMatchObject({ level: 'yellow' });
    expect(cell(1, 5).events.map((e) => e.id)).toEqual(['violence-firearm']);
    expect(cell(1, 1)).toMatchObject({ level: 'green', events: [] });
    expect(levelCounts(events)).toEqual({ red: 3, yellow: 1, green: 0 });
  });
});

describe('safety-work routes and roles', () => {
  it('routes round-trip, and all belong to the safety pages', () => {
    for (const hash of ['#/incidents', '#/incidents/new', '#/incidents/9b1c', '#/review', '#/risk', '#/drills', '#/drills/d-1', '#/statistics', '#/meetings', '#/banned-clients', '#/evacuation', '#/evacuation/ev-1']) {
      const route = parseRoute(hash);
      expect(routeHref(route)).toBe(hash);
      expect(SAFETY_PAGES).toContain(route.page);
    }
  });
  it('gate the pages as the server does', () => {
    expect(can.report('employee')).toBe(true);
    expect(can.standBy('employee')).toBe(false);
    expect(can.standBy('responder')).toBe(true);
    expect(can.followUp('responder')).toBe(false);
    expect(can.followUp('security')).toBe(true);
    expect(can.readAudit('security')).toBe(false);
    expect(can.readAudit('manager')).toBe(true);
  });
});
