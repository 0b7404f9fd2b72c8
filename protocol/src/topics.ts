/**
 * MQTT topics of the Trygg wire contract. Every topic is versioned under `trygg/v1/` so a
 * later incompatible contract can live beside this one during a migration.
 * Documented in docs/protocol.md.
 */
export const TOPIC_ROOT = 'trygg/v1';

/** MQTT topic levels must not contain wildcards or separators; ids are kept to a safe alphabet. */
export const ID_PATTERN = '^[a-z0-9][a-z0-9_-]{0,63}$';
const idRe = new RegExp(ID_PATTERN);
export function isValidId(id: string): boolean {
  return idRe.test(id);
}

export type GatewayChannel = 'events' | 'heartbeats' | 'receipts' | 'commands' | 'status' | 'directory';
export type DeviceChannel = 'up' | 'down';

export const topics = {
  gateway(siteId: string, gatewayId: string, channel: GatewayChannel): string {
    return `${TOPIC_ROOT}/sites/${siteId}/gateways/${gatewayId}/${channel}`;
  },
  device(siteId: string, deviceId: string, channel: DeviceChannel): string {
    return `${TOPIC_ROOT}/sites/${siteId}/devices/${deviceId}/${channel}`;
  },
  alarmState(siteId: string, alarmId: string): string {
    return `${TOPIC_ROOT}/sites/${siteId}/alarms/${alarmId}/state`;
  },
  /** Subscriptions used by the server (all sites) and gateways (their own site). */
  allGatewayChannel(channel: GatewayChannel): string {
    return `${TOPIC_ROOT}/sites/+/gateways/+/${channel}`;
  },
  allDevicesOfSite(siteId: string, channel: DeviceChannel): string {
    return `${TOPIC_ROOT}/sites/${siteId}/devices/+/${channel}`;
  },
};

export type ParsedTopic =
  | { kind: 'gateway'; siteId: string; gatewayId: string; channel: GatewayChannel }
  | { kind: 'device'; siteId: string; deviceId: string; channel: DeviceChannel }
  | { kind: 'alarm-state'; siteId: string; alarmId: string };

const gatewayChannels: ReadonlySet<string> = new Set(['events', 'heartbeats', 'receipts', 'commands', 'status', 'directory']);
const deviceChannels: ReadonlySet<string> = new Set(['up', 'down']);

/** Parses a concrete topic (no wildcards); returns null for anything outside the contract. */
export function parseTopic(topic: string): ParsedTopic | null {
  const parts = topic.split('/');
  if (parts.length < 6 || parts[0] !== 'trygg' || parts[1] !== 'v1' || parts[2] !== 'sites') return null;
  const siteId = parts[3]!;
  if (!isValidId(siteId)) return null;
  const [, , , , collection, id, channel, ...rest] = parts;
  if (rest.length > 0 || !id || !channel || !isValidId(id)) return null;
  if (collection === 'gateways' && gatewayChannels.has(channel)) {
    return { kind: 'gateway', siteId, gatewayId: id, channel: channel as GatewayChannel };
  }
  if (collection === 'devices' && deviceChannels.has(channel)) {
    return { kind: 'device', siteId, deviceId: id, channel: channel as DeviceChannel };
  }
  if (collection === 'alarms' && channel === 'state') return { kind: 'alarm-state', siteId, alarmId: id };
  return null;
}
