import { readFileSync } from 'node:fs';
import {
  decodePayload, parseTopic, topics, validateAlarmState, validateDeviceCommand, validateDeviceEvent, validateDeviceMessage, validateGatewayStatus,
  validateHeartbeatBatch, validateReceipt, type Validated,
} from '@trygg/protocol';
import { bytes, text, type FuzzTarget } from '../target';

/**
 * The MQTT wire contract (docs/protocol.md): payloads through decodePayload with every message
 * validator (size limit, JSON, schema; result objects, never exceptions), and topics through
 * parseTopic (null for anything outside the contract). Seeds: the documented examples, copied
 * into fuzz/seeds/protocol-messages.json.
 */
const examples = (JSON.parse(readFileSync(new URL('../seeds/protocol-messages.json', import.meta.url), 'utf8')) as { seeds: { kind: string; value: unknown }[] }).seeds;
const validators: ((data: unknown) => Validated<unknown>)[] = [
  validateDeviceMessage, validateDeviceEvent, validateHeartbeatBatch, validateReceipt, validateDeviceCommand, validateGatewayStatus, validateAlarmState,
];

export const devicePayloadsTarget: FuzzTarget = {
  name: 'device-payloads',
  seeds: examples.map((e) => bytes(JSON.stringify(e.value))),
  dictionary: ['{', '}', '[', ']', '"', ':', ',', '"v":1', '"type":"press"', '"msgId":"m-1"', '"seq":', '"at":"2026-01-05T09:00:00.000Z"', '"battery":',
    '"eventId":', '"status":"stored"', 'null', 'true', '1e999', '-0', '\\u0000', '"__proto__":'],
  structured: { values: examples.map((e) => e.value), encode: (value) => bytes(JSON.stringify(value) ?? 'null') },
  run(input) {
    for (const validate of validators) decodePayload(input, validate);
  },
  isTypedError: () => false,
};

const topicSeeds = [
  topics.device('demo', 'interview-1', 'up'), topics.device('demo', 'interview-1', 'down'),
  topics.gateway('demo', 'demo-gw', 'events'), topics.gateway('demo', 'demo-gw', 'receipts'), topics.gateway('demo', 'demo-gw', 'status'),
  topics.alarmState('demo', '6f1c2a3e-0000-4000-8000-000000000001'), 'trygg/v1/sites/+/gateways/+/events', 'zigbee2mqtt/bridge/state',
];

export const mqttTopicsTarget: FuzzTarget = {
  name: 'mqtt-topics',
  seeds: topicSeeds.map((t) => bytes(t)),
  dictionary: ['/', 'trygg', 'v1', 'sites', 'devices', 'gateways', 'alarms', 'state', 'up', 'down', 'events', 'heartbeats', 'receipts', 'commands',
    'status', 'directory', '+', '#', '..', '__proto__', 'constructor'],
  run(input) {
    parseTopic(text(input));
  },
  isTypedError: () => false,
};
