import type { Clock, DeviceBinding, DeviceCommand, DeviceMessage } from '@trygg/protocol';
import type { Logger } from 'pino';

/**
 * Why a transport dropped a payload; the label of `stats.rejected`. The first three come from
 * the protocol's decodePayload; `bad-topic` is a topic outside the contract.
 */
export type InputRejectReason = 'oversized' | 'malformed-json' | 'schema' | 'bad-topic'
  /** Serial frames (docs/serial-protocol.md): a wrong CRC; bytes that are not a frame. */
  | 'checksum' | 'framing'
  /** USB HID (docs/hid-devices.md): an input report too short, too long or of an unknown id. */
  | 'bad-report';

/** A device message as every transport delivers it, whatever the wire looked like. */
export interface DeviceInput {
  deviceId: string;
  message: DeviceMessage;
  /** The transport kind it came from, so feedback goes back the same way. */
  transport: string;
  /** Details of the device's payload that failed the schema and were dropped rather than the message. */
  repaired?: string[];
}

/**
 * What a transport reports to the gateway. `input` is synchronous on purpose: the gateway has
 * committed a press to the outbox when it returns, so a transport that acknowledges its device
 * after `input` (MQTT PUBACK) only does so for a stored alarm.
 */
export interface DeviceInputSink {
  input(input: DeviceInput): void;
  /**
   * Whether messages of this device are wanted at all (the server's device directory), asked by a
   * transport that knows the device id before parsing the payload, so junk for unconfigured ids
   * costs a lookup and not a parse. Counts and logs a refusal itself. Optional: `input` checks too.
   */
  admits?(deviceId: string, what: string): boolean;
  reject(transport: string, reason: InputRejectReason, detail: { topic?: string; errors: string[] }): void;
  linkChanged(transport: string, up: boolean): void;
}

export interface TransportContext {
  siteId: string;
  gatewayId: string;
  logger: Logger;
  clock: Clock;
  sink: DeviceInputSink;
}

/**
 * A way devices reach the gateway (MQTT, serial, USB HID, Zigbee2MQTT...). Each kind is built by
 * a factory in transport-factories.ts, so adding one is adding a file and a map entry.
 */
export interface DeviceTransport {
  readonly kind: string;
  /** Begins connecting; must not wait for the medium to be reachable. */
  start(): Promise<void>;
  stop(): Promise<void>;
  isUp(): boolean;
  /** Whether this transport can reach a device it has not heard from yet (e.g. MQTT topics). */
  canAddress(deviceId: string): boolean;
  /** Delivers feedback (LED/vibration) to the device; rejects if it could not be handed over. */
  send(command: DeviceCommand): Promise<void>;
  /**
   * The bindings of the directory in force (device id -> binding; console device form), at start
   * and at every new directory: a transport that reads one follows it without a restart. Its own
   * settings stay in force beside it; for the same device the directory wins.
   */
  applyBindings?(bindings: ReadonlyMap<string, DeviceBinding>): void;
}
