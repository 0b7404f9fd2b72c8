import type { DeviceBinding } from '@trygg/protocol';
import { describe, expect, it } from 'vitest';
import { mergeHidBindings } from './hid-bindings';
import { resolveHidConfig } from './hid-config';
import { hidModels } from './hid-models';

const fileEntries = resolveHidConfig({
  kind: 'hid',
  devices: [
    { deviceId: 'reception-panic', model: 'trygg-panic-v1' },
    { deviceId: 'counter-pedal', model: 'pcsensor-footswitch', vendorId: 0x1a86, productId: 0xe026 },
  ],
}, hidModels);
const merge = (bindings: Record<string, DeviceBinding>) => mergeHidBindings(fileEntries, new Map(Object.entries(bindings)), hidModels);
const summary = (r: ReturnType<typeof merge>) => r.entries.map((e) => `${e.deviceId}:${e.converter.model}:${e.ids.map((i) => `${i.vendorId.toString(16)}:${i.productId.toString(16)}`).join(',')}${e.serialNumber ? `:${e.serialNumber}` : ''}`);

describe('HID bindings from the device directory beside the settings file', () => {
  it('adds a bound device, picks the model sold with its ids, and replaces the file entry of the same device', () => {
    const r = merge({
      'desk-key': { hidVendorId: '04D8', hidProductId: 'f00d' },
      'counter-pedal': { hidVendorId: '1a86', hidProductId: 'e026', hidSerialNumber: 'P-7' },
      'interview-1': { zigbeeFriendlyName: 'not HID' },
    });
    expect(r.refused).toEqual([]);
    expect(summary(r)).toEqual([
      'reception-panic:trygg-panic-v1:1209:1',
      'desk-key:generic-keyboard-button:4d8:f00d',
      'counter-pedal:pcsensor-footswitch:1a86:e026:P-7',
    ]);
  });

  it('refuses an unknown model, a lone vendor id, and a claim on another device\'s button; the file entry stays', () => {
    const r = merge({
      'reception-panic': { hidVendorId: '1209', hidProductId: '0001', hidModel: 'no-such-model' },
      'desk-key': { hidVendorId: '04d8' },
      'office-2': { hidVendorId: '1a86', hidProductId: 'e026' },
    });
    expect(r.refused.map((x) => x.deviceId)).toEqual(['reception-panic', 'desk-key', 'office-2']);
    expect(r.refused[0]!.problem).toContain('binding.model: unknown model "no-such-model"');
    expect(r.refused[1]!.problem).toContain('vendorId and productId go together');
    expect(r.refused[2]!.problem).toBe('binding: selects the same HID device as "counter-pedal"');
    expect(summary(r)).toEqual(['reception-panic:trygg-panic-v1:1209:1', 'counter-pedal:pcsensor-footswitch:1a86:e026']);
  });
});
