import { HID_FIRST_KEY, HID_LAST_MODIFIER, isValidId } from '@trygg/protocol';
import { GatewayError } from '../../errors';
import type { HidDeviceInfo } from './hid-backend';
import type { HidConverter, HidIds } from './hid-converter';

/** One physical HID device and the Trygg device id its presses are reported as. */
export interface HidDeviceConfig {
  deviceId: string;
  /** A model of `gateway/src/converters/*` (e.g. `trygg-panic-v1`, `pcsensor-footswitch`). */
  model: string;
  /** Override or, for generic models, give the USB ids; both or neither. */
  vendorId?: number;
  productId?: number;
  /** Tells apart several devices with the same ids (where the device has one). */
  serialNumber?: string;
  /** The platform path of one HID interface; wins over ids. Not stable across re-plugging on Linux hidraw. */
  path?: string;
  /** Keyboard-emulating models: the key the button types (HID usage id, default F13 = 0x68). */
  keyCode?: number;
}

export interface HidTransportConfig {
  kind: 'hid';
  devices: HidDeviceConfig[];
  /** How often the device list is read for devices plugged in or out; default 2000. */
  pollIntervalMs?: number;
  /** Connected devices are reported alive this often (heartbeat); default 60000, 0 = never. */
  heartbeatIntervalMs?: number;
}

/** A configured device, checked and resolved against its model. */
export interface HidDeviceEntry {
  deviceId: string;
  converter: HidConverter;
  ids: readonly HidIds[];
  serialNumber?: string;
  path?: string;
  keyCode: number;
  /** path 3 > serial number 2 > ids 1: the most specific entry claims a device. */
  specificity: number;
}

const isUsbId = (v: unknown) => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 0xffff;
const nonEmpty = (v: unknown) => typeof v === 'string' && v.length > 0;

/** Checks the whole configuration; throws one TRYGG_GW_CONFIG error listing every problem as `path: message`. */
export function resolveHidConfig(config: HidTransportConfig, models: readonly HidConverter[]): HidDeviceEntry[] {
  const problems: string[] = [];
  const entries: HidDeviceEntry[] = [];
  const seen = new Map<string, number>();
  if (!Array.isArray(config.devices)) problems.push('hid.devices: must be a list');
  for (const key of ['pollIntervalMs', 'heartbeatIntervalMs'] as const) {
    const v = config[key];
    if (v !== undefined && !(Number.isInteger(v) && v >= (key === 'pollIntervalMs' ? 100 : 0))) problems.push(`hid.${key}: must be an integer number of ms`);
  }
  (Array.isArray(config.devices) ? config.devices : []).forEach((d, i) => {
    const at = `hid.devices.${i}`;
    const before = problems.length;
    if (typeof d?.deviceId !== 'string' || !isValidId(d.deviceId)) problems.push(`${at}.deviceId: must be a device id (lowercase letters, digits, - and _)`);
    else if (seen.has(d.deviceId)) problems.push(`${at}.deviceId: "${d.deviceId}" is already hid.devices.${seen.get(d.deviceId)}`);
    else seen.set(d.deviceId, i);
    const converter = models.find((m) => m.model === d?.model);
    if (!converter) problems.push(`${at}.model: unknown model "${String(d?.model)}" (known: ${models.map((m) => m.model).join(', ')})`);
    if ((d?.vendorId === undefined) !== (d?.productId === undefined)) problems.push(`${at}: vendorId and productId go together`);
    for (const key of ['vendorId', 'productId'] as const) {
      if (d?.[key] !== undefined && !isUsbId(d[key])) problems.push(`${at}.${key}: must be an integer 0-65535 (0xffff)`);
    }
    for (const key of ['serialNumber', 'path'] as const) {
      if (d?.[key] !== undefined && !nonEmpty(d[key])) problems.push(`${at}.${key}: must be a non-empty string`);
    }
    if (d?.keyCode !== undefined) {
      if (converter && !converter.keyCode) problems.push(`${at}.keyCode: model "${converter.model}" is not keyboard-emulating`);
      else if (!Number.isInteger(d.keyCode) || d.keyCode < HID_FIRST_KEY || d.keyCode > HID_LAST_MODIFIER) problems.push(`${at}.keyCode: must be a HID key usage id 0x04-0xe7`);
    }
    const ids = d?.vendorId !== undefined && d.productId !== undefined ? [{ vendorId: d.vendorId, productId: d.productId }] : (converter?.match.ids ?? []);
    if (converter && ids.length === 0 && d.path === undefined) problems.push(`${at}: model "${converter.model}" has no built-in ids; give vendorId and productId, or path`);
    if (problems.length > before || !converter) return;
    entries.push({
      deviceId: d.deviceId,
      converter,
      ids,
      ...(d.serialNumber !== undefined && { serialNumber: d.serialNumber }),
      ...(d.path !== undefined && { path: d.path }),
      keyCode: d.keyCode ?? converter.keyCode?.default ?? 0,
      specificity: d.path !== undefined ? 3 : d.serialNumber !== undefined ? 2 : 1,
    });
  });
  // Two entries that would claim the same device leave it to chance which alarm location is used.
  entries.forEach((a, i) => {
    for (const b of entries.slice(0, i)) {
      if (sameSelector(a, b)) problems.push(`hid.devices.${config.devices.findIndex((d) => d.deviceId === a.deviceId)}: selects the same HID device as "${b.deviceId}"; add serialNumber or path`);
    }
  });
  if (problems.length > 0) throw new GatewayError('TRYGG_GW_CONFIG', problems.join('; '));
  return entries;
}

/** Whether two entries would claim the same HID device (neither more specific than the other). */
export function sameSelector(a: HidDeviceEntry, b: HidDeviceEntry): boolean {
  if (a.path !== undefined || b.path !== undefined) return a.path === b.path;
  if (a.serialNumber !== b.serialNumber) return false;
  return a.ids.some((x) => b.ids.some((y) => x.vendorId === y.vendorId && x.productId === y.productId));
}

/** Whether `entry` selects the HID interface `info`. */
export function entryMatches(entry: HidDeviceEntry, info: HidDeviceInfo): boolean {
  if (entry.path !== undefined) return entry.path === info.path;
  if (!entry.ids.some((id) => id.vendorId === info.vendorId && id.productId === info.productId)) return false;
  if (entry.serialNumber !== undefined && entry.serialNumber !== info.serialNumber) return false;
  const collection = entry.converter.match.collection;
  // Where the driver does not report usages every interface matches; the converter rejects the rest.
  if (collection && info.usagePage !== undefined) return info.usagePage === collection.usagePage && info.usage === collection.usage;
  return true;
}

/**
 * Which configured device each present HID interface belongs to (by path), the most specific
 * entry winning. Interfaces no entry selects are not in the result: they are never opened.
 */
export function assignDevices(present: readonly HidDeviceInfo[], entries: readonly HidDeviceEntry[]): Map<string, { entry: HidDeviceEntry; info: HidDeviceInfo }> {
  const assigned = new Map<string, { entry: HidDeviceEntry; info: HidDeviceInfo }>();
  for (const info of [...present].sort((a, b) => a.path.localeCompare(b.path))) {
    let best: HidDeviceEntry | undefined;
    for (const entry of entries) {
      if (entryMatches(entry, info) && (!best || entry.specificity > best.specificity)) best = entry;
    }
    if (best) assigned.set(info.path, { entry: best, info });
  }
  return assigned;
}
