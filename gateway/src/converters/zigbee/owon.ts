import { iasSosButton } from './zigbee-converter';

/** OWON PB206 "panic button": IAS zone, `sos` set on press and cleared after, `battery_low`, no percentage. */
export const owonPanicButton = iasSosButton({ vendor: 'OWON', models: ['PB206'] });

export const owonConverters = [owonPanicButton];
