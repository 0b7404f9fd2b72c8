import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { alarmStateSchema, type AlarmStateMessage } from './messages/alarm-state';
import { MAX_PAYLOAD_BYTES } from './messages/common';
import { deviceCommandSchema, type DeviceCommand } from './messages/device-command';
import { deviceDirectorySchema, type DeviceDirectory } from './messages/device-directory';
import { deviceEventSchema, type DeviceEvent } from './messages/device-event';
import { deviceMessageSchema, type DeviceMessage } from './messages/device-message';
import { gatewayStatusSchema, type GatewayStatus } from './messages/gateway-status';
import { heartbeatBatchSchema, type HeartbeatBatch } from './messages/heartbeat-batch';
import { receiptSchema, type Receipt } from './messages/receipt';

// ajv-formats is CommonJS; its default export arrives wrapped under ESM interop.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (a: Ajv) => Ajv;

export type Validated<T> = { ok: true; value: T } | { ok: false; reason: RejectReason; errors: string[] };

/** Reasons a payload is rejected; used as the `reason` label of the rejection counters. */
export type RejectReason = 'oversized' | 'malformed-json' | 'schema';

/** Renders Ajv errors as `path: message`, one per problem, the form used for every validation. */
export function formatSchemaErrors(errors: ErrorObject[] | null | undefined, root = ''): string[] {
  return (errors ?? []).map((e) => {
    let path = root + e.instancePath.replace(/\//g, '.');
    if (e.keyword === 'additionalProperties') path += `.${(e.params as { additionalProperty: string }).additionalProperty}`;
    if (e.keyword === 'required') path += `.${(e.params as { missingProperty: string }).missingProperty}`;
    const shown = path.replace(/^\./, '') || '(root)';
    const msg = e.keyword === 'enum' ? `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}` : e.message;
    return `${shown}: ${msg ?? 'is invalid'}`;
  });
}

export function createAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
  addFormats(ajv);
  return ajv;
}

const ajv = createAjv();

function compile<T>(schema: object): ValidateFunction<T> {
  return ajv.compile<T>(schema);
}

function validator<T>(schema: object) {
  const fn = compile<T>(schema);
  return (data: unknown): Validated<T> =>
    fn(data) ? { ok: true, value: data } : { ok: false, reason: 'schema', errors: formatSchemaErrors(fn.errors) };
}

export const validateDeviceMessage = validator<DeviceMessage>(deviceMessageSchema);
export const validateDeviceEvent = validator<DeviceEvent>(deviceEventSchema);
export const validateHeartbeatBatch = validator<HeartbeatBatch>(heartbeatBatchSchema);
export const validateReceipt = validator<Receipt>(receiptSchema);
export const validateDeviceCommand = validator<DeviceCommand>(deviceCommandSchema);
export const validateGatewayStatus = validator<GatewayStatus>(gatewayStatusSchema);
export const validateAlarmState = validator<AlarmStateMessage>(alarmStateSchema);
export const validateDeviceDirectory = validator<DeviceDirectory>(deviceDirectorySchema);

/**
 * Decodes an MQTT payload: size limit first (never parse what is too big), then JSON, then the
 * schema. Never throws; every failure names its reason.
 */
export function decodePayload<T>(
  payload: Uint8Array,
  validate: (data: unknown) => Validated<T>,
  maxBytes = MAX_PAYLOAD_BYTES,
): Validated<T> {
  if (payload.byteLength > maxBytes) {
    return { ok: false, reason: 'oversized', errors: [`payload is ${payload.byteLength} bytes, limit ${maxBytes}`] };
  }
  let data: unknown;
  try {
    data = JSON.parse(Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('utf8'));
  } catch (err) {
    return { ok: false, reason: 'malformed-json', errors: [(err as Error).message] };
  }
  return validate(data);
}

export function encodePayload(message: object): Buffer {
  return Buffer.from(JSON.stringify(message));
}
