import { connectSimulator, type DeviceSimulator } from '@trygg/firmware-sim';
import type { PressRecord } from '../press-record';
import type { DeviceDriver } from './device-driver';

/**
 * Trygg MQTT buttons, all on one simulator connection to the embedded broker (the connection
 * comes back by itself after the server restarts). Each press is firmware-sim's reliable press:
 * the same msgId again, with backoff, until the server's `received`, which the server sends only
 * after its commit. A press counts once that confirmation arrives.
 */
export class MqttDevices implements DeviceDriver {
  readonly transport = 'mqtt' as const;
  private inFlight = 0;
  private failures = 0;
  private publishes = 0;
  private constructor(private readonly sim: DeviceSimulator, private readonly resendMs: number) {}

  static async connect(login: { url: string; username: string; password: string; siteId: string }, resendMs = 1000, timeoutMs = 60_000): Promise<MqttDevices> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        // The embedded broker admits devices only once their gateway consumes: retry until then.
        const sim = await connectSimulator({ ...login, clientId: `chaos-devices-${process.pid}`, reconnectPeriodMs: 250 });
        return new MqttDevices(sim, resendMs);
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  }

  press(record: PressRecord): void {
    this.inFlight++;
    this.sim.pressReliably(record.deviceId, { resendMs: this.resendMs }).then(
      (confirmed) => {
        record.confirmedAt = Date.now();
        record.attempts = confirmed.attempts;
        this.publishes += confirmed.attempts;
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
    return { 'publishes of confirmed presses': this.publishes, 'press errors': this.failures };
  }

  async close(): Promise<void> {
    await this.sim.close();
  }
}
