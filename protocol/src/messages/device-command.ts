import { Type, type Static } from 'typebox';
import { eventIdSchema, idSchema, timestampSchema, versionSchema } from './common';

/**
 * Feedback to the person who raised the alarm, sent server -> gateway on
 * `.../gateways/<gw>/commands` and forwarded by the gateway to the device (on MQTT devices:
 * `.../devices/<device>/down`). Devices show it discreetly (LED, vibration), never loudly.
 */
export type DeviceCommandAction = 'received' | 'help-coming' | 'resolved' | 'cancelled'
  /** Lone work: man-down detected; the wearer has a short window to cancel before the alarm. */
  | 'pre-alarm'
  /** Lone work: the check-in timer is about to run out; check out or extend. */
  | 'reminder';
export const DEVICE_COMMAND_ACTIONS: readonly DeviceCommandAction[] = ['received', 'help-coming', 'resolved', 'cancelled', 'pre-alarm', 'reminder'];

/** `alarmId` of a confirmation for a stored message that concerns no alarm (a self-test press, a cancel with nothing open). */
export const NO_ALARM_ID = 'none';

export const deviceCommandSchema = Type.Object({
  v: versionSchema,
  commandId: idSchema,
  deviceId: idSchema,
  /** The alarm this is about, or `none` (NO_ALARM_ID) for a confirmation that concerns no alarm. */
  alarmId: idSchema,
  action: Type.Enum(DEVICE_COMMAND_ACTIONS),
  at: timestampSchema,
  /**
   * Set on a confirmation: the `msgId` of the device message (a `press` or `cancel`) that the
   * server has durably stored. A device re-sends that message until a command carrying its msgId
   * arrives (docs/protocol.md, "Delivery contract"); without it, a command is plain feedback.
   */
  msgId: Type.Optional(eventIdSchema),
}, { $id: 'trygg/v1/device-command', additionalProperties: false });
export type DeviceCommand = Static<typeof deviceCommandSchema>;
