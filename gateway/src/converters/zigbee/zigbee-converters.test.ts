import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  findZigbeeConverter,
  genericSosConverter,
  zigbeeConverterFor,
  zigbeeConverters,
  type ZigbeePayload,
  type ZigbeeReading,
} from './zigbee-converters';

/** Real-shaped Zigbee2MQTT payloads per model (fixtures/README.md says where they come from). */
const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/zigbee2mqtt-sos-payloads.simulated.json', import.meta.url), 'utf8'),
) as Record<string, ZigbeePayload[]>;

/** What each fixture payload must read as, in fixture order. */
const expected: Record<string, ZigbeeReading[]> = {
  TS0215A_sos: [{ battery: 100 }, { battery: 100, pressAction: 'emergency' }],
  SEB01ZB: [
    { battery: 87 },
    { battery: 87, alarm: true, tamper: false, batteryLow: false },
    { battery: 87, alarm: false, tamper: false, batteryLow: false },
  ],
  PB206: [
    { alarm: true, batteryLow: false },
    { alarm: false, batteryLow: false },
  ],
  'HS1EB/HS1EB-E': [
    { battery: 95 },
    { battery: 95, pressAction: 'single' },
    { battery: 95, pressAction: 'double' },
    { battery: 95, pressAction: 'hold' },
  ],
  'MIR-SO100': [{ battery: 76 }, { battery: 76, pressAction: 'hold' }, { battery: 76, pressAction: 'single' }],
  SE21: [{ pressAction: 'single' }, { pressAction: 'hold' }],
};

const isPress = (r: ZigbeeReading) => r.pressAction !== undefined || r.alarm === true;

describe('Zigbee converters against the fixture payloads', () => {
  it('has a converter and an expectation for every fixture model, and nothing more', () => {
    expect(Object.keys(expected).sort()).toEqual(Object.keys(fixture).sort());
    for (const model of Object.keys(fixture)) expect(findZigbeeConverter(model), model).toBeDefined();
  });

  for (const [model, payloads] of Object.entries(fixture)) {
    describe(model, () => {
      const converter = zigbeeConverterFor(model);

      payloads.forEach((payload, i) => {
        const want = expected[model]![i]!;
        it(`payload ${i} ${JSON.stringify(payload)} -> ${isPress(want) ? 'press' : 'no press'}`, () => {
          expect(converter.convert(payload)).toEqual(want);
        });

        it(`payload ${i} reads the same with last_seen and the extra keys real devices send`, () => {
          const real = { ...payload, last_seen: '2026-01-05T09:00:00.000Z', update: { state: 'idle' }, voltage: 2900, device: { friendlyName: 'x' } };
          const { battery: _b, ...rest } = want;
          const got = converter.convert(real);
          expect(got).toMatchObject(rest);
          if ('battery' in payload) expect(got.battery).toBe(want.battery);
        });

        if ('action' in payload) {
          it(`payload ${i} as a reset (action "" or null, Zigbee2MQTT 1.x) is no press`, () => {
            for (const action of ['', null, '  ']) {
              const reading = converter.convert({ ...payload, action });
              expect(reading.pressAction).toBeUndefined();
              expect(reading.otherAction).toBeUndefined();
            }
          });
        }
      });

      it('payloads without any field it knows say nothing', () => {
        expect(converter.convert({ linkquality: 120 })).toEqual({});
        expect(converter.convert({ battery: 'low', sos: 'maybe', action: 42 })).toEqual({});
      });
    });
  }

  it('reads the model id case-insensitively and by its short names', () => {
    expect(findZigbeeConverter('ts0215a_sos')?.vendor).toBe('Tuya');
    expect(findZigbeeConverter('HS1EB-E')?.vendor).toBe('Heiman');
    expect(findZigbeeConverter('HS1EB')?.vendor).toBe('Heiman');
    expect(findZigbeeConverter('no-such-model')).toBeUndefined();
    expect(zigbeeConverterFor(undefined)).toBe(genericSosConverter);
    expect(zigbeeConverterFor('no-such-model')).toBe(genericSosConverter);
  });

  it('ORVIBO SE21 "off" is the zone returning to idle, not a press', () => {
    expect(zigbeeConverterFor('SE21').convert({ action: 'off', linkquality: 90 })).toEqual({});
  });

  it('Tuya remote keys other than the SOS key are not presses', () => {
    expect(zigbeeConverterFor('TS0215A').convert({ action: 'arm_all_zones' })).toEqual({ otherAction: 'arm_all_zones' });
  });

  it('a device config can narrow the press actions, e.g. to "hold" only', () => {
    const heiman = zigbeeConverterFor('HS1EB/HS1EB-E');
    const pressActions = new Set(['hold']);
    expect(heiman.convert(fixture['HS1EB/HS1EB-E']![1]!, { pressActions })).toEqual({ battery: 95, otherAction: 'single' });
    expect(heiman.convert(fixture['HS1EB/HS1EB-E']![3]!, { pressActions })).toEqual({ battery: 95, pressAction: 'hold' });
  });

  it('reports tamper and low battery from IAS buttons, and clamps odd battery values', () => {
    const feibit = zigbeeConverterFor('SEB01ZB');
    expect(feibit.convert({ battery: 3.6, sos: false, tamper: true, battery_low: true })).toEqual({
      battery: 4,
      alarm: false,
      tamper: true,
      batteryLow: true,
    });
    expect(feibit.convert({ battery: 130 }).battery).toBe(100);
    expect(feibit.convert({ battery: -1 }).battery).toBe(0);
    expect(feibit.convert({ battery: null }).battery).toBeUndefined();
  });
});

describe('generic fallback converter on every fixture payload', () => {
  for (const [model, payloads] of Object.entries(fixture)) {
    payloads.forEach((payload, i) => {
      it(`${model} payload ${i}`, () => {
        const reading = genericSosConverter.convert(payload);
        if ('sos' in payload) expect(reading.alarm).toBe(payload.sos);
        else expect(reading.alarm).toBeUndefined();
        // Only emergency actions are presses without a model; other actions are reported.
        if (payload.action === 'emergency') expect(reading.pressAction).toBe('emergency');
        else if (typeof payload.action === 'string') expect(reading).toMatchObject({ otherAction: payload.action });
        else expect(reading.pressAction).toBeUndefined();
        if (typeof payload.battery === 'number') expect(reading.battery).toBe(payload.battery);
      });
    });
  }

  it('knows `emergency: true` flags and the press actions of the device config', () => {
    expect(genericSosConverter.convert({ emergency: true })).toEqual({ alarm: true });
    expect(genericSosConverter.convert({ emergency: false, sos: false })).toEqual({ alarm: false });
    expect(genericSosConverter.convert({ action: 'sos' })).toEqual({ pressAction: 'sos' });
    expect(genericSosConverter.convert({ action: 'single' }, { pressActions: new Set(['single']) })).toEqual({ pressAction: 'single' });
  });

  it('every model converter is listed once', () => {
    const models = zigbeeConverters.flatMap((c) => c.match.models.map((m) => m.toLowerCase()));
    expect(new Set(models).size).toBe(models.length);
  });
});
