import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseRunFile, RUN_FILE_NAME } from '@trygg/protocol';

/** The broker a command will use, said in one line, and what to check when no Trygg answers there. */
export interface BrokerChoice {
  /** The environment to parse the command with (MQTT_URL set when the run-file named the broker). */
  env: Record<string, string | undefined>;
  /** `broker: <url> (<why this one>)`; absent when --url named it. */
  note?: string;
  /** Printed after a failure, below the general hint. */
  hint?: string;
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Without --url, MQTT_URL or MQTT_PORT, the simulator looks for the run-file `npm start` writes
 * in the data directory (TRYGG_DATA_DIR, default `./data`, as for `npm start`) and uses that
 * Trygg's broker: the demo on MQTT_PORT=18830 is found without repeating the variable.
 */
export function chooseBroker(argv: readonly string[], env: Record<string, string | undefined>): BrokerChoice {
  if (argv.some((a) => a === '--url' || a.startsWith('--url='))) return { env };
  if (env.MQTT_URL) return { env, note: `broker: ${env.MQTT_URL} (from MQTT_URL)` };
  if (env.MQTT_PORT) return { env, note: `broker: mqtt://127.0.0.1:${env.MQTT_PORT} (from MQTT_PORT)` };
  const file = join(env.TRYGG_DATA_DIR || 'data', RUN_FILE_NAME);
  const fallback = 'mqtt://127.0.0.1:1883';
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return {
      env,
      note: `broker: ${fallback} (the default: no running Trygg found, ${file} does not exist)`,
      hint: `A running \`npm start\` writes ${file} (its TRYGG_DATA_DIR); run the simulator from the same directory with the same TRYGG_DATA_DIR to find it.`,
    };
  }
  const run = parseRunFile(text);
  if (!run) return { env, note: `broker: ${fallback} (the default: ${file} is not a Trygg run-file)` };
  if (!running(run.pid)) {
    return {
      env,
      note: `broker: ${fallback} (the default: ${file} names Trygg process ${run.pid}, which no longer runs)`,
      hint: 'Start Trygg with `npm start`, or point the simulator at it with MQTT_PORT or MQTT_URL.',
    };
  }
  return {
    env: { ...env, MQTT_URL: run.mqttUrl },
    note: `broker: ${run.mqttUrl} (the running Trygg's, process ${run.pid}, from ${file})`,
    hint: `Trygg (process ${run.pid}) announced this broker; is it still starting, or does it run without its gateway (TRYGG_EMBEDDED_GATEWAY=off and no \`npm run gateway\`)?`,
  };
}
