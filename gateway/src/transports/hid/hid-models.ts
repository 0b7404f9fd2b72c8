import { generic } from '../../converters/generic';
import { pcsensor } from '../../converters/pcsensor';
import { trygg } from '../../converters/trygg';
import type { HidConverter } from './hid-converter';

/** Every HID model the gateway knows; a new vendor file is added here. */
export const hidModels: readonly HidConverter[] = [...trygg, ...pcsensor, ...generic];
