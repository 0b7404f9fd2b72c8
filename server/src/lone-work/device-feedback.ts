import { randomUUID } from 'node:crypto';
import type { Clock, DeviceCommandAction } from '@trygg/protocol';
import type { Logger } from 'pino';
import type { AlarmOutbound } from '../alarm/alarm-service';
import type { OfficeDirectory } from '../config/office-directory';

/** Discreet feedback to a lone worker's device about a pre-alarm or visit (not an alarm). */
export type SendFeedback = (siteId: string, deviceId: string, refId: string, action: DeviceCommandAction) => void;

export function deviceFeedback(deps: {
  directory: OfficeDirectory;
  outbound: Pick<AlarmOutbound, 'sendDeviceCommand'>;
  clock: Clock;
  logger: Logger;
}): SendFeedback {
  return (siteId, deviceId, refId, action) => {
    const device = deps.directory.device(siteId, deviceId);
    if (!device) return;
    try {
      deps.outbound.sendDeviceCommand(siteId, device.gatewayId, {
        v: 1, commandId: randomUUID(), deviceId, alarmId: refId, action, at: new Date(deps.clock.now()).toISOString(),
      });
    } catch (err) {
      // The timer goes on regardless: feedback is a courtesy, the deadline is the safety.
      deps.logger.error({ err, deviceId, action }, 'lone-work feedback to the device failed');
    }
  };
}
