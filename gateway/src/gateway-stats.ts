/** Counters of one gateway process, for logs, /metrics and tests. They only ever grow. */
export interface GatewayStats {
  /** Device press/release/cancel messages accepted from transports. */
  eventsReceived: number;
  /** Events stored in the outbox (a repeat of a pending eventId is not stored twice). */
  eventsStored: number;
  /** Repeats of an eventId already pending: a device re-sent the same message. */
  eventsAlreadyPending: number;
  /** Events that could not be written to the outbox and were published unprotected. */
  outboxWriteFailures: number;
  receipts: { stored: number; duplicate: number; rejected: number };
  /** Receipts for events no longer (or never) in the outbox, e.g. a second receipt. */
  receiptsUnknown: number;
  heartbeatsReceived: number;
  heartbeatBatchesPublished: number;
  commandsReceived: number;
  commandsForwarded: number;
  commandsDuplicate: number;
  commandsFailed: number;
  uplinkConnects: number;
  /** Device payloads dropped, by reason (oversized, malformed-json, schema, bad-topic). */
  rejected: Record<string, number>;
  /** Receipt and command payloads from the server dropped, by `<channel>:<reason>`. */
  uplinkRejected: Record<string, number>;
  /** Device messages refused before the outbox: the device is not in the server's device directory. */
  unknownDeviceRefused: number;
  /**
   * Device times not believed, by problem (unparseable, out-of-range, ahead, behind; see
   * device-time.ts): the event or heartbeat carries the gateway's receive time instead.
   */
  deviceClockReplaced: Record<string, number>;
  /** Built events changed to pass the protocol schema instead of being rejected by the server. */
  eventsRepaired: number;
  /** Device messages wrong only in a detail (bad `at`, battery, unknown field), kept without it. */
  messagesSalvaged: number;
  /** Device directories received from the server (cleared ones included). */
  directoriesReceived: number;
}

export function createGatewayStats(): GatewayStats {
  return {
    eventsReceived: 0,
    eventsStored: 0,
    eventsAlreadyPending: 0,
    outboxWriteFailures: 0,
    receipts: { stored: 0, duplicate: 0, rejected: 0 },
    receiptsUnknown: 0,
    heartbeatsReceived: 0,
    heartbeatBatchesPublished: 0,
    commandsReceived: 0,
    commandsForwarded: 0,
    commandsDuplicate: 0,
    commandsFailed: 0,
    uplinkConnects: 0,
    rejected: {},
    uplinkRejected: {},
    unknownDeviceRefused: 0,
    deviceClockReplaced: {},
    eventsRepaired: 0,
    messagesSalvaged: 0,
    directoriesReceived: 0,
  };
}

export function countInto(counters: Record<string, number>, key: string): void {
  counters[key] = (counters[key] ?? 0) + 1;
}
