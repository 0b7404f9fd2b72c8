import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { SimulatorError } from './errors';

/** The demo office shipped with the server, found relative to this file inside the repository. */
export const DEMO_CONFIG_PATH = fileURLToPath(new URL('../../server/config/demo-office.yaml', import.meta.url));

export interface ConfiguredDevice {
  siteId: string;
  id: string;
  type: string;
  roomId?: string;
  name?: string;
}

/**
 * Reads the devices of a Trygg configuration file. Only the fields the simulator needs are read,
 * leniently: validating the whole file is the server's job (and a config the server rejects
 * should still be listable while debugging it).
 */
export function readConfiguredDevices(path: string = DEMO_CONFIG_PATH): ConfiguredDevice[] {
  let doc: unknown;
  try {
    doc = parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new SimulatorError('TRYGG_SIM_CONFIG', `cannot read configuration ${path}: ${(err as Error).message}`, { cause: err });
  }
  const sites = (doc as { sites?: unknown } | null)?.sites;
  if (!Array.isArray(sites)) throw new SimulatorError('TRYGG_SIM_CONFIG', `${path}: no "sites" list`);
  const devices: ConfiguredDevice[] = [];
  for (const site of sites as { id?: unknown; devices?: unknown }[]) {
    if (!Array.isArray(site?.devices)) continue;
    for (const d of site.devices as Record<string, unknown>[]) {
      if (typeof d?.id !== 'string') continue;
      devices.push({
        siteId: String(site.id ?? ''),
        id: d.id,
        type: typeof d.type === 'string' ? d.type : '?',
        ...(typeof d.roomId === 'string' && { roomId: d.roomId }),
        ...(typeof d.name === 'string' && { name: d.name }),
      });
    }
  }
  return devices;
}

export function formatDeviceTable(devices: ConfiguredDevice[]): string[] {
  const rows = [['DEVICE', 'TYPE', 'ROOM', 'SITE'], ...devices.map((d) => [d.id, d.type, d.roomId ?? '-', d.siteId])];
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((r) => r[col]!.length)));
  return rows.map((r) => r.map((cell, col) => (col === r.length - 1 ? cell : cell.padEnd(widths[col]!))).join('  '));
}
