import { decodeKeyboardBootReport, decodePanicButtonReport, encodePanicLedReport, hexToReport } from '@trygg/protocol';
import { describe, expect, it } from 'vitest';
import { SimulatedHidKeyboardButton } from './hid-keyboard-button';
import { SimulatedHidPanicButton } from './hid-panic-button';
import { hidReportStream } from './hid-report-stream';

describe('simulated HID buttons', () => {
  it('the panic button sends decodable reports and shows the LED it is told', () => {
    const button = new SimulatedHidPanicButton();
    const stream = hidReportStream(button, [{ at: 0, do: 'press' }, { at: 800, do: 'release' }]);
    expect(stream).toEqual([
      { t: 0, hex: '01 01 00 00 00 00 00 00' },
      { t: 800, hex: '01 00 00 00 00 00 00 00' },
    ]);
    expect(stream.map((r) => decodePanicButtonReport(hexToReport(r.hex)!))).toMatchObject([{ value: { pressed: true } }, { value: { pressed: false } }]);

    button.receiveOutputReport(encodePanicLedReport('on'));
    expect(button.led).toBe('on');
    button.receiveOutputReport(Uint8Array.of(0x09, 0x01));
    expect(button.led).toBe('on');
    expect(button.ignoredOutputReports).toBe(1);
  });

  it('a pedal types its key, bounces and repeats as scripted', () => {
    const pedal = new SimulatedHidKeyboardButton({ reportId: 1 });
    const stream = hidReportStream(pedal, [
      { at: 0, do: 'press' },
      { at: 1, do: 'bounce' },
      { at: 40, do: 'repeat', everyMs: 40, until: 120 },
      { at: 500, do: 'release' },
    ]);
    expect(stream.map((r) => r.t)).toEqual([0, 1, 4, 40, 80, 120, 500]);
    const held = stream.map((r) => {
      const decoded = decodeKeyboardBootReport(hexToReport(r.hex)!, 1);
      return decoded.ok && decoded.value.keys.includes(0x68);
    });
    expect(held).toEqual([true, false, true, true, true, true, false]);
    expect(new SimulatedHidKeyboardButton({ model: 'generic-keyboard-button' }).report(true)).toHaveLength(8);
  });
});
