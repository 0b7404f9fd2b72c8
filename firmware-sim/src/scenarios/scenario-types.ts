import type { DeviceLocation } from '@trygg/protocol';
import type { Until } from './durations';

/** How a scenario's device reaches the gateway. HID has no port here: see docs/simulator.md. */
export type ScenarioTransport = 'mqtt' | 'serial' | 'zigbee';
export const SCENARIO_TRANSPORTS: readonly ScenarioTransport[] = ['mqtt', 'serial', 'zigbee'];

/** What a device says on its own (one message or frame each). */
export type DeviceActionKind =
  | 'press' | 'release' | 'cancel' | 'heartbeat' | 'man-down' | 'location' | 'tamper' | 'low-battery'
  | 'checkin-start' | 'checkin-extend' | 'checkout'
  /** Zigbee2MQTT's availability of the device (the device itself says nothing). */
  | 'offline' | 'online';

/** What a step does: a device action, or a change to the device's heartbeats / battery. */
export type StepKind = DeviceActionKind | 'heartbeat-stops' | 'heartbeat-resumes' | 'battery';

export const STEP_KINDS: readonly StepKind[] = [
  'press', 'release', 'cancel', 'heartbeat', 'man-down', 'location', 'tamper', 'low-battery',
  'checkin-start', 'checkin-extend', 'checkout', 'offline', 'online', 'heartbeat-stops', 'heartbeat-resumes', 'battery',
];

/** Which device actions each transport can carry (a heartbeat also stands for `battery`). */
export const TRANSPORT_ACTIONS: Record<ScenarioTransport, readonly DeviceActionKind[]> = {
  mqtt: ['press', 'release', 'cancel', 'heartbeat', 'man-down', 'location', 'tamper', 'low-battery', 'checkin-start', 'checkin-extend', 'checkout'],
  // docs/serial-protocol.md event kinds; a serial frame has no location.
  serial: ['press', 'release', 'cancel', 'heartbeat', 'man-down', 'tamper', 'low-battery', 'checkin-start', 'checkin-extend', 'checkout'],
  // An SOS button through Zigbee2MQTT: presses, periodic reports, availability.
  zigbee: ['press', 'release', 'heartbeat', 'offline', 'online'],
};

/** A device as the scenario knows it; devices not listed use the scenario's transport. */
export interface ScenarioDevice {
  id: string;
  transport: ScenarioTransport;
  /** Serial: the receiver's end of the line, when not the run's default port. */
  port?: string;
  /** Zigbee: the Zigbee2MQTT model (default TS0215A_sos) and friendly name (default: the id). */
  model?: string;
  friendlyName?: string;
}

/** One step, checked and in milliseconds. */
export interface ScenarioStep {
  /** Index in the file's `steps`, for messages. */
  index: number;
  atMs: number;
  kind: StepKind;
  /** The device, with the step's own `transport` if it gave one. */
  device: ScenarioDevice;
  battery?: number;
  pin?: string;
  location?: DeviceLocation;
  until?: Until;
  /** Zigbee press: the `action` value instead of the model's first one. */
  action?: string;
}

export interface ScenarioHeartbeats {
  everyMs: number;
  devices: string[];
  battery?: number;
}

/** A scenario file, checked: times in ms, steps in time order, every device resolved. */
export interface Scenario {
  name: string;
  description?: string;
  siteId: string;
  devices: Map<string, ScenarioDevice>;
  heartbeats?: ScenarioHeartbeats;
  steps: ScenarioStep[];
  /** Heartbeats go on until this offset; at least the last step's. */
  endMs: number;
  /** Transports some step or heartbeat uses, so a runner opens only those. */
  transports: Set<ScenarioTransport>;
}

/** What a runner hands to a port: one device action at `now`. */
export interface PortAction {
  kind: DeviceActionKind;
  device: ScenarioDevice;
  now: number;
  battery?: number;
  pin?: string;
  location?: DeviceLocation;
  until?: Until;
  action?: string;
}

/** Something heard back from the system for a device (LED/vibration feedback, an ACK). */
export interface PortNotice {
  deviceId: string;
  what: string;
}

/** One transport's devices, as the runner drives them. Real ones live in ./ports. */
export interface ScenarioPort {
  readonly transport: ScenarioTransport;
  /** Hands the action to the transport; resolves once it is on the wire (or the broker has it). */
  send(action: PortAction): Promise<void>;
  onNotice(listener: (notice: PortNotice) => void): void;
  close(): Promise<void>;
}
