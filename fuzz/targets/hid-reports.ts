import {
  decodeKeyboardBootReport, decodePanicButtonReport, decodePanicLedReport, encodeKeyboardBootReport, encodePanicButtonReport, hexToReport,
  HID_KEY,
} from '@trygg/protocol';
import { hidModels } from '../../gateway/src/transports/hid/hid-models';
import { loadHidFixture, reportBytes } from '../../gateway/src/transports/hid/hid-fixtures';
import { readReport } from '../../gateway/src/transports/hid/report-reader';
import { text, type FuzzTarget } from '../target';

/**
 * USB HID input reports: the protocol's report decoders, and every model's converter (what the
 * gateway's HID transport runs per report, gateway/src/converters/) directly and through
 * readReport with the press tracker. Converters return `{ ok: false, error }` for reports they
 * cannot read; a throw is a finding (readReport would catch it, but the contract is a result).
 * Seeds: the recorded/constructed report streams in gateway/src/converters/fixtures/.
 */
const fixtureSeeds = hidModels.flatMap((m) => {
  const fixture = loadHidFixture(m.model);
  return Object.values(fixture.streams).flatMap((s) => s.reports.map(reportBytes));
});

export const hidReportsTarget: FuzzTarget = {
  name: 'hid-reports',
  seeds: [
    ...fixtureSeeds,
    encodePanicButtonReport({ pressed: true }),
    encodeKeyboardBootReport({ keys: [HID_KEY.F13] }),
    encodeKeyboardBootReport({ modifiers: 0x02, keys: [0x04, 0x05, 0x06, 0x07, 0x08, 0x09] }, 1),
    new Uint8Array(0),
  ],
  dictionary: ['\x00', '\x01', '\xff', '\x68', '\x01\x01', '\x00\x00\x00\x00\x00\x00\x00\x00'],
  run(input) {
    decodePanicButtonReport(input);
    decodePanicLedReport(input);
    decodeKeyboardBootReport(input);
    decodeKeyboardBootReport(input, input[0]);
    hexToReport(text(input, 'latin1'));
    const keyCode = input.length > 2 ? input[2]! : 0x68;
    for (const model of hidModels) {
      const options = { keyCode: model.keyCode ? keyCode : 0 };
      model.convert(input, options);
      readReport(model, options, { down: false, rawDown: false, lastEdgeAt: null }, input, 1000);
    }
  },
  isTypedError: () => false,
};
