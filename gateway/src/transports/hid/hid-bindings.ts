import type { DeviceBinding } from '@trygg/protocol';
import { GatewayError } from '../../errors';
import { resolveHidConfig, sameSelector, type HidDeviceConfig, type HidDeviceEntry } from './hid-config';
import type { HidConverter } from './hid-converter';

/** The model a binding without one gets: keyboard-emulating buttons are the common unknown ones. */
export const DEFAULT_HID_BINDING_MODEL = 'generic-keyboard-button';

/** A binding the transport does not take, and why (logged by the transport). */
export interface RefusedHidBinding {
  deviceId: string;
  problem: string;
}

/**
 * The HID entries in force: the transport's own (settings file) ones, and the device directory's
 * bindings (console device form) beside them, a binding replacing the file's entry of the same
 * device. A binding that is malformed, or selects the same HID device as another entry, is
 * refused and its device keeps its file entry, if any: a press must never be left to chance
 * between two alarm locations.
 */
export function mergeHidBindings(
  fileEntries: readonly HidDeviceEntry[],
  bindings: ReadonlyMap<string, DeviceBinding>,
  models: readonly HidConverter[],
): { entries: HidDeviceEntry[]; refused: RefusedHidBinding[] } {
  const refused: RefusedHidBinding[] = [];
  const bound: HidDeviceEntry[] = [];
  for (const [deviceId, binding] of bindings) {
    if (!hasHidBinding(binding)) continue;
    try {
      bound.push(...resolveHidConfig({ kind: 'hid', devices: [hidDeviceConfigOf(deviceId, binding, models)] }, models));
    } catch (err) {
      refused.push({ deviceId, problem: err instanceof GatewayError ? err.message.replaceAll('hid.devices.0', 'binding') : String(err) });
    }
  }
  const boundIds = new Set(bound.map((e) => e.deviceId));
  const base = fileEntries.filter((e) => !boundIds.has(e.deviceId));
  const accepted = bound.filter((e) => {
    const other = [...base, ...bound].find((o) => o !== e && sameSelector(e, o));
    if (other) refused.push({ deviceId: e.deviceId, problem: `binding: selects the same HID device as "${other.deviceId}"` });
    return !other;
  });
  // A refused binding's device falls back to its file entry, unless that would now clash.
  const fallback = fileEntries.filter((f) => boundIds.has(f.deviceId) && !accepted.some((e) => e.deviceId === f.deviceId || sameSelector(e, f)));
  return { entries: [...base, ...fallback, ...accepted], refused };
}

export function hasHidBinding(b: DeviceBinding): boolean {
  return b.hidVendorId !== undefined || b.hidProductId !== undefined || b.hidModel !== undefined || b.hidSerialNumber !== undefined;
}

/** A binding as a settings-file device entry, so it is checked and resolved exactly like one. */
function hidDeviceConfigOf(deviceId: string, b: DeviceBinding, models: readonly HidConverter[]): HidDeviceConfig {
  const vendorId = b.hidVendorId === undefined ? undefined : parseInt(b.hidVendorId, 16);
  const productId = b.hidProductId === undefined ? undefined : parseInt(b.hidProductId, 16);
  const soldWith = models.find((m) => m.match.ids.some((id) => id.vendorId === vendorId && id.productId === productId));
  return {
    deviceId,
    model: b.hidModel ?? soldWith?.model ?? DEFAULT_HID_BINDING_MODEL,
    ...(vendorId !== undefined && { vendorId }),
    ...(productId !== undefined && { productId }),
    ...(b.hidSerialNumber !== undefined && { serialNumber: b.hidSerialNumber }),
  };
}

/** Whether two entries claim the same devices the same way (a device open under `a` can stay open under `b`). */
export function sameHidEntry(a: HidDeviceEntry, b: HidDeviceEntry): boolean {
  return (
    a.deviceId === b.deviceId && a.converter === b.converter && a.serialNumber === b.serialNumber && a.path === b.path &&
    a.keyCode === b.keyCode && a.ids.length === b.ids.length &&
    a.ids.every((x, i) => x.vendorId === b.ids[i]!.vendorId && x.productId === b.ids[i]!.productId)
  );
}
