import { actionButton } from './zigbee-converter';

/**
 * Heiman HS1EB / HS1EB-E "smart emergency button": `action` single, double or hold. The device
 * has no other purpose, so every way of pressing it asks for help (a person in distress does not
 * choose); restrict with the device's `pressActions` in the config if a site wants only `hold`.
 */
export const heimanEmergencyButton = actionButton({
  vendor: 'Heiman',
  models: ['HS1EB/HS1EB-E', 'HS1EB', 'HS1EB-E'],
  pressActions: ['single', 'double', 'hold'],
});

export const heimanConverters = [heimanEmergencyButton];
