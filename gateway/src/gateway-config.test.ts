import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startGateway, type GatewayOptions } from './gateway';
import { SqliteOutbox } from './outbox/sqlite-outbox';
import { outboxFile } from './gateway';
import type { DeviceTransportConfig } from './transports/transport-factories';

describe('startGateway configuration errors', () => {
  let dataDir: string;
  let base: GatewayOptions;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'trygg-gw-config-'));
    base = { siteId: 'demo', gatewayId: 'gw', uplink: { url: 'mqtt://127.0.0.1:1' }, dataDir, logger: pino({ level: 'silent' }) };
  });

  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('refuses ids that cannot be MQTT topic levels', async () => {
    await expect(startGateway({ ...base, siteId: 'Demo Office' })).rejects.toMatchObject({ code: 'TRYGG_GW_CONFIG' });
    await expect(startGateway({ ...base, gatewayId: 'gw/+' })).rejects.toMatchObject({ code: 'TRYGG_GW_CONFIG' });
  });

  it('refuses an unknown transport kind and leaves the outbox closed and usable', async () => {
    const transports = [{ kind: 'carrier-pigeon', url: 'x' }] as unknown as DeviceTransportConfig[];
    await expect(startGateway({ ...base, transports })).rejects.toMatchObject({ code: 'TRYGG_GW_UNKNOWN_TRANSPORT' });
    const outbox = SqliteOutbox.open(outboxFile(dataDir, 'demo', 'gw'));
    expect(outbox.depth()).toBe(0);
    outbox.close();
  });

  it('starts and stops while the broker is unreachable', async () => {
    const gateway = await startGateway({ ...base, reconnectPeriodMs: 50 });
    expect(gateway.links()).toEqual({ uplink: false, mqtt: false });
    await gateway.stop();
  });
});
