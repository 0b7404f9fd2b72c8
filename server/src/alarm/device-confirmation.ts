import type { DeviceCommandAction, DeviceEvent } from '@trygg/protocol';
import type { Alarm } from './alarm-types';
import type { CancelDecision } from './device-event-handler';

/**
 * The delivery contract (docs/protocol.md): a device re-sends a `press` or `cancel` with the same
 * msgId until a DeviceCommand carrying that msgId arrives, and the server sends one only once the
 * message is stored. These pure rules choose what that confirmation says when no alarm effect
 * carries it (a re-sent message, a claimed press, a refused cancel).
 */

/** The device messages a device repeats until confirmed, and that the server therefore confirms. */
export interface Confirmation {
  msgId: string;
  siteId: string;
  /** The gateway that carried the message: it reached the device a moment ago. */
  gatewayId: string;
}

export function confirmationFor(event: DeviceEvent): Confirmation | undefined {
  if ((event.kind !== 'press' && event.kind !== 'cancel') || event.msgId === undefined) return undefined;
  return { msgId: event.msgId, siteId: event.siteId, gatewayId: event.gatewayId };
}

/**
 * What a press is confirmed with, given its alarm as it stands now (undefined: the press raised
 * none, e.g. a self-test). Safety rule "covert duress": an alarm cancelled with the duress PIN
 * shows `cancelled` on the device, whatever is going on for the responders.
 */
export function pressConfirmationAction(alarm: Alarm | undefined): DeviceCommandAction {
  if (!alarm) return 'received';
  if (alarm.duress) return 'cancelled';
  switch (alarm.state) {
    case 'raised': return 'received';
    case 'acknowledged':
    case 'responding': return 'help-coming';
    case 'resolved': return 'resolved';
    case 'cancelled': return 'cancelled';
  }
}

/**
 * What a cancel is confirmed with: `cancelled` when it was taken (a duress cancel looks the same),
 * `received` when it was refused (wrong or missing PIN: stored, the alarm goes on).
 */
export function cancelConfirmationAction(verdict: CancelDecision): DeviceCommandAction {
  return verdict === 'ignore' ? 'received' : 'cancelled';
}
