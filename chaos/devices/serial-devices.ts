import { PtyPair, SimulatedSerialReceiver } from '@trygg/firmware-sim';
import type { PressRecord } from '../press-record';
import type { DeviceDriver } from './device-driver';

/**
 * An alarm receiver on a serial line (a socat pseudo-terminal pair; the gateway opens end `a`).
 * It numbers its events and resends each until the gateway's ACK, which the gateway sends only
 * after its outbox commit: the ACK is the device's confirmation. The line itself is not a fault
 * target; killing the gateway closes its end, as a crashed host does.
 */
export class SerialDevices implements DeviceDriver {
  readonly transport = 'serial' as const;
  private inFlight = 0;
  private transmissions = 0;
  private refusals = 0;
  private constructor(readonly pair: PtyPair, private readonly receiver: SimulatedSerialReceiver) {
    receiver.on('transmit', () => this.transmissions++);
  }

  /** The pty pair; open the receiver with `attach` once the gateway config names `pair.a`. */
  static async create(): Promise<{ pair: PtyPair; attach: () => Promise<SerialDevices> }> {
    const pair = await PtyPair.create();
    return {
      pair,
      attach: async () => new SerialDevices(pair, await SimulatedSerialReceiver.open({ path: pair.b, retransmitMs: 1000 })),
    };
  }

  press(record: PressRecord): void {
    this.inFlight++;
    const sent = this.receiver.press(record.deviceId);
    void Promise.race([
      sent.acked.then((attempts) => {
        record.confirmedAt = Date.now();
        record.attempts = attempts;
      }),
      sent.refused.then(() => {
        record.notTaken = 'refused';
        this.refusals++;
      }),
    ]).finally(() => this.inFlight--);
  }

  waiting(): number {
    return this.inFlight;
  }

  figures(): Record<string, number | string> {
    return { transmissions: this.transmissions, refused: this.refusals };
  }

  async close(): Promise<void> {
    await this.receiver.close();
    await this.pair.close();
  }
}
