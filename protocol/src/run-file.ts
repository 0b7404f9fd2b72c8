/**
 * The run-file: `npm start` writes `<TRYGG_DATA_DIR>/trygg-run.json` once it listens and removes
 * it when it stops, so local tools (the device simulator) find the running Trygg's broker without
 * being told MQTT_PORT. A file whose process is gone is stale (a crash leaves it behind).
 */
export const RUN_FILE_NAME = 'trygg-run.json';

export interface RunFile {
  v: 1;
  /** The server's process id: the file is stale when no such process runs. */
  pid: number;
  /** Where devices on this machine reach Trygg's broker (`mqtt://127.0.0.1:<MQTT_PORT>`). */
  mqttUrl: string;
  /** The console's address. */
  consoleUrl: string;
  startedAt: string;
}

/** The run-file's content, or undefined when it is not one (a partial write, another program's file). */
export function parseRunFile(text: string): RunFile | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  const r = data as Partial<RunFile> | null;
  if (!r || typeof r !== 'object' || r.v !== 1) return undefined;
  if (!Number.isInteger(r.pid) || (r.pid as number) <= 0) return undefined;
  if (typeof r.mqttUrl !== 'string' || !/^(mqtts?|wss?):\/\/./.test(r.mqttUrl)) return undefined;
  if (typeof r.consoleUrl !== 'string' || typeof r.startedAt !== 'string') return undefined;
  return { v: 1, pid: r.pid as number, mqttUrl: r.mqttUrl, consoleUrl: r.consoleUrl, startedAt: r.startedAt };
}
