import { EventEmitter } from 'node:events';
import type { HidBackend, HidDeviceInfo, HidHandle, HidHandleEvents } from './hid-backend';

/**
 * The real HID boundary: node-hid 3 (hidapi; on Linux the hidraw driver, which needs the
 * libusb-1.0-0 shared library and read/write access to /dev/hidraw*).
 *
 * node-hid is an optional native dependency, so it is imported only when a HID transport starts,
 * never when this module or the transport is imported: a gateway without it runs its other
 * transports. The specifier is a variable so that type-checking does not need node-hid either.
 */
const NODE_HID = 'node-hid';

/** The part of node-hid 3's API used here (see its nodehid.d.ts). */
interface NodeHidDevice {
  vendorId: number;
  productId: number;
  path?: string;
  serialNumber?: string;
  manufacturer?: string;
  product?: string;
  interface: number;
  usagePage?: number;
  usage?: number;
}

interface NodeHidAsync extends EventEmitter {
  write(values: number[] | Buffer): Promise<number>;
  sendFeatureReport(data: number[] | Buffer): Promise<number>;
  close(): Promise<void>;
}

interface NodeHidModule {
  devicesAsync(): Promise<NodeHidDevice[]>;
  HIDAsync: { open(path: string, options?: { nonExclusive?: boolean }): Promise<NodeHidAsync> };
}

export type ModuleImporter = (specifier: string) => Promise<unknown>;

/** Imports node-hid; rejects (with the import's error as cause) when it is missing or broken. */
export async function loadNodeHidBackend(importer: ModuleImporter = (s) => import(s)): Promise<HidBackend> {
  const imported = (await importer(NODE_HID)) as Partial<NodeHidModule> & { default?: Partial<NodeHidModule> };
  // node-hid is CommonJS: its exports arrive as named exports and as `default`.
  const hid = typeof imported.devicesAsync === 'function' ? imported : imported.default;
  if (typeof hid?.devicesAsync !== 'function' || typeof hid.HIDAsync?.open !== 'function') {
    throw new Error('node-hid does not offer devicesAsync/HIDAsync (node-hid 3 is required)');
  }
  return new NodeHidBackend(hid as NodeHidModule);
}

class NodeHidBackend implements HidBackend {
  constructor(private readonly hid: NodeHidModule) {}

  async devices(): Promise<HidDeviceInfo[]> {
    // devicesAsync, not devices(): listing can block for seconds on some systems.
    const found = await this.hid.devicesAsync();
    return found.flatMap((d) => (d.path ? [toInfo(d, d.path)] : []));
  }

  async open(path: string): Promise<HidHandle> {
    return new NodeHidHandle(await this.hid.HIDAsync.open(path));
  }
}

function toInfo(d: NodeHidDevice, path: string): HidDeviceInfo {
  return {
    path,
    vendorId: d.vendorId,
    productId: d.productId,
    ...(d.serialNumber && { serialNumber: d.serialNumber }),
    ...(d.manufacturer && { manufacturer: d.manufacturer }),
    ...(d.product && { product: d.product }),
    interface: d.interface,
    // hidapi reports 0 where the driver does not know the usage (libusb on Linux).
    ...(d.usagePage && { usagePage: d.usagePage }),
    ...(d.usagePage && d.usage !== undefined && { usage: d.usage }),
  };
}

/** Re-emits node-hid's events on our own emitter, so nothing else of HIDAsync leaks out. */
class NodeHidHandle extends EventEmitter<HidHandleEvents> implements HidHandle {
  constructor(private readonly device: NodeHidAsync) {
    super();
    // Adding the 'data' listener starts node-hid's read loop.
    device.on('data', (data: Buffer) => this.emit('data', data));
    device.on('error', (err: unknown) => {
      // An EventEmitter 'error' without listener throws; after close() nobody listens any more.
      if (this.listenerCount('error') > 0) this.emit('error', err instanceof Error ? err : new Error(String(err)));
    });
  }

  write(report: Uint8Array): Promise<number> {
    return this.device.write(Buffer.from(report));
  }

  sendFeatureReport(report: Uint8Array): Promise<number> {
    return this.device.sendFeatureReport(Buffer.from(report));
  }

  async close(): Promise<void> {
    this.removeAllListeners();
    await this.device.close();
  }
}
