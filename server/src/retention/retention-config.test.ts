import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfigFile, validateConfig } from '../config/load-config';
import { DEMO_CONFIG } from '../environment';
import { retentionOf } from './retention-policy';

/** `sites[].retention` is validated like the rest of the configuration; what a site leaves out takes the default. */
describe('sites[].retention', () => {
  const withRetention = (retention: unknown) => {
    const config = loadConfigFile(DEMO_CONFIG) as unknown as { sites: Record<string, unknown>[] };
    config.sites[0]!.retention = retention;
    return config;
  };
  const problems = (retention: unknown): string[] => {
    try {
      validateConfig(withRetention(retention), 'test');
      return [];
    } catch (err) {
      return (err as ConfigError).problems;
    }
  };

  it('accepts periods in range and fills in the defaults', () => {
    const config = validateConfig(withRetention({ alarmsDays: 180, positionsHours: 12 }), 'test');
    expect(retentionOf(config.sites[0])).toEqual({
      alarmsDays: 180, positionsHours: 12, deviceEventsDays: 90, notificationsDays: 90, evacuationsDays: 365, visitsDays: 90, auditDays: 730,
    });
  });

  it('refuses periods too short to follow an alarm up, fractions and unknown kinds', () => {
    expect(problems({ alarmsDays: 5 }).join()).toContain('sites.0.retention.alarmsDays');
    expect(problems({ positionsHours: 0 }).join()).toContain('sites.0.retention.positionsHours');
    expect(problems({ visitsDays: 1.5 }).join()).toContain('sites.0.retention.visitsDays');
    expect(problems({ auditDays: 30 }).join()).toContain('sites.0.retention.auditDays');
    expect(problems({ photosDays: 3 }).join()).toContain('sites.0.retention');
  });
});
