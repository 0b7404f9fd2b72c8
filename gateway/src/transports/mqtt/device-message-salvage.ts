import { createAjv, deviceMessageSchema, formatSchemaErrors, type DeviceMessage } from '@trygg/protocol';

export interface Salvaged {
  message: DeviceMessage;
  /** What failed the schema and was dropped (or, for `at`, handed on for the gateway to judge). */
  repaired: string[];
}

const check = createAjv().compile(deviceMessageSchema);
/** Details a message can lose without changing what happened; `at` is judged by the gateway. */
const DETAIL_FIELDS: ReadonlySet<string> = new Set(['at', 'battery', 'location', 'until', 'pin']);

/**
 * A device message that failed the schema only in its details (a bad `at`, an out-of-range
 * battery, an unknown extra field) still says "press": dropping it would lose the alarm for a
 * detail. The core (`v`, `type`, `msgId`, `seq`) must be valid; bad details are dropped, and a
 * bad `at` is kept as text so the gateway replaces it with its receive time and logs the device's
 * clock (device-time.ts). Returns null when the core itself is broken.
 */
export function salvageDeviceMessage(data: unknown): Salvaged | null {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return null;
  if (check(data)) return { message: data as DeviceMessage, repaired: [] };
  const copy: Record<string, unknown> = { ...(data as Record<string, unknown>) };
  const repaired: string[] = [];
  const fields = new Set<string>();
  for (const err of check.errors ?? []) {
    const field =
      err.keyword === 'additionalProperties' && err.instancePath === ''
        ? (err.params as { additionalProperty: string }).additionalProperty
        : err.instancePath.split('/')[1];
    if (field === undefined) return null; // a required field is missing: not a message we can read
    const known = field in deviceMessageSchema.properties;
    if (known && !DETAIL_FIELDS.has(field)) return null;
    fields.add(field);
    repaired.push(formatSchemaErrors([err])[0] ?? field);
  }
  const badAt = fields.has('at');
  const givenAt = copy.at;
  for (const field of fields) delete copy[field];
  if (!check(copy)) return null;
  const message = copy as unknown as DeviceMessage;
  if (badAt && givenAt !== undefined) message.at = typeof givenAt === 'string' ? givenAt.slice(0, 64) : String(givenAt).slice(0, 64);
  return { message, repaired };
}
