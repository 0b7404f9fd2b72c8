import { connectSimulator, type DeviceSimulator } from '@trygg/firmware-sim';
import type { PressRecord } from '../press-record';
import type { DeviceDriver } from './device-driver';

/** The reliable press of firmware-sim: resends the same msgId until the server's `received`. */
type PressReliably = (deviceId: string, opts: { resendMs: number }) => Promise<unknown>;

/**
 * Trygg MQTT buttons, all on one simulator connection to the embedded broker (the connection
 * comes back by itself after the server restarts). A press counts once the simulator's reliable
 * press resolves: the server's `received`, sent after its commit. Where the simulator has no
 * reliable press yet, the broker's PUBACK is all a device gets; the report says which.
 */
export class MqttDevices implements DeviceDriver {
  readonly transport = 'mqtt' as const;
  private inFlight = 0;
  private failures = 0;
  private constructor(private readonly sim: DeviceSimulator, private readonly resendMs: number) {}

  static async connect(login: { url: string; username: string; password: string; siteId: string }, resendMs = 1000, timeoutMs = 60_000): Promise<MqttDevices> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        // The embedded broker may admit devices only once the gateways have subscribed: retry.
        const sim = await connectSimulator({ ...login, clientId: `chaos-devices-${process.pid}`, reconnectPeriodMs: 250 });
        return new MqttDevices(sim, resendMs);
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  }

  /** `received` when the simulator can wait for it, else `puback` (the old, weaker promise). */
  get confirmation(): 'received' | 'puback' {
    return this.reliable() ? 'received' : 'puback';
  }

  press(record: PressRecord): void {
    this.inFlight++;
    const reliable = this.reliable();
    const sent = reliable ? reliable(record.deviceId, { resendMs: this.resendMs }) : this.sim.press(record.deviceId);
    sent.then(
      (confirmed) => {
        record.confirmedAt = Date.now();
        const attempts = (confirmed as { attempts?: unknown } | undefined)?.attempts;
        if (typeof attempts === 'number') record.attempts = attempts;
      },
      () => {
        this.failures++;
      },
    ).finally(() => this.inFlight--);
  }

  waiting(): number {
    return this.inFlight;
  }

  figures(): Record<string, number | string> {
    return { confirmation: this.confirmation, 'press errors': this.failures };
  }

  async close(): Promise<void> {
    await this.sim.close();
  }

  private reliable(): PressReliably | undefined {
    const fn = (this.sim as unknown as { pressReliably?: PressReliably }).pressReliably;
    return typeof fn === 'function' ? fn.bind(this.sim) : undefined;
  }
}
