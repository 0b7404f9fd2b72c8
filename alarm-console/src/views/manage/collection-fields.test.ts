// The device form's HID binding fields: labelled in both languages, the ids taken as 4 hex digits.
// That the pattern and the model list match the server's and the gateway's is checked in
// test/console-hid-binding.test.ts (the console may not import them).
import { describe, expect, it } from 'vitest';
import { setLanguage } from '../../i18n/i18n';
import { COLLECTION_SPECS } from './collection-fields';
import { HID_MODELS } from './hid-binding-values';

const HID_FIELDS = ['hidVendorId', 'hidProductId', 'hidModel', 'hidSerialNumber'];
const deviceField = (name: string) => COLLECTION_SPECS.devices.fields.find((f) => f.name === name)!;

describe('the device form\'s HID binding', () => {
  it('has vendor id, product id, model and serial number, labelled in bokmål and English', () => {
    const labels = (lang: 'nb' | 'en') => {
      setLanguage(lang);
      return HID_FIELDS.map((name) => [deviceField(name).label(), deviceField(name).hint?.()]);
    };
    expect(labels('nb')).toEqual([
      ['USB leverandør-id (HID)', expect.stringContaining('Fire heksadesimale sifre')],
      ['USB produkt-id (HID)', expect.stringContaining('e026')],
      ['HID-modell', expect.stringContaining('Tom:')],
      ['HID-serienummer', expect.stringContaining('samme id-er')],
    ]);
    expect(labels('en')).toEqual([
      ['USB vendor id (HID)', expect.stringContaining('Four hex digits')],
      ['USB product id (HID)', expect.stringContaining('e026')],
      ['HID model', expect.stringContaining('Empty:')],
      ['HID serial number', expect.stringContaining('same ids')],
    ]);
    setLanguage('nb');
  });

  it('takes the ids as 4 hex digits in either case, and offers the gateway\'s models', () => {
    for (const name of ['hidVendorId', 'hidProductId']) {
      const browser = new RegExp(`^(?:${deviceField(name).pattern})$`); // how the HTML pattern attribute matches
      expect(['1a86', 'E026', '0001'].filter((v) => browser.test(v))).toHaveLength(3);
      expect(['1a8', '1a86e', 'g000', '0x1a', ''].filter((v) => browser.test(v))).toEqual([]);
    }
    expect(deviceField('hidModel').options!({} as never).map((o) => o.value)).toEqual([...HID_MODELS]);
  });
});
