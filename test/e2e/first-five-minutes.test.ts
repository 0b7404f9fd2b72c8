import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseRunFile, RUN_FILE_NAME } from '@trygg/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliIo } from '../../firmware-sim/src/cli/run-cli';
import { freePort } from '../support/free-port';
import { writeTestOffice } from '../support/office-config';
import { TryggProcess } from '../support/trygg-process';

function io(): CliIo & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (l) => lines.push(l), err: (l) => errors.push(l), interrupted: () => new Promise(() => {}) };
}

/**
 * The first five minutes with the real `npm start` (server/src/main.ts as a child process): the
 * simulator finds the running Trygg on a non-default MQTT port by its run-file, and a
 * configuration file edited after the first start is reported as not applied, with how to import it.
 */
describe('first five minutes, with npm start', () => {
  let dir: string;
  let dataDir: string;
  let configFile: string;
  let trygg: TryggProcess;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trygg-e2e-first-'));
    dataDir = join(dir, 'data');
    configFile = writeTestOffice(dir, 30);
    trygg = new TryggProcess({ dataDir, configFile, httpPort: await freePort(), mqttPort: await freePort() });
    await trygg.start();
  });

  afterAll(async () => {
    await trygg?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('npm run sim -- press interview-1, without MQTT_PORT, reaches the running Trygg on its own port', async () => {
    const run = parseRunFile(readFileSync(join(dataDir, RUN_FILE_NAME), 'utf8'));
    expect(run).toMatchObject({ mqttUrl: `mqtt://127.0.0.1:${trygg.options.mqttPort}`, consoleUrl: `http://localhost:${trygg.options.httpPort}/` });
    expect(trygg.pid).toBe(run!.pid);

    const out = io();
    expect(await runCli(['press', 'interview-1'], { TRYGG_DATA_DIR: dataDir }, out)).toBe(0);
    expect(out.errors).toEqual([`broker: mqtt://127.0.0.1:${trygg.options.mqttPort} (the running Trygg's, process ${run!.pid}, from ${join(dataDir, RUN_FILE_NAME)})`]);
    expect(out.lines).toContainEqual(expect.stringMatching(/^interview-1: press stored by Trygg \(msg /));
  });

  it('a stopped Trygg takes its run-file away; an edited file at the next start is named as not applied', async () => {
    await trygg.stop();
    expect(existsSync(join(dataDir, RUN_FILE_NAME))).toBe(false);

    writeTestOffice(dir, 30, (c) => { c.sites[0]!.name = 'Endra i fila'; });
    trygg = new TryggProcess({ ...trygg.options });
    await trygg.start();
    const warnings = trygg.output.filter((l) => l.startsWith('trygg: warning:'));
    expect(warnings).toEqual([
      `trygg: warning: TRYGG_SRV_CONFIG_FILE_IGNORED: ${configFile} differs from the stored configuration (version 1), which runs: the file only seeds a new installation. To apply it, import it: console Configuration > Import and export, or PUT /api/v1/config with the file as application/yaml`,
    ]);
    // The stored configuration runs, not the edited file.
    expect(trygg.logLines('configuration from the store (the file is the same)')).toEqual([]);
    expect(readFileSync(join(dataDir, RUN_FILE_NAME), 'utf8')).toContain(`"pid": ${trygg.pid}`);
  });
});
