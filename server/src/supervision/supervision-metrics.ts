import { Counter, Gauge, Histogram } from 'prom-client';
import type { Metrics } from '../metrics/metrics';

const NAMES = ['trygg_devices_silent', 'trygg_technical_alarms_total', 'trygg_device_tests_overdue', 'trygg_device_offline_detection_ratio'];

/** Supervision's metrics on the server's registry; gauges are sampled at scrape time. */
export function createSupervisionMetrics(registry: Metrics['registry'], sample: { silent: () => number; overdue: () => number }) {
  new Gauge({
    name: 'trygg_devices_silent', help: 'Devices past their heartbeat window (alarmed, or covered by their gateway\'s alarm)',
    registers: [registry], collect() { this.set(sample.silent()); },
  });
  new Gauge({
    name: 'trygg_device_tests_overdue', help: 'Devices not self-tested within their site\'s test period',
    registers: [registry], collect() { this.set(sample.overdue()); },
  });
  return {
    technicalAlarms: new Counter({ name: 'trygg_technical_alarms_total', help: 'Technical alarms raised by supervision, by cause', labelNames: ['cause'], registers: [registry] }),
    /** "Time from a device going silent to its alarm versus the configured window": 1 is on time. */
    detectionRatio: new Histogram({
      name: 'trygg_device_offline_detection_ratio',
      help: 'Silence (last sign of life to device-offline alarm) divided by the configured window',
      buckets: [1, 1.01, 1.05, 1.1, 1.25, 1.5, 2, 3, 5], registers: [registry],
    }),
    remove(): void {
      for (const name of NAMES) registry.removeSingleMetric(name);
    },
  };
}

export type SupervisionMetrics = ReturnType<typeof createSupervisionMetrics>;
