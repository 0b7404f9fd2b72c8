import { performance } from 'node:perf_hooks';
import { readFileSync } from 'node:fs';
import pino from 'pino';
import { parse } from 'yaml';
import { CommandForwarder } from '../gateway/src/commands/command-forwarder';
import { createGatewayStats } from '../gateway/src/gateway-stats';
import { OfficeDirectory } from '../server/src/config/office-directory';
import type { TryggConfig } from '../server/src/config/types';
import { DEMO_CONFIG } from '../server/src/environment';
import { numbered } from './bench-office';

/**
 * Cost of the hot-path lookups per heartbeat, in-process: what the server's ingest asks the
 * OfficeDirectory for every entry of a heartbeat batch (device), and what the gateway does for
 * every message (remember the device's transport), for a fleet of `devices`. `pass()` walks the
 * whole fleet once and returns ns per heartbeat; `floor()` does one lookup per heartbeat in a plain
 * Map of the same ids, what any map costs at that size on this machine.
 */
export function lookupFleet(devices: number): { pass(): number; floor(): number } {
  const config = parse(readFileSync(DEMO_CONFIG, 'utf8')) as TryggConfig;
  const site = config.sites[0]!;
  const ids = numbered('hb', devices);
  for (const id of ids) site.devices.push({ id, type: 'panic-button', roomId: 'interview-1', gatewayId: 'demo-gw' });
  const directory = new OfficeDirectory(config);
  const forwarder = new CommandForwarder([], createGatewayStats(), pino({ level: 'silent' }), () => devices);
  // Heartbeats arrive in batches of up to 500 devices (gateway heartbeat batching), in fleet order,
  // and their ids are fresh strings from JSON.parse, as in ingest (not the map's own key strings).
  const encoded: string[] = [];
  for (let i = 0; i < ids.length; i += 500) encoded.push(JSON.stringify(ids.slice(i, i + 500).map((deviceId) => ({ deviceId }))));
  // The floor: one plain Map of the same ids, looked up the same way (no Trygg code).
  const plain = new Map(ids.map((id) => [id, true]));
  return {
    floor() {
      const batches = encoded.map((text) => JSON.parse(text) as { deviceId: string }[]);
      let known = 0;
      const t0 = performance.now();
      for (const batch of batches) for (const d of batch) if (plain.get(d.deviceId)) known++;
      const ns = ((performance.now() - t0) * 1e6) / devices;
      if (known !== devices) throw new Error(`lookup bench: ${known} of ${devices} devices found`);
      return ns;
    },
    pass() {
      const batches = encoded.map((text) => JSON.parse(text) as { deviceId: string }[]);
      let known = 0;
      const t0 = performance.now();
      for (const batch of batches) {
        for (const d of batch) forwarder.rememberTransport(d.deviceId, 'mqtt');
        // Counted, not filtered: the timed loop allocates nothing, so no garbage collection of the
        // bench's own data is timed as lookup cost.
        for (const d of batch) if (directory.device('demo', d.deviceId)) known++;
      }
      const ns = ((performance.now() - t0) * 1e6) / devices;
      if (known !== devices) throw new Error(`lookup bench: ${known} of ${devices} devices found`);
      return ns;
    },
  };
}

/**
 * ns per heartbeat for each fleet size, the best of `rounds` passes (the least disturbed by the
 * machine's other work). The sizes take turns pass by pass, after `warmup` untimed passes each, so
 * both run the same optimised code and see the same machine.
 */
export function lookupNsPerHeartbeat(sizes: readonly number[], rounds = 15, warmup = 5): { trygg: number; floor: number }[] {
  const fleets = sizes.map(lookupFleet);
  for (let r = 0; r < warmup; r++) {
    for (const f of fleets) {
      f.pass();
      f.floor();
    }
  }
  const best = sizes.map(() => ({ trygg: Infinity, floor: Infinity }));
  for (let r = 0; r < rounds; r++) {
    fleets.forEach((f, i) => {
      best[i]!.trygg = Math.min(best[i]!.trygg, f.pass());
      best[i]!.floor = Math.min(best[i]!.floor, f.floor());
    });
  }
  return best;
}
