import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';

/** Stands in for node-hid and records whether anything imported it. */
const nodeHid = vi.hoisted(() => ({ imports: 0, written: [] as unknown[], closed: 0 }));

vi.mock('node-hid', async () => {
  nodeHid.imports++;
  const { EventEmitter: Emitter } = await import('node:events');
  class HIDAsync extends Emitter {
    static async open(path: string) {
      if (path !== '/dev/hidraw3') throw new Error('cannot open device with path ' + path);
      return new HIDAsync();
    }
    async write(values: Buffer) {
      nodeHid.written.push(values);
      return values.length;
    }
    async sendFeatureReport(values: Buffer) {
      nodeHid.written.push(values);
      return values.length;
    }
    async close() {
      nodeHid.closed++;
    }
  }
  const devicesAsync = async () => [
    { vendorId: 0x1209, productId: 1, path: '/dev/hidraw3', serialNumber: '', product: 'Trygg USB panic button', release: 1, interface: 0, usagePage: 0xff00, usage: 1 },
    { vendorId: 0x1a86, productId: 0xe026, path: '1-1.2:1.0', release: 1, interface: 0, usagePage: 0, usage: 0 },
    { vendorId: 0x1a86, productId: 0xe026, release: 1, interface: 1 },
  ];
  return { HIDAsync, devicesAsync, default: { HIDAsync, devicesAsync } };
});

describe('node-hid is loaded lazily', () => {
  it('is not imported by importing the transport or the factories, only by loading the backend', async () => {
    await import('./hid-device-transport');
    await import('../transport-factories');
    expect(nodeHid.imports).toBe(0);

    const { loadNodeHidBackend } = await import('./node-hid-backend');
    expect(nodeHid.imports).toBe(0);
    await loadNodeHidBackend();
    expect(nodeHid.imports).toBe(1);
  });
});

describe('the node-hid adapter', () => {
  it('lists openable interfaces, dropping unknown usages and empty strings', async () => {
    const { loadNodeHidBackend } = await import('./node-hid-backend');
    const backend = await loadNodeHidBackend();
    expect(await backend.devices()).toEqual([
      { path: '/dev/hidraw3', vendorId: 0x1209, productId: 1, product: 'Trygg USB panic button', interface: 0, usagePage: 0xff00, usage: 1 },
      { path: '1-1.2:1.0', vendorId: 0x1a86, productId: 0xe026, interface: 0 },
    ]);
  });

  it('passes reports, errors, writes and close through', async () => {
    const { loadNodeHidBackend } = await import('./node-hid-backend');
    const backend = await loadNodeHidBackend();
    const handle = await backend.open('/dev/hidraw3');
    const raw = (handle as unknown as { device: EventEmitter }).device;
    const seen: unknown[] = [];
    handle.on('data', (d) => seen.push(Array.from(d)));
    handle.on('error', (e) => seen.push(e.message));
    raw.emit('data', Buffer.from([1, 1]));
    raw.emit('error', 'gone');
    expect(seen).toEqual([[1, 1], 'gone']);

    await handle.write(Uint8Array.of(2, 1));
    await handle.sendFeatureReport(Uint8Array.of(5, 0));
    expect(nodeHid.written).toEqual([Buffer.from([2, 1]), Buffer.from([5, 0])]);
    await handle.close();
    expect(nodeHid.closed).toBe(1);
    expect(() => raw.emit('error', new Error('late'))).not.toThrow(); // nobody listens after close
    await expect(backend.open('/dev/hidraw9')).rejects.toThrow('cannot open');
  });

  it('refuses a module without the node-hid 3 API', async () => {
    const { loadNodeHidBackend } = await import('./node-hid-backend');
    await expect(loadNodeHidBackend(async () => ({ devices: () => [] }))).rejects.toThrow('node-hid 3 is required');
    await expect(loadNodeHidBackend(async () => { throw new Error("Cannot find package 'node-hid'"); })).rejects.toThrow('Cannot find package');
  });
});
