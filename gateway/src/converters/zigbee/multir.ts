import { actionButton } from './zigbee-converter';

/** MultIR MIR-SO100 "SOS button": `action` single, double or hold; each asks for help. */
export const multirSosButton = actionButton({
  vendor: 'MultIR',
  models: ['MIR-SO100'],
  pressActions: ['single', 'double', 'hold'],
});

export const multirConverters = [multirSosButton];
