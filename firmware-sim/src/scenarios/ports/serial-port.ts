import type { SerialEventKind, SerialUntil } from '@trygg/protocol';
import { SimulatedSerialReceiver } from '../../devices/serial-receiver';
import { SimulatorError } from '../../errors';
import type { Until } from '../durations';
import type { PortAction, PortNotice, ScenarioPort } from '../scenario-types';

export interface SerialPortOptions {
  /** The receiver's end of the line for devices without their own `port`. */
  path?: string;
  baudRate?: number;
  /** Resend interval of unacknowledged frames; default 1000 (the receiver's). */
  retransmitMs?: number;
}

/**
 * Serial devices: one simulated alarm receiver per line (docs/serial-protocol.md), opened on
 * first use. A frame is on the wire when `send` resolves; the receiver keeps resending it until
 * the gateway ACKs it, and the ACK and any feedback come back as notices.
 */
export class SerialScenarioPort implements ScenarioPort {
  readonly transport = 'serial';
  private readonly receivers = new Map<string, Promise<SimulatedSerialReceiver>>();
  private readonly listeners: ((n: PortNotice) => void)[] = [];

  constructor(private readonly opts: SerialPortOptions = {}) {}

  async send(action: PortAction): Promise<void> {
    if (action.kind === 'location' || action.kind === 'offline' || action.kind === 'online') {
      throw new SimulatorError('TRYGG_SIM_CONFIG', `serial receivers have no ${action.kind} frame`);
    }
    const rx = await this.receiver(action.device.port ?? this.opts.path);
    const deviceId = action.device.id;
    const sent = rx.send(deviceId, action.kind satisfies SerialEventKind, {
      ...(action.battery !== undefined && { battery: action.battery }),
      ...(action.pin !== undefined && { pin: action.pin }),
      ...(action.until && { until: serialUntil(action.until) }),
    });
    void sent.acked.then((n) => this.notify({ deviceId, what: `ACK ${action.kind} (seq ${sent.seq}, ${n} transmission${n === 1 ? '' : 's'})` }));
    void sent.refused.then(() => this.notify({ deviceId, what: `REJ ${action.kind} (seq ${sent.seq}): refused by the gateway` }));
  }

  onNotice(listener: (n: PortNotice) => void): void {
    this.listeners.push(listener);
  }

  async close(): Promise<void> {
    const all = await Promise.allSettled(this.receivers.values());
    this.receivers.clear();
    await Promise.all(all.map((r) => (r.status === 'fulfilled' ? r.value.close() : undefined)));
  }

  private receiver(path: string | undefined): Promise<SimulatedSerialReceiver> {
    if (!path) throw new SimulatorError('TRYGG_SIM_CONFIG', 'a serial device has no port: give --serial-port or the device\'s `port`');
    let rx = this.receivers.get(path);
    if (!rx) {
      rx = SimulatedSerialReceiver.open({ path, baudRate: this.opts.baudRate, retransmitMs: this.opts.retransmitMs }).then((r) => {
        r.on('feedback', (fb) => this.notify({ deviceId: fb.deviceId, what: `${fb.action} (LED ${fb.led})` }));
        return r;
      });
      rx.catch(() => this.receivers.delete(path));
      this.receivers.set(path, rx);
    }
    return rx;
  }

  private notify(n: PortNotice): void {
    for (const l of this.listeners) l(n);
  }
}

/** docs/serial-protocol.md [SP-5]: whole seconds from reception, or a UTC time. */
function serialUntil(until: Until): SerialUntil {
  return 'at' in until ? { at: until.at.replace(/\.\d+Z$/, 'Z') } : { inSeconds: Math.max(1, Math.ceil(until.inMs / 1000)) };
}
