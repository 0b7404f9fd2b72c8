import { describe, expect, it } from 'vitest';
import type { AlarmResource } from '@trygg/protocol';
import { isDrillOrTest, isRealAlarm, median, timeToAcknowledge } from './response-times';

const at = (s: number) => new Date(Date.UTC(2026, 0, 5, 9, 0, s)).toISOString();
const alarm = (id: string, ackSeconds: number, extra: Partial<AlarmResource>): AlarmResource =>
  ({ id, kind: 'panic', drill: false, raisedAt: at(0), acknowledgedAt: at(ackSeconds), ...extra }) as AlarmResource;

describe('alarm history figures: real alarms apart from drills and tests', () => {
  it('a mixed set: real (10 s, 30 s), drill (1 s), resolved as test (2 s), technical (3 s)', () => {
    const list = [
      alarm('real-1', 10, { outcome: 'real' }),
      alarm('real-2', 30, { outcome: 'false' }),
      alarm('drill', 1, { drill: true, outcome: 'test' }),
      alarm('test', 2, { outcome: 'test' }),
      alarm('tech', 3, { kind: 'technical', outcome: 'cleared' }),
    ];
    expect(list.filter(isRealAlarm).map((a) => a.id)).toEqual(['real-1', 'real-2']);
    expect(list.filter(isDrillOrTest).map((a) => a.id)).toEqual(['drill', 'test']);
    expect(median(list.filter(isRealAlarm).map(timeToAcknowledge).filter((v): v is number => v !== null))).toBe(20_000);
    expect(median(list.filter(isDrillOrTest).map(timeToAcknowledge).filter((v): v is number => v !== null))).toBe(1_500);
  });
});
