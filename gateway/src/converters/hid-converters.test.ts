import { DEVICE_COMMAND_ACTIONS, decodePanicLedReport } from '@trygg/protocol';
import { describe, expect, it } from 'vitest';
import { loadHidFixture, replayStream } from '../transports/hid/hid-fixtures';
import { hidModels } from '../transports/hid/hid-models';
import { generic } from './generic';
import { pcsensor } from './pcsensor';
import { trygg } from './trygg';

/** Every model against its recorded report streams (fixtures/<model>.json). */
describe.each(hidModels.map((m) => [m.model, m] as const))('%s against its fixtures', (model, converter) => {
  const fixture = loadHidFixture(model);
  const options = { keyCode: fixture.options.keyCode ?? converter.keyCode?.default ?? 0 };

  it('says honestly where its bytes come from', () => {
    expect(fixture.model).toBe(model);
    expect(fixture.provenance).toMatch(/capture/i);
  });

  it.each(Object.entries(fixture.streams))('%s', (_name, stream) => {
    const result = replayStream(converter, options, stream.reports);
    expect(result.edges).toEqual(stream.expect.edges);
    expect(result.counts).toEqual(stream.expect.counts);
    expect(result.otherKeys).toEqual(stream.expect.otherKeys ?? []);
  });

  it('is selected by the ids and collection of the fixture device', () => {
    const { vendorId, productId, usagePage, usage } = fixture.device;
    if (converter.match.ids.length > 0) expect(converter.match.ids).toContainEqual({ vendorId, productId });
    expect(converter.match.collection).toEqual({ usagePage, usage });
  });
});

describe('model catalogue', () => {
  it('has unique model names and one file per vendor', () => {
    const names = hidModels.map((m) => m.model);
    expect(new Set(names).size).toBe(names.length);
    expect([...trygg, ...pcsensor, ...generic].map((m) => m.vendor)).toEqual(['Trygg', 'PCsensor', 'Generic']);
  });
});

describe('feedback', () => {
  it('trygg-panic-v1 shows every action with an output report on its LED', () => {
    const [panic] = trygg;
    const shown = DEVICE_COMMAND_ACTIONS.map((action) => {
      const fb = panic!.feedback!(action);
      expect(fb.type).toBe('output');
      const decoded = decodePanicLedReport(fb.report);
      return [action, decoded.ok ? decoded.value : decoded.error];
    });
    expect(Object.fromEntries(shown)).toEqual({ received: 'blink-slow', 'help-coming': 'on', resolved: 'off', cancelled: 'off', 'pre-alarm': 'blink-fast', reminder: 'blink-fast' });
    expect(Array.from(panic!.feedback!('help-coming').report)).toEqual([0x02, 0x01, 0, 0, 0, 0, 0, 0]);
  });

  it('keyboard-emulating models have no LED', () => {
    expect(pcsensor[0]!.feedback).toBeUndefined();
    expect(generic[0]!.feedback).toBeUndefined();
  });
});
