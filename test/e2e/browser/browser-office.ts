import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectSimulator, type DeviceSimulator } from '@trygg/firmware-sim';
import type { Browser } from 'playwright-core';
import type { TryggConfig } from '../../../server/src/config/types';
import { freePort } from '../../support/free-port';
import { TryggProcess } from '../../support/trygg-process';
import { ensureConsoleBuilt, launchChromium, writeBrowserOffice } from './browser-support';

/** A running office for a browser test: the server process on the browser office, Chromium, and optionally the demo devices. */
export interface BrowserOffice {
  dir: string;
  trygg: TryggProcess;
  browser: Browser;
  /** The demo office's simulated devices, when asked for. */
  sim?: DeviceSimulator;
  /** A new connection as the demo devices (a test that restarts the server needs a fresh one). */
  connectDevices(): Promise<DeviceSimulator>;
  close(): Promise<void>;
}

export async function startBrowserOffice(name: string, opts: { edit?: (c: TryggConfig) => void; devices?: boolean; chromiumArgs?: string[] } = {}): Promise<BrowserOffice> {
  ensureConsoleBuilt();
  const dir = mkdtempSync(join(tmpdir(), `trygg-${name}-`));
  const trygg = new TryggProcess({ dataDir: join(dir, 'data'), configFile: writeBrowserOffice(dir, opts.edit), httpPort: await freePort(), mqttPort: await freePort() });
  const office: Partial<BrowserOffice> = { dir, trygg };
  const connectDevices = () => connectSimulator({ url: `mqtt://127.0.0.1:${trygg.options.mqttPort}`, username: 'demo-devices', password: 'trygg-demo-devices', siteId: 'demo' });
  const close = async () => {
    await office.browser?.close();
    await office.sim?.close();
    await trygg.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await trygg.start();
    if (opts.devices) office.sim = await connectDevices();
    office.browser = await launchChromium(opts.chromiumArgs);
  } catch (err) {
    await close();
    throw err;
  }
  return { ...(office as BrowserOffice), connectDevices, close };
}
