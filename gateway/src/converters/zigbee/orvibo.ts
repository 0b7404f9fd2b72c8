import { actionButton } from './zigbee-converter';

/**
 * ORVIBO SE21 / SE20-O "smart emergency button": the IAS zone status as an `action`: single,
 * double or hold while pressed, `off` when the zone returns to idle (a reset, never a press).
 */
export const orviboEmergencyButton = actionButton({
  vendor: 'ORVIBO',
  models: ['SE21', 'SE20-O'],
  pressActions: ['single', 'double', 'hold'],
  resetActions: ['off'],
});

export const orviboConverters = [orviboEmergencyButton];
