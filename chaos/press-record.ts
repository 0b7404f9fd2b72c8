import type { Transport } from './options';

/**
 * What happened to one press at the device's end. `confirmed` is the moment the device learnt
 * that the press is safe (MQTT: the server's `received`; serial: the gateway's ACK), `handed`
 * the moment a device that cannot retransmit let go of it (Zigbee: the broker's PUBACK to
 * Zigbee2MQTT; HID: the gateway's outbox commit). Either one makes the press count: from then on
 * it must become exactly one alarm.
 */
export interface PressRecord {
  deviceId: string;
  transport: Transport;
  /** Date.now() when the button was pressed. */
  pressedAt: number;
  confirmedAt?: number;
  /** Transmissions until confirmed (retransmitting devices). */
  attempts?: number;
  /**
   * Why a press never became the system's responsibility: the device refused it (`refused`, a
   * serial REJ), the HID gateway was down (`no-gateway`) or the device was not open yet
   * (`not-open`), or the gateway read it and was killed before its commit (`cut-before-commit`).
   */
  notTaken?: 'refused' | 'no-gateway' | 'not-open' | 'cut-before-commit';
  /** Only HID: the gateway read the report (the commit may still be cut by a kill). */
  readAt?: number;
}

/** Counts, for the loss rule: confirmed to the device or handed over by a device that cannot retransmit. */
export function counts(press: PressRecord): boolean {
  return press.confirmedAt !== undefined;
}

/** The kind of promise a transport's confirmation is, printed beside its figures. */
export const CONFIRMATION: Record<Transport, string> = {
  mqtt: "server's `received` (device retransmits until then)",
  serial: "gateway's ACK after its outbox commit (receiver retransmits until then)",
  zigbee: "broker's PUBACK to Zigbee2MQTT (QoS 1; the button cannot retransmit)",
  hid: "gateway's outbox commit (the button cannot retransmit)",
};
