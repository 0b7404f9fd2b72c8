import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { systemClock } from '@trygg/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { bootEvacuation, evacuationConfig, login, type EvacuationOffice } from './evacuation-test-harness';

/**
 * The figure for the closing note: an evacuation of 500 people through the fake provider (SMS
 * and a voice call each), on the real clock. Nobody gets a message twice; the times are reported,
 * not asserted (they depend on the machine).
 */
describe('evacuation fan-out to 500 people', () => {
  let dir: string;
  let office: EvacuationOffice;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trygg-evacuation-500-'));
    // manager, kollega, per, anne + 496 staff registered at the site, all with a phone.
    office = await bootEvacuation(dir, systemClock, evacuationConfig(undefined, 496));
  });
  afterEach(async () => {
    await office.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reaches every one of 500 people once per channel, and counts 500 answers', async () => {
    const back = await office.console('backoffice', 'kollega');
    const cookie = await login(office.app, 'manager');
    const t0 = performance.now();
    const res = await office.app.inject({ method: 'POST', url: '/api/v1/sites/demo/evacuations', headers: { cookie }, payload: { message: 'Øvingsfri test' } });
    const answeredMs = performance.now() - t0;
    expect(res.statusCode, res.body).toBe(201);
    const { evacuation, counts } = res.json() as { evacuation: { id: string; fanoutMs: number }; counts: { total: number } };
    expect(counts.total).toBe(500);
    expect(back.of('evacuation')).toHaveLength(1);

    await vi.waitFor(() => {
      expect(office.sms.delivered()).toHaveLength(500);
      expect(office.voice.delivered()).toHaveLength(500);
    }, { timeout: 100_000, interval: 10 });
    const allDeliveredMs = performance.now() - t0;

    // A second start (someone else presses too) sends nothing new.
    const again = await office.app.inject({ method: 'POST', url: '/api/v1/sites/demo/evacuations', headers: { cookie }, payload: {} });
    expect(again.json()).toMatchObject({ created: false, evacuation: { id: evacuation.id } });
    await new Promise((r) => setTimeout(r, 100));

    for (const provider of [office.sms, office.voice]) {
      expect(provider.messages.filter((m) => m.duplicate)).toEqual([]);
      expect(provider.messages).toHaveLength(500);
      expect(provider.received).toHaveLength(500); // not even a retry reached the provider
      expect(new Set(provider.messages.map((m) => m.to)).size).toBe(500);
      expect(await office.evacuationMessages(provider)).toHaveLength(500);
    }

    for (const m of office.sms.delivered()) office.sms.reply(m.id, 'TRYGG OK');
    const view = await office.app.inject({ method: 'GET', url: `/api/v1/evacuations/${evacuation.id}`, headers: { cookie } });
    expect(view.json().counts).toEqual({ total: 500, safe: 500, needsHelp: 0, unanswered: 0, unreached: 0 });
    expect(await office.metrics.registry.getSingleMetricAsString('trygg_evacuation_answers_total')).toContain('{via="sms",answer="safe"} 500');

    console.log(`[evacuation fan-out] 500 people, 1000 notifications: stored and dispatched in ${evacuation.fanoutMs} ms `
      + `(REST answer ${answeredMs.toFixed(0)} ms), all delivered by the fake provider in ${allDeliveredMs.toFixed(0)} ms; sent twice: 0`);
  }, 120_000); // a loaded CI machine fsyncs slowly; the times are reported, not asserted
});
