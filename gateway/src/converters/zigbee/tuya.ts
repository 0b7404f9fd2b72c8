import { actionButton } from './zigbee-converter';

/**
 * Tuya TS0215A_sos "SOS button": one `action: "emergency"` per press, with `battery` and
 * `voltage`. (The plain TS0215A remote also sends `emergency` from its SOS key.)
 */
export const tuyaSosButton = actionButton({
  vendor: 'Tuya',
  models: ['TS0215A_sos', 'TS0215A'],
  pressActions: ['emergency'],
});

export const tuyaConverters = [tuyaSosButton];
