import { iasSosButton } from './zigbee-converter';

/** Feibit SEB01ZB "SOS button": IAS zone, `sos` set on press and cleared after, plus `tamper`/`battery_low`. */
export const feibitSosButton = iasSosButton({ vendor: 'Feibit', models: ['SEB01ZB'] });

export const feibitConverters = [feibitSosButton];
