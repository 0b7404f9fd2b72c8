import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseRunFile, RUN_FILE_NAME, type RunFile } from '@trygg/protocol';

/** Where devices on this machine reach a broker listening on `host` (any-address hosts mean loopback). */
export function localMqttUrl(host: string | undefined, port: number, tls: boolean): string {
  const local = !host || host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `${tls ? 'mqtts' : 'mqtt'}://${local.includes(':') ? `[${local}]` : local}:${port}`;
}

/**
 * Writes the run-file (protocol/src/run-file.ts) atomically, so a reader never sees half of it,
 * and returns its removal for the shutdown: only our own file is removed, not a newer server's.
 */
export function writeRunFile(dataDir: string, run: Omit<RunFile, 'v' | 'pid' | 'startedAt'>, now = new Date()): () => void {
  const file = join(dataDir, RUN_FILE_NAME);
  const content: RunFile = { v: 1, pid: process.pid, ...run, startedAt: now.toISOString() };
  writeFileSync(`${file}.tmp`, `${JSON.stringify(content, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
  return () => {
    try {
      if (parseRunFile(readFileSync(file, 'utf8'))?.pid === process.pid) rmSync(file, { force: true });
    } catch {
      // Already gone: nothing to remove.
    }
  };
}
