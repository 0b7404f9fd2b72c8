/**
 * Keeps docs/protocol.md and the wire contract in step: every example marked
 * `<!-- example: <name> -->` must pass the validator of its payload, and every topic that
 * topics.ts can build must be documented.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { consoleClientMessageSchema, PANIC_FEEDBACK_ACTIONS } from './console-messages';
import { ALARM_STATES } from './messages/alarm-state';
import { MAX_HEARTBEAT_BATCH_BYTES, MAX_PAYLOAD_BYTES } from './messages/common';
import { MAX_HEARTBEATS_PER_BATCH } from './messages/heartbeat-batch';
import { parseTopic, topics, type DeviceChannel, type GatewayChannel } from './topics';
import {
  createAjv,
  formatSchemaErrors,
  validateAlarmState,
  validateDeviceCommand,
  validateDeviceDirectory,
  validateDeviceEvent,
  validateDeviceMessage,
  validateGatewayStatus,
  validateHeartbeatBatch,
  validateReceipt,
  type Validated,
} from './validate';

const docPath = new URL('../../docs/protocol.md', import.meta.url);
const topicsPath = new URL('./topics.ts', import.meta.url);
const doc = readFileSync(docPath, 'utf8');

interface JsonBlock {
  line: number;
  marker: string | null;
  text: string;
}

/** Every ```json fence, with the example marker found within the 3 lines above its opening. */
function jsonBlocks(markdown: string): JsonBlock[] {
  const lines = markdown.split(/\r?\n/);
  const blocks: JsonBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.trim() !== '```json') continue;
    let marker: string | null = null;
    for (let j = i - 1; j >= Math.max(0, i - 3); j--) {
      const m = /^\s*<!--\s*example:\s*([a-z0-9-]+)\s*-->\s*$/.exec(lines[j]!);
      if (m) {
        marker = m[1]!;
        break;
      }
    }
    const body: string[] = [];
    let k = i + 1;
    while (k < lines.length && lines[k]!.trim() !== '```') body.push(lines[k++]!);
    if (k >= lines.length) throw new Error(`docs/protocol.md:${i + 1}: unclosed json block`);
    blocks.push({ line: i + 1, marker, text: body.join('\n') });
    i = k;
  }
  return blocks;
}

const ajv = createAjv();
const consoleClientFn = ajv.compile(consoleClientMessageSchema);

/** The server's console messages have no JSON Schema; check their shape against the types. */
function validateConsoleServer(data: unknown): Validated<unknown> {
  const errors: string[] = [];
  const msg = data as Record<string, unknown>;
  const alarmRequired = ['id', 'siteId', 'kind', 'state', 'drill', 'raisedAt', 'updatedAt', 'pressCount', 'responders'];
  const alarmValidate = (alarm: unknown) => {
    if (typeof alarm !== 'object' || alarm === null) return errors.push('alarm: must be an object');
    const a = alarm as Record<string, unknown>;
    for (const key of alarmRequired) if (!(key in a)) errors.push(`alarm.${key}: is required`);
    // A console alarm is the alarm-state message minus `v`, plus display fields.
    const { roomName, floor, acknowledgedBy, ...rest } = a;
    for (const [k, val] of Object.entries({ roomName, floor, acknowledgedBy })) {
      if (val !== undefined && typeof val !== 'string') errors.push(`alarm.${k}: must be string`);
    }
    const asState = validateAlarmState({ v: 1, ...rest });
    if (!asState.ok) errors.push(...asState.errors.map((e) => `alarm.${e}`));
    return 0;
  };
  switch (msg?.type) {
    case 'welcome':
      for (const k of ['stationId', 'siteId', 'user']) if (typeof msg[k] !== 'string') errors.push(`${k}: must be string`);
      if (!Number.isInteger(msg.openAlarms)) errors.push('openAlarms: must be integer');
      break;
    case 'popup':
    case 'update':
      alarmValidate(msg.alarm);
      break;
    case 'clear':
      if (typeof msg.alarmId !== 'string') errors.push('alarmId: must be string');
      if (!ALARM_STATES.includes(msg.state as never)) errors.push('state: must be an alarm state');
      break;
    case 'panic-ack':
      if (typeof msg.alarmId !== 'string') errors.push('alarmId: must be string');
      break;
    case 'panic-feedback':
      if (typeof msg.alarmId !== 'string') errors.push('alarmId: must be string');
      if (!PANIC_FEEDBACK_ACTIONS.includes(msg.action as never)) errors.push('action: must be a panic feedback action');
      break;
    case 'error':
      if (typeof msg.code !== 'string' || typeof msg.message !== 'string') errors.push('code, message: must be strings');
      break;
    case 'pong':
      break;
    default:
      errors.push('type: unknown console server message');
  }
  return errors.length === 0 ? { ok: true, value: data } : { ok: false, reason: 'schema', errors };
}

const validators: Record<string, (data: unknown) => Validated<unknown>> = {
  'device-message': validateDeviceMessage,
  'device-event': validateDeviceEvent,
  'heartbeat-batch': validateHeartbeatBatch,
  receipt: validateReceipt,
  'device-command': validateDeviceCommand,
  'gateway-status': validateGatewayStatus,
  'device-directory': validateDeviceDirectory,
  'alarm-state': validateAlarmState,
  'console-client': (data) =>
    consoleClientFn(data)
      ? { ok: true, value: data }
      : { ok: false, reason: 'schema', errors: formatSchemaErrors(consoleClientFn.errors) },
  'console-server': validateConsoleServer,
};

/** Channels read from the type unions in topics.ts, so a new channel cannot go undocumented. */
function unionMembers(source: string, typeName: string): string[] {
  const m = new RegExp(`export type ${typeName}\\s*=([^;]+);`).exec(source);
  if (!m) throw new Error(`type ${typeName} not found in topics.ts`);
  return [...m[1]!.matchAll(/'([^']+)'/g)].map((x) => x[1]!);
}

const topicsSource = readFileSync(topicsPath, 'utf8');
const gatewayChannels = unionMembers(topicsSource, 'GatewayChannel') as GatewayChannel[];
const deviceChannels = unionMembers(topicsSource, 'DeviceChannel') as DeviceChannel[];

/** Every topic template topics.ts can build, with the placeholders docs/protocol.md uses. */
function topicTemplates(): string[] {
  const out: string[] = [];
  for (const ch of gatewayChannels) out.push(topics.gateway('<siteId>', '<gatewayId>', ch));
  for (const ch of deviceChannels) out.push(topics.device('<siteId>', '<deviceId>', ch));
  out.push(topics.alarmState('<siteId>', '<alarmId>'));
  // Wildcard builders are documented as patterns over the channel; not every channel is used.
  out.push(topics.allGatewayChannel('<channel>' as GatewayChannel));
  out.push(topics.allDevicesOfSite('<siteId>', '<channel>' as DeviceChannel));
  return out;
}

describe('docs/protocol.md', () => {
  const blocks = jsonBlocks(doc);

  it('has examples', () => {
    expect(blocks.length).toBeGreaterThan(0);
  });

  it.each(blocks.map((b) => [b.line, b] as const))('json block at line %i parses and has a known example marker', (_line, block) => {
    expect(() => JSON.parse(block.text), `docs/protocol.md:${block.line}`).not.toThrow();
    expect(block.marker, `docs/protocol.md:${block.line}: add <!-- example: <name> --> above the block`).not.toBeNull();
    expect(Object.keys(validators), `docs/protocol.md:${block.line}: unknown example name`).toContain(block.marker);
  });

  it.each(blocks.filter((b) => b.marker && validators[b.marker]).map((b) => [b.marker!, b.line, b] as const))(
    '%s example at line %i is valid against its schema',
    (marker, line, block) => {
      const result = validators[marker]!(JSON.parse(block.text));
      expect(result.ok ? [] : result.errors, `docs/protocol.md:${line}`).toEqual([]);
    },
  );

  it('has at least one example of every payload', () => {
    const seen = new Set(blocks.map((b) => b.marker));
    expect(Object.keys(validators).filter((name) => !seen.has(name))).toEqual([]);
  });

  it('documents every topic template in topics.ts', () => {
    // A new builder in `topics` must be added to topicTemplates() above (and to the doc).
    expect(Object.keys(topics).sort()).toEqual(['alarmState', 'allDevicesOfSite', 'allGatewayChannel', 'device', 'gateway']);
    expect(gatewayChannels.length).toBeGreaterThan(0);
    expect(deviceChannels.length).toBeGreaterThan(0);
    const missing = topicTemplates().filter((t) => !doc.includes('`' + t + '`'));
    expect(missing).toEqual([]);
  });

  it('documents only topics that parseTopic accepts', () => {
    const concrete = [...doc.matchAll(/`(trygg\/v1\/sites\/<siteId>\/[^`]*)`/g)]
      .map((m) => m[1]!)
      .filter((t) => !t.includes('+'))
      .map((t) => t.replace('<siteId>', 'demo').replace(/<[a-zA-Z]+Id>/g, 'x1'));
    expect(concrete.length).toBeGreaterThan(0);
    expect(concrete.filter((t) => parseTopic(t) === null)).toEqual([]);
  });

  it('states the payload limits', () => {
    expect(doc).toContain(`${MAX_PAYLOAD_BYTES / 1024} KiB`);
    expect(doc).toContain(`${MAX_HEARTBEAT_BATCH_BYTES / 1024} KiB`);
    expect(doc).toContain(`**${MAX_HEARTBEATS_PER_BATCH}**`);
  });
});
