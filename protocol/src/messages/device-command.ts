import { idSchema, timestampSchema, versionSchema } from './common';

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

export interface DeviceCommand {
  v: 1;
  commandId: string;
  deviceId: string;
  alarmId: string;
  action: DeviceCommandAction;
  at: string;
}

export const deviceCommandSchema = {
  $id: 'trygg/v1/device-command',
  type: 'object',
  additionalProperties: false,
  required: ['v', 'commandId', 'deviceId', 'alarmId', 'action', 'at'],
  properties: {
    v: versionSchema,
    commandId: idSchema,
    deviceId: idSchema,
    alarmId: idSchema,
    action: { enum: DEVICE_COMMAND_ACTIONS },
    at: timestampSchema,
  },
} as const;
