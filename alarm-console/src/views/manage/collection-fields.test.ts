// The device form's HID binding fields: labelled in both languages, the hex ids checked as the
// server checks them, and the model list the same as the gateway's.
import { describe, expect, it } from 'vitest';
import { hidModels } from '../../../../gateway/src/transports/hid/hid-models';
import { USB_ID_HEX_PATTERN } from '../../../../protocol/src/messages/device-directory';
import { setLanguage } from '../../i18n/i18n';
import { COLLECTION_SPECS, HID_MODELS } from './collection-fields';

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

  it('takes the ids as 4 hex digits, like the server, and offers the gateway\'s models', () => {
    for (const name of ['hidVendorId', 'hidProductId']) {
      const browser = new RegExp(`^(?:${deviceField(name).pattern})$`); // how the HTML pattern attribute matches
      const server = new RegExp(USB_ID_HEX_PATTERN);
      for (const value of ['1a86', 'E026', '0001', '1a8', '1a86e', 'g000', '0x1a']) expect(browser.test(value), value).toBe(server.test(value));
    }
    expect(deviceField('hidModel').options!({} as never).map((o) => o.value)).toEqual(hidModels.map((m) => m.model));
    expect([...HID_MODELS]).toEqual(hidModels.map((m) => m.model));
  });
});
