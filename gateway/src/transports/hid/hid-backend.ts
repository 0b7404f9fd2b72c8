import type { EventEmitter } from 'node:events';

/**
 * The boundary between the HID transport and the operating system. The real one wraps node-hid
 * (node-hid-backend.ts, loaded lazily); tests use a fake that replays recorded report streams.
 * Kept this small so the fake can be faithful.
 */
export interface HidDeviceInfo {
  /** Platform path (`/dev/hidraw3`, `\\?\hid#...`); one per HID interface of a USB device. */
  path: string;
  vendorId: number;
  productId: number;
  serialNumber?: string;
  manufacturer?: string;
  product?: string;
  interface?: number;
  /** Top-level collection; absent where the driver does not report it (Linux libusb). */
  usagePage?: number;
  usage?: number;
}

export interface HidHandleEvents {
  /** One input report, report id first for devices that number their reports. */
  data: [Buffer];
  /** A read failed; the device is gone or broken. The handle is useless afterwards. */
  error: [Error];
}

export interface HidHandle extends EventEmitter<HidHandleEvents> {
  /** Sends an output report (byte 0 = report id, 0 when the device has none). */
  write(report: Uint8Array): Promise<number>;
  /** Sends a feature report (byte 0 = report id). */
  sendFeatureReport(report: Uint8Array): Promise<number>;
  close(): Promise<void>;
}

export interface HidBackend {
  /** Every HID interface present now; rejects when the system refuses to list them. */
  devices(): Promise<HidDeviceInfo[]>;
  open(path: string): Promise<HidHandle>;
}

export type HidBackendLoader = () => Promise<HidBackend>;
