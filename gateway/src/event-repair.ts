import { createHash } from 'node:crypto';
import { createAjv, deviceEventSchema, formatSchemaErrors, type DeviceEvent } from '@trygg/protocol';

export interface RepairResult {
  event: DeviceEvent;
  /** Fields changed or dropped, `field: what was wrong`; empty when the event was valid. */
  repaired: string[];
  /** Schema errors left after repair; non-empty only for what cannot be repaired (ids, kind). */
  remaining: string[];
}

const check = createAjv().compile(deviceEventSchema);
/** Not a type guard on purpose: after a failed check the event is still a DeviceEvent to repair. */
const isValid = (data: unknown): boolean => check(data);
const OPTIONAL_FIELDS: ReadonlySet<string> = new Set(['msgId', 'battery', 'location', 'until', 'pin']);
const UINT32_MAX = 4_294_967_295;

/**
 * Makes a built event pass the protocol schema where that can be done without changing what
 * happened: the server rejects an invalid event for good, so sending it as built would drop the
 * press. `at` becomes the gateway's receive time, a bad `seq` becomes 0, a bad `eventId` becomes
 * a stable hash of itself (re-sends still fold), a bad optional detail (msgId, battery,
 * location, until, pin) and any unknown field are dropped. Ids and kind cannot be repaired; they come from
 * the topic and the transport, which checked them already.
 */
export function repairDeviceEvent(event: DeviceEvent, now: number): RepairResult {
  if (isValid(event)) return { event, repaired: [], remaining: [] };
  const fixed: Record<string, unknown> = { ...event };
  const repaired: string[] = [];
  for (const err of check.errors ?? []) {
    const field =
      err.keyword === 'additionalProperties' && err.instancePath === ''
        ? (err.params as { additionalProperty: string }).additionalProperty
        : err.keyword === 'required' && err.instancePath === ''
          ? (err.params as { missingProperty: string }).missingProperty
          : err.instancePath.split('/')[1];
    if (field === undefined || repaired.some((r) => r.startsWith(`${field}:`))) continue;
    const why = formatSchemaErrors([err])[0] ?? field;
    if (field === 'at') fixed.at = new Date(now).toISOString();
    else if (field === 'seq') fixed.seq = Number.isInteger(event.seq) ? Math.min(Math.max(event.seq, 0), UINT32_MAX) : 0;
    else if (field === 'eventId') fixed.eventId = `${event.deviceId}-r.${createHash('sha256').update(String(event.eventId)).digest('hex').slice(0, 48)}`;
    else if (OPTIONAL_FIELDS.has(field) || !(field in deviceEventSchema.properties)) delete fixed[field];
    else continue;
    repaired.push(why.startsWith(field) ? why : `${field}: ${why}`);
  }
  const result = fixed as unknown as DeviceEvent;
  const remaining = isValid(result) ? [] : formatSchemaErrors(check.errors);
  return { event: result, repaired, remaining };
}
