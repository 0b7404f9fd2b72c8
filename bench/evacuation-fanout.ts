/**
 * Issue figure for evacuations: fan-out to 500 people (SMS and a voice call each) through the
 * loopback fake provider, on the real clock and the real notification pipeline (stored before
 * sent, deduped, retried, recorded), and how many messages reached anyone twice.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { systemClock } from '@trygg/protocol';
import { bootEvacuation, evacuationConfig, login } from '../server/src/evacuation/evacuation-test-harness';

export interface EvacuationFigure {
  people: number;
  /** Start request answered: every notification stored and handed to the dispatcher. */
  storedMs: number;
  /** Every SMS and voice message delivered to the provider. */
  deliveredMs: number;
  /** Messages the provider received more than once. */
  duplicates: number;
}

export async function measureEvacuationFanout(people = 500): Promise<EvacuationFigure> {
  const dir = mkdtempSync(join(tmpdir(), 'trygg-bench-evacuation-'));
  const office = await bootEvacuation(dir, systemClock, evacuationConfig(undefined, people - 4));
  try {
    const cookie = await login(office.app, 'manager');
    const t0 = performance.now();
    const res = await office.app.inject({ method: 'POST', url: '/api/v1/sites/demo/evacuations', headers: { cookie }, payload: { drill: true } });
    if (res.statusCode !== 201) throw new Error(`evacuation start answered ${res.statusCode}: ${res.body}`);
    const storedMs = performance.now() - t0;
    while (office.sms.delivered().length < people || office.voice.delivered().length < people) await new Promise((r) => setTimeout(r, 5));
    const deliveredMs = performance.now() - t0;
    await new Promise((r) => setTimeout(r, 200)); // any late retry would show here
    const duplicates = [office.sms, office.voice].reduce((n, p) => n + p.messages.filter((m) => m.duplicate).length + (p.received.length - people), 0);
    return { people, storedMs, deliveredMs, duplicates };
  } finally {
    await office.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
