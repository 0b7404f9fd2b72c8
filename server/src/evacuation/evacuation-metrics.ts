import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** What operators watch of evacuations on `/metrics`; registered once per registry. */
export function evacuationMetrics(registry: Registry) {
  const once = <T>(name: string, make: () => T): T => (registry.getSingleMetric(name) as T | undefined) ?? make();
  return {
    fanout: once('trygg_evacuation_fanout_seconds', () => new Histogram({
      name: 'trygg_evacuation_fanout_seconds',
      help: 'From an evacuation being started to every notification stored and handed to the dispatcher (banners written)',
      labelNames: ['drill'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    })),
    started: once('trygg_evacuations_started_total', () => new Counter({
      name: 'trygg_evacuations_started_total', help: 'Evacuations started', labelNames: ['trigger', 'drill'], registers: [registry],
    })),
    answers: once('trygg_evacuation_answers_total', () => new Counter({
      name: 'trygg_evacuation_answers_total', help: 'Roll-call answers recorded, by channel and answer', labelNames: ['via', 'answer'], registers: [registry],
    })),
    unaccounted: once('trygg_evacuation_unaccounted', () => new Gauge({
      name: 'trygg_evacuation_unaccounted', help: 'People of running evacuations not (yet) known to be safe, by site and roll-call state', labelNames: ['site', 'state'], registers: [registry],
    })),
  };
}

export type EvacuationMetrics = ReturnType<typeof evacuationMetrics>;
