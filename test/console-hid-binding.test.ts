// The console's device form may not import the gateway or the protocol at run time, so it keeps
// its own HID model list and USB id pattern; this keeps them the same as what the server accepts
// and the gateway knows.
import { describe, expect, it } from 'vitest';
import { HID_MODELS, USB_ID_HEX } from '../alarm-console/src/views/manage/hid-binding-values';
import { hidModels } from '../gateway/src/transports/hid/hid-models';
import { USB_ID_HEX_PATTERN } from '../protocol/src/messages/device-directory';

describe('the console\'s HID binding fields match the gateway and the protocol', () => {
  it('offers exactly the gateway\'s HID models', () => {
    expect([...HID_MODELS]).toEqual(hidModels.map((m) => m.model));
  });

  it('accepts in the browser exactly the USB ids the directory schema accepts', () => {
    const server = new RegExp(USB_ID_HEX_PATTERN);
    const browser = new RegExp(`^(?:${USB_ID_HEX})$`); // how the HTML pattern attribute matches
    for (const value of ['1a86', 'E026', '0001', 'ffff', '1a8', '1a86e', 'g000', '0x1a', ' 1a86', '']) expect(browser.test(value), value).toBe(server.test(value));
  });
});
