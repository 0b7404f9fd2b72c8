import type { DeviceCommand } from '@trygg/protocol';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createGatewayStats } from '../gateway-stats';
import type { DeviceTransport } from '../transports/device-transport';
import { CommandForwarder } from './command-forwarder';

/** A transport that records what it was handed; `addresses` says which devices it can reach unasked. */
function transport(kind: string, addresses: (id: string) => boolean) {
  const sent: DeviceCommand[] = [];
  const t: DeviceTransport = {
    kind, start: async () => {}, stop: async () => {}, isUp: () => true, canAddress: addresses,
    send: async (c) => void sent.push(c),
  };
  return { t, sent };
}

const command = (i: number, deviceId: string): DeviceCommand =>
  ({ v: 1, commandId: `c-${i}`, deviceId, alarmId: 'a1', action: 'received', at: '2026-12-03T10:00:00.000Z' }) as DeviceCommand;

describe('CommandForwarder device-to-transport map', () => {
  it('sizes itself to the device directory: 40,000 devices all keep their transport', async () => {
    const serial = transport('serial', () => false);
    const mqtt = transport('mqtt', () => true);
    const forwarder = new CommandForwarder([mqtt.t, serial.t], createGatewayStats(), pino({ level: 'silent' }), () => 40_000);
    for (let round = 0; round < 2; round++) for (let i = 0; i < 40_000; i++) forwarder.rememberTransport(`d-${i}`, 'serial');
    expect(forwarder.rememberedDevices).toBe(40_000);
    expect(forwarder.capacity()).toBe(80_000);
    // The first device heard is still known after 40,000 others: feedback goes out over serial, not MQTT.
    expect(await forwarder.forward(command(1, 'd-0'))).toBe(true);
    expect(serial.sent.map((c) => c.deviceId)).toEqual(['d-0']);
    expect(mqtt.sent).toEqual([]);
  });

  it('stays bounded without a directory and follows a device that changes transport', async () => {
    const serial = transport('serial', () => false);
    const mqtt = transport('mqtt', () => true);
    const forwarder = new CommandForwarder([mqtt.t, serial.t], createGatewayStats(), pino({ level: 'silent' }));
    for (let i = 0; i < 12_000; i++) forwarder.rememberTransport(`junk-${i}`, 'serial');
    expect(forwarder.rememberedDevices).toBe(10_000);

    forwarder.rememberTransport('moving', 'serial');
    forwarder.rememberTransport('moving', 'mqtt');
    expect(await forwarder.forward(command(2, 'moving'))).toBe(true);
    expect(mqtt.sent.map((c) => c.deviceId)).toEqual(['moving']);
    expect(serial.sent).toEqual([]);
  });
});
