import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify, parse } from 'yaml';
import type { DeviceConfig, TryggConfig } from '../server/src/config/types';
import { DEMO_CONFIG } from '../server/src/environment';

const ROOMS = ['interview-1', 'interview-2', 'interview-3', 'reception'];

/** `<prefix>-<n>` zero-padded to the width of the largest number. */
export function numbered(prefix: string, count: number): string[] {
  const width = String(Math.max(0, count - 1)).length;
  return Array.from({ length: count }, (_, i) => `${prefix}-${String(i).padStart(width, '0')}`);
}

/**
 * The demo office with generated devices, all behind demo-gw: `groups` of fixed buttons (heartbeat
 * fleet, press devices per transport) and `short` devices with their own short heartbeat interval.
 */
export function writeBenchOffice(dir: string, groups: string[][], short: { ids: string[]; heartbeatSeconds: number }): string {
  const config = parse(readFileSync(DEMO_CONFIG, 'utf8')) as TryggConfig;
  const site = config.sites[0]!;
  const device = (id: string, i: number): DeviceConfig => ({ id, type: 'panic-button', roomId: ROOMS[i % ROOMS.length]!, gatewayId: 'demo-gw' });
  for (const group of groups) group.forEach((id, i) => site.devices.push(device(id, i)));
  short.ids.forEach((id, i) => site.devices.push({ ...device(id, i), roomId: 'backoffice', heartbeatSeconds: short.heartbeatSeconds }));
  const file = join(dir, 'bench-devices-office.yaml');
  writeFileSync(file, stringify(config));
  return file;
}
