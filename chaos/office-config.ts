import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import type { DeviceConfig, TryggConfig } from '../server/src/config/types';
import { DEMO_CONFIG } from '../server/src/environment';
import type { Transport } from './options';

export const SITE_ID = 'demo';
/** Serial receiver, Zigbee2MQTT and MQTT devices; `gateway/src/main.ts` as it ships. */
export const MAIN_GATEWAY = 'gw-main';
/** USB HID buttons; chaos/hid-gateway.ts (the same gateway, with a fake node-hid). */
export const HID_GATEWAY = 'gw-hid';
/** Password of both gateway accounts: the demo gateway's (its hash is reused below). */
export const GATEWAY_PASSWORD = 'trygg-demo-gateway';
export const DEVICE_ACCOUNT = { username: 'demo-devices', password: 'trygg-demo-devices' };
export const WEBHOOK_ID = 'chaos-webhook';

export type DevicePlan = Record<Transport, string[]>;

/** Device ids per transport: every press of a run comes from a device that never pressed before. */
export function planDevices(perTransport: Record<Transport, number>): DevicePlan {
  const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${String(i + 1).padStart(5, '0')}`);
  return {
    mqtt: ids('mq', perTransport.mqtt),
    serial: ids('ser', perTransport.serial),
    zigbee: ids('zb', perTransport.zigbee),
    hid: ids('hid', perTransport.hid),
  };
}

/**
 * The demo office grown for a chaos run: every device of the plan on its gateway, two
 * standalone gateways with their own accounts, a chain that pops up on the back office at once
 * and tells a webhook (the harness) at the same step, then the manager's console; device
 * supervision relaxed, because the simulated buttons press but never heartbeat.
 */
export function writeChaosOffice(dir: string, plan: DevicePlan, webhookUrl: string): string {
  const config = parse(readFileSync(DEMO_CONFIG, 'utf8')) as TryggConfig;
  const site = config.sites[0]!;
  if (site.id !== SITE_ID) throw new Error(`the demo office's site is "${site.id}", expected "${SITE_ID}"`);
  const demoGateway = site.gateways[0]!;
  site.gateways = [
    { ...demoGateway, id: MAIN_GATEWAY, username: MAIN_GATEWAY },
    { ...demoGateway, id: HID_GATEWAY, username: HID_GATEWAY },
  ];
  const rooms = site.rooms.filter((r) => r.id !== 'manager-office').map((r) => r.id);
  const device = (id: string, gatewayId: string, i: number): DeviceConfig => ({ id, type: 'panic-button', roomId: rooms[i % rooms.length]!, gatewayId });
  site.devices = [
    ...[...plan.mqtt, ...plan.serial, ...plan.zigbee].map((id, i) => device(id, MAIN_GATEWAY, i)),
    ...plan.hid.map((id, i) => device(id, HID_GATEWAY, i)),
  ];
  site.chains = [{
    id: 'standard',
    steps: [
      { afterSeconds: 0, targets: [{ group: 'backoffice-team' }, { external: WEBHOOK_ID }], until: 'acknowledged' },
      { afterSeconds: 20, targets: [{ station: 'manager-office' }], until: 'acknowledged' },
    ],
  }];
  site.supervision = { heartbeatSeconds: { 'panic-button': 86_400 } };
  config.notifiers = [{
    id: WEBHOOK_ID,
    channel: 'webhook',
    party: 'other',
    settings: { url: webhookUrl, signingKey: 'chaos-harness-signing-key' },
  }];
  const file = join(dir, 'office.yaml');
  writeFileSync(file, stringify(config));
  return file;
}
