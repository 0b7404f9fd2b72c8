import type { DeviceCommand } from '@trygg/protocol';
import type { ConfirmedMessage } from '../reliable-send';
import type { DeviceSimulator, ReliableSendOptions, SendOptions, SentMessage } from '../simulator';

/**
 * One panic button (fixed or portable) on a simulator connection: what a person does with it,
 * and the feedback its LED/vibration would show.
 */
export class SimulatedButton {
  constructor(
    private readonly sim: DeviceSimulator,
    readonly deviceId: string,
  ) {}

  press(opts?: SendOptions): Promise<SentMessage> {
    return this.sim.press(this.deviceId, opts);
  }

  /** Pressed the way a Trygg device does it: repeated until the server confirms it is stored. */
  pressReliably(opts?: ReliableSendOptions): Promise<ConfirmedMessage> {
    return this.sim.pressReliably(this.deviceId, opts);
  }

  /** Cancelled the way a Trygg device does it: repeated until confirmed. */
  cancelReliably(opts?: ReliableSendOptions): Promise<ConfirmedMessage> {
    return this.sim.cancelReliably(this.deviceId, opts);
  }

  release(opts?: SendOptions): Promise<SentMessage> {
    return this.sim.release(this.deviceId, opts);
  }

  cancel(opts?: SendOptions): Promise<SentMessage> {
    return this.sim.cancel(this.deviceId, opts);
  }

  heartbeat(battery?: number): Promise<SentMessage> {
    return this.sim.heartbeat(this.deviceId, battery);
  }

  onFeedback(listener: (command: DeviceCommand) => void): () => void {
    return this.sim.onFeedback((deviceId, command) => {
      if (deviceId === this.deviceId) listener(command);
    });
  }

  /** Resolves with the next feedback command for this button. */
  nextFeedback(): Promise<DeviceCommand> {
    return new Promise((resolve) => {
      const off = this.onFeedback((command) => {
        off();
        resolve(command);
      });
    });
  }
}
