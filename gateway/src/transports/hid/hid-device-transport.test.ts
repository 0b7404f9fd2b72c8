import { FakeClock, type DeviceCommand, type DeviceCommandAction } from '@trygg/protocol';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { DeviceInput, TransportContext } from '../device-transport';
import { FakeHidBackend } from './fake-hid-backend';
import type { HidDeviceInfo } from './hid-backend';
import type { HidDeviceConfig } from './hid-config';
import type { HidConverter } from './hid-converter';
import { HidDeviceTransport } from './hid-device-transport';
import { loadHidFixture } from './hid-fixtures';
import { hidModels } from './hid-models';

const panicFixture = loadHidFixture('trygg-panic-v1');
const pedalFixture = loadHidFixture('pcsensor-footswitch');
const PANIC: HidDeviceInfo = { path: '/dev/hidraw3', ...panicFixture.device };
const PEDAL: HidDeviceInfo = { path: '/dev/hidraw5', ...pedalFixture.device };
const PEDAL_MOUSE: HidDeviceInfo = { ...PEDAL, path: '/dev/hidraw6', interface: 1, usage: 2 };
const KEYBOARD: HidDeviceInfo = { path: '/dev/hidraw0', vendorId: 0x046d, productId: 0xc31c, usagePage: 1, usage: 6 };

const DEVICES: HidDeviceConfig[] = [
  { deviceId: 'reception-panic', model: 'trygg-panic-v1' },
  { deviceId: 'counter-pedal', model: 'pcsensor-footswitch', keyCode: 0x68 },
];

function setup(opts: { devices?: HidDeviceConfig[]; backend?: FakeHidBackend | Error; models?: HidConverter[]; heartbeatIntervalMs?: number } = {}) {
  const clock = new FakeClock();
  const logs: { level: number; msg: string; [k: string]: unknown }[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void logs.push(JSON.parse(line)) });
  const inputs: DeviceInput[] = [];
  const rejects: { reason: string; errors: string[] }[] = [];
  const links: boolean[] = [];
  const ctx: TransportContext = {
    siteId: 'demo',
    gatewayId: 'gw',
    logger,
    clock,
    sink: {
      input: (input) => void inputs.push(input),
      reject: (_t, reason, detail) => void rejects.push({ reason, errors: detail.errors }),
      linkChanged: (_t, up) => void links.push(up),
    },
  };
  const backend = opts.backend instanceof FakeHidBackend ? opts.backend : new FakeHidBackend();
  const failure = opts.backend instanceof Error ? opts.backend : null;
  const transport = new HidDeviceTransport(
    ctx,
    { kind: 'hid', devices: opts.devices ?? DEVICES, ...(opts.heartbeatIntervalMs !== undefined && { heartbeatIntervalMs: opts.heartbeatIntervalMs }) },
    { loadBackend: async () => { if (failure) throw failure; return backend; }, ...(opts.models && { models: opts.models }) },
  );
  /** Lets time pass in poll steps and waits for the polls it started. */
  const poll = async (times = 1) => {
    for (let i = 0; i < times; i++) {
      clock.advance(2000);
      await transport.idle();
    }
  };
  const messages = (deviceId?: string) => inputs.filter((i) => !deviceId || i.deviceId === deviceId).map((i) => i.message.type);
  const warnings = (text: string) => logs.filter((l) => l.level === 40 && l.msg.includes(text));
  return { clock, logs, inputs, rejects, links, backend, transport, poll, messages, warnings };
}

const command = (deviceId: string, action: DeviceCommandAction): DeviceCommand => ({
  v: 1, commandId: `c-${deviceId}-${action}`, deviceId, alarmId: 'a-1', action, at: '2026-01-05T09:00:00.000Z',
});

describe('HidDeviceTransport: hot-plug', () => {
  it('opens a device that appears, closes it when it goes, and opens it again when it is back', async () => {
    const t = setup({ devices: [DEVICES[0]!] });
    await t.transport.start();
    expect(t.transport.isUp()).toBe(true);
    expect(t.links).toEqual([true]);
    expect(t.backend.openHandles()).toEqual([]);

    t.backend.plug(PANIC);
    await t.poll();
    expect(t.backend.openHandles()).toEqual([PANIC.path]);
    expect(t.messages()).toEqual(['heartbeat']); // it is there: the server may stop worrying

    t.backend.handle(PANIC.path)!.send('01 01 00 00 00 00 00 00');
    t.clock.advance(300);
    t.backend.handle(PANIC.path)!.send('01 00 00 00 00 00 00 00');
    expect(t.messages()).toEqual(['heartbeat', 'press', 'release']);

    t.backend.unplug(PANIC.path);
    await t.poll();
    expect(t.backend.openHandles()).toEqual([]);
    expect(t.messages().at(-1)).toBe('unavailable');
    await t.poll(3);
    expect(t.messages().filter((m) => m === 'unavailable')).toHaveLength(1);
    expect(t.warnings('configured HID device is not connected')).toHaveLength(1);

    t.backend.plug(PANIC);
    await t.poll();
    t.backend.handle(PANIC.path)!.send('01 01 00 00 00 00 00 00');
    expect(t.messages()).toEqual(['heartbeat', 'press', 'release', 'unavailable', 'heartbeat', 'press']);
    expect(t.backend.handles.get(PANIC.path)).toHaveLength(2);
    expect(t.logs.filter((l) => l.msg === 'HID device connected')).toHaveLength(2);

    // seq grows per device across reconnects; every message has its own id
    expect(t.inputs.map((i) => i.message.seq)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(new Set(t.inputs.map((i) => i.message.msgId)).size).toBe(6);
    expect(t.inputs.every((i) => i.transport === 'hid' && i.deviceId === 'reception-panic')).toBe(true);
    await t.transport.stop();
  });

  it('stamps presses with the clock time of the report', async () => {
    const t = setup({ devices: [DEVICES[0]!] });
    t.backend.plug(PANIC);
    await t.transport.start();
    t.clock.advance(700);
    t.backend.handle(PANIC.path)!.send('01 01 00 00 00 00 00 00');
    const press = t.inputs.find((i) => i.message.type === 'press')!;
    expect(press.message).toMatchObject({ v: 1, at: new Date(t.clock.now()).toISOString() });
    expect(press.message.msgId).toMatch(/^[0-9a-f-]{36}$/);
    await t.transport.stop();
  });

  it('reports a configured device missing at start-up only after a second look', async () => {
    const t = setup({ devices: [DEVICES[0]!] });
    await t.transport.start();
    expect(t.messages()).toEqual([]);
    await t.poll();
    expect(t.messages()).toEqual(['unavailable']);
    await t.transport.stop();
  });

  it('sends heartbeats for connected devices at the configured interval', async () => {
    const t = setup({ devices: [DEVICES[0]!], heartbeatIntervalMs: 10_000 });
    t.backend.plug(PANIC);
    await t.transport.start();
    await t.poll(10); // 20 s
    expect(t.messages()).toEqual(['heartbeat', 'heartbeat', 'heartbeat']);
    await t.transport.stop();
  });

  it('ignores HID devices nobody configured, and other interfaces of a configured one', async () => {
    const t = setup();
    t.backend.plug(KEYBOARD);
    t.backend.plug(PEDAL_MOUSE);
    t.backend.plug(PEDAL);
    await t.transport.start();
    expect(t.backend.openHandles()).toEqual([PEDAL.path]);
    await t.transport.stop();
  });

  it('opens every device one entry matches, and warns once that they cannot be told apart', async () => {
    const t = setup({ devices: [DEVICES[1]!] });
    t.backend.plug(PEDAL);
    t.backend.plug({ ...PEDAL, path: '/dev/hidraw9' });
    await t.transport.start();
    await t.poll(2);
    expect(t.backend.openHandles().sort()).toEqual(['/dev/hidraw5', '/dev/hidraw9']);
    expect(t.warnings('HID devices match one configured device')).toHaveLength(1);
    await t.transport.stop();
  });

  it('tells identical devices apart by serial number', async () => {
    const devices: HidDeviceConfig[] = [
      { deviceId: 'room-1', model: 'trygg-panic-v1', serialNumber: 'A1' },
      { deviceId: 'room-2', model: 'trygg-panic-v1', serialNumber: 'B2' },
    ];
    const t = setup({ devices });
    t.backend.plug({ ...PANIC, path: '/dev/hidraw1', serialNumber: 'B2' });
    t.backend.plug({ ...PANIC, path: '/dev/hidraw2', serialNumber: 'A1' });
    await t.transport.start();
    t.backend.handle('/dev/hidraw1')!.send('01 01');
    expect(t.inputs.filter((i) => i.message.type === 'press').map((i) => i.deviceId)).toEqual(['room-2']);
    await t.transport.stop();
  });
});

describe('HidDeviceTransport: failing devices', () => {
  it('closes a device whose reads fail and reopens it on the next poll', async () => {
    const t = setup({ devices: [DEVICES[0]!] });
    t.backend.plug(PANIC);
    await t.transport.start();
    const first = t.backend.handle(PANIC.path)!;
    first.fail(new Error('could not read from HID device'));
    await t.transport.idle();
    expect(first.closed).toBe(true);
    expect(t.warnings('HID device failed')).toHaveLength(1);

    await t.poll();
    const second = t.backend.handle(PANIC.path)!;
    expect(second).not.toBe(first);
    second.send('01 01 00 00 00 00 00 00');
    expect(t.messages()).toEqual(['heartbeat', 'press']); // still there: never reported unavailable
    await t.transport.stop();
  });

  it('keeps retrying a device it may not open, warning once, and backs off', async () => {
    const t = setup({ devices: [DEVICES[0]!] });
    t.backend.plug(PANIC);
    t.backend.refuseOpen(PANIC.path, new Error('cannot open device: permission denied'));
    await t.transport.start();
    await t.poll(8);
    expect(t.transport.stats.openFailures).toBeGreaterThan(1);
    expect(t.transport.stats.openFailures).toBeLessThan(9);
    expect(t.warnings('could not be opened')).toHaveLength(1);

    t.backend.refuseOpen(PANIC.path, null);
    await t.poll(40); // the back-off never exceeds a minute
    expect(t.backend.openHandles()).toEqual([PANIC.path]);
    await t.transport.stop();
  });

  it('rejects and counts malformed reports, and keeps reading', async () => {
    const t = setup({ devices: [DEVICES[0]!] });
    t.backend.plug(PANIC);
    await t.transport.start();
    const handle = t.backend.handle(PANIC.path)!;
    handle.send('01');
    handle.send('07 01 00 00 00 00 00 00');
    handle.send('01 01 00 00 00 00 00 00');
    expect(t.rejects.map((r) => r.reason)).toEqual(['bad-report', 'bad-report']);
    expect(t.rejects[0]!.errors[0]).toContain('reception-panic');
    expect(t.transport.stats.rejected).toBe(2);
    expect(t.messages()).toEqual(['heartbeat', 'press']);
    await t.transport.stop();
  });

  it('closes a device that sends nothing but garbage, and reopens it later', async () => {
    const t = setup({ devices: [DEVICES[0]!] });
    t.backend.plug(PANIC);
    await t.transport.start();
    const handle = t.backend.handle(PANIC.path)!;
    for (let i = 0; i < 50; i++) handle.send('ff');
    await t.transport.idle();
    expect(handle.closed).toBe(true);
    await t.poll();
    expect(t.backend.handles.get(PANIC.path)).toHaveLength(2);
    await t.transport.stop();
  });
});

describe('HidDeviceTransport: recorded streams', () => {
  it('reports one press for a pedal in auto-repeat, and its release once it settled', async () => {
    const t = setup({ devices: [DEVICES[1]!] });
    t.backend.plug(PEDAL);
    await t.transport.start();
    t.backend.handle(PEDAL.path)!.replay(pedalFixture.streams['auto-repeat-toggling']!.reports, t.clock);
    expect(t.messages()).toEqual(['heartbeat', 'press']);
    t.clock.advance(50); // the debounce time after the last report
    expect(t.messages()).toEqual(['heartbeat', 'press', 'release']);
    expect(t.transport.stats).toMatchObject({ presses: 1, releases: 1, bounces: 2 });
    await t.transport.stop();
  });

  it.each(Object.entries(panicFixture.streams))('panic button stream %s gives the expected edges', async (_name, stream) => {
    const t = setup({ devices: [DEVICES[0]!] });
    t.backend.plug(PANIC);
    await t.transport.start();
    t.backend.handle(PANIC.path)!.replay(stream.reports, t.clock);
    t.clock.advance(1000);
    expect(t.messages().filter((m) => m === 'press' || m === 'release')).toEqual(stream.expect.edges.map((e) => e.split('@')[0]));
    await t.transport.stop();
  });

  it('warns once when a pedal types a key other than its configured one', async () => {
    const t = setup({ devices: [DEVICES[1]!] });
    t.backend.plug(PEDAL);
    await t.transport.start();
    t.backend.handle(PEDAL.path)!.replay(pedalFixture.streams['other-key']!.reports, t.clock);
    t.backend.handle(PEDAL.path)!.replay(pedalFixture.streams['other-key']!.reports, t.clock);
    expect(t.warnings('not its configured keyCode')).toHaveLength(1);
    await t.transport.stop();
  });

  it('reports a press held back for bounce when the device goes away', async () => {
    const t = setup({ devices: [DEVICES[0]!] });
    t.backend.plug(PANIC);
    await t.transport.start();
    const handle = t.backend.handle(PANIC.path)!;
    handle.send('01 01');
    t.clock.advance(100);
    handle.send('01 00');
    t.clock.advance(5);
    handle.send('01 01'); // within the debounce time of the release: held back
    expect(t.messages()).toEqual(['heartbeat', 'press', 'release']);
    t.backend.unplug(PANIC.path);
    await t.transport.idle();
    expect(t.messages()).toEqual(['heartbeat', 'press', 'release', 'press']);
    await t.transport.stop();
  });
});

describe('HidDeviceTransport: feedback', () => {
  it('writes the LED output report of each action to the panic button', async () => {
    const t = setup();
    t.backend.plug(PANIC);
    await t.transport.start();
    await t.transport.send(command('reception-panic', 'received'));
    await t.transport.send(command('reception-panic', 'help-coming'));
    await t.transport.send(command('reception-panic', 'resolved'));
    expect(t.backend.handle(PANIC.path)!.written).toEqual([
      { type: 'output', report: [0x02, 0x02, 0, 0, 0, 0, 0, 0] },
      { type: 'output', report: [0x02, 0x01, 0, 0, 0, 0, 0, 0] },
      { type: 'output', report: [0x02, 0x00, 0, 0, 0, 0, 0, 0] },
    ]);
    expect(t.transport.stats.feedbackWritten).toBe(3);
    await t.transport.stop();
  });

  it('accepts and ignores feedback for a model without LED', async () => {
    const t = setup();
    t.backend.plug(PEDAL);
    await t.transport.start();
    await expect(t.transport.send(command('counter-pedal', 'help-coming'))).resolves.toBeUndefined();
    expect(t.backend.handle(PEDAL.path)!.written).toEqual([]);
    expect(t.transport.stats.feedbackIgnored).toBe(1);
    expect(t.logs.some((l) => l.level === 20 && l.msg.includes('no LED'))).toBe(true);
    await t.transport.stop();
  });

  it('sends a feature report where the model asks for one', async () => {
    const featureModel: HidConverter = {
      ...hidModels[0]!,
      model: 'test-feature-led',
      feedback: (action) => ({ type: 'feature', report: Uint8Array.of(0x05, action === 'help-coming' ? 1 : 0) }),
    };
    const t = setup({ devices: [{ deviceId: 'lab-button', model: 'test-feature-led' }], models: [featureModel] });
    t.backend.plug(PANIC);
    await t.transport.start();
    await t.transport.send(command('lab-button', 'help-coming'));
    expect(t.backend.handle(PANIC.path)!.written).toEqual([{ type: 'feature', report: [0x05, 0x01] }]);
    await t.transport.stop();
  });

  it('refuses feedback it cannot deliver, with a code', async () => {
    const t = setup();
    await t.transport.start();
    expect(t.transport.canAddress('reception-panic')).toBe(true);
    expect(t.transport.canAddress('someone-else')).toBe(false);
    await expect(t.transport.send(command('reception-panic', 'received'))).rejects.toMatchObject({ code: 'TRYGG_GW_HID_DEVICE' });
    await expect(t.transport.send(command('someone-else', 'received'))).rejects.toMatchObject({ code: 'TRYGG_GW_NO_TRANSPORT_FOR_DEVICE' });
    await t.transport.stop();
  });
});

describe('HidDeviceTransport: without HID access', () => {
  it('says once that node-hid is missing, stays down, and start() resolves', async () => {
    const err = Object.assign(new Error("Cannot find package 'node-hid'"), { code: 'ERR_MODULE_NOT_FOUND' });
    const t = setup({ backend: err });
    await expect(t.transport.start()).resolves.toBeUndefined();
    expect(t.transport.isUp()).toBe(false);
    await t.poll(5);
    const warned = t.warnings('USB HID unavailable');
    expect(warned).toHaveLength(1);
    expect(warned[0]!.msg).toContain('other transports keep running');
    expect(warned[0]).toMatchObject({ code: 'TRYGG_GW_HID_UNAVAILABLE' });
    expect(t.links).toEqual([]);
    expect(t.clock.pendingTimers()).toBe(0);
    await t.transport.stop();
  });

  it('says once that listing is refused, keeps looking, and comes up when allowed', async () => {
    const backend = new FakeHidBackend();
    backend.refuseListing(new Error('hid_enumerate: permission denied'));
    backend.plug(PANIC);
    const t = setup({ backend });
    await expect(t.transport.start()).resolves.toBeUndefined();
    await t.poll(5);
    expect(t.transport.isUp()).toBe(false);
    expect(t.warnings('USB HID unavailable')).toHaveLength(1);

    backend.refuseListing(null);
    await t.poll();
    expect(t.transport.isUp()).toBe(true);
    expect(t.links).toEqual([true]);
    expect(t.backend.openHandles()).toEqual([PANIC.path]);
    await t.transport.stop();
  });
});

describe('HidDeviceTransport: lifecycle and configuration', () => {
  it('closes every device and stops polling on stop()', async () => {
    const t = setup();
    t.backend.plug(PANIC);
    t.backend.plug(PEDAL);
    await t.transport.start();
    await t.transport.stop();
    expect(t.backend.openHandles()).toEqual([]);
    expect(t.transport.isUp()).toBe(false);
    expect(t.clock.pendingTimers()).toBe(0);
    const listings = t.backend.listings;
    t.clock.advance(10_000);
    expect(t.backend.listings).toBe(listings);
  });

  it('refuses a bad configuration with every problem listed', () => {
    const make = (devices: unknown) => () => setup({ devices: devices as HidDeviceConfig[] });
    expect(make([
      { deviceId: 'Bad Id', model: 'trygg-panic-v1' },
      { deviceId: 'x', model: 'no-such-model' },
      { deviceId: 'y', model: 'generic-keyboard-button' },
      { deviceId: 'z', model: 'trygg-panic-v1', keyCode: 0x68, vendorId: 0x1209 },
      { deviceId: 'w', model: 'pcsensor-footswitch', keyCode: 0x100 },
    ])).toThrowError(
      /hid\.devices\.0\.deviceId.*hid\.devices\.1\.model: unknown model "no-such-model".*hid\.devices\.2: model "generic-keyboard-button" has no built-in ids.*hid\.devices\.3: vendorId and productId go together.*hid\.devices\.3\.keyCode.*hid\.devices\.4\.keyCode/,
    );
    expect(make([{ deviceId: 'a', model: 'trygg-panic-v1' }, { deviceId: 'a', model: 'pcsensor-footswitch' }])).toThrowError(/already hid.devices.0/);
    expect(make([{ deviceId: 'a', model: 'trygg-panic-v1' }, { deviceId: 'b', model: 'trygg-panic-v1' }])).toThrowError(/selects the same HID device as "a"/);
    try {
      make([{ deviceId: 'a', model: 'nope' }])();
    } catch (err) {
      expect(err).toMatchObject({ code: 'TRYGG_GW_CONFIG' });
    }
  });

  it('accepts generic devices named by ids or path', async () => {
    const t = setup({
      devices: [
        { deviceId: 'desk-key', model: 'generic-keyboard-button', vendorId: 0x04d8, productId: 0xf00d },
        { deviceId: 'desk-key-2', model: 'generic-keyboard-button', path: '/dev/hidraw7' },
      ],
    });
    t.backend.plug({ path: '/dev/hidraw4', vendorId: 0x04d8, productId: 0xf00d, usagePage: 1, usage: 6 });
    t.backend.plug({ path: '/dev/hidraw7', vendorId: 0x1111, productId: 0x2222 });
    await t.transport.start();
    t.backend.handle('/dev/hidraw4')!.send('00 00 68 00 00 00 00 00');
    t.backend.handle('/dev/hidraw7')!.send('00 00 68 00 00 00 00 00');
    expect(t.inputs.filter((i) => i.message.type === 'press').map((i) => i.deviceId)).toEqual(['desk-key', 'desk-key-2']);
    await t.transport.stop();
  });
});
