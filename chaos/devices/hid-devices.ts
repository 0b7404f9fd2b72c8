import type { ChildProcess } from 'node:child_process';
import type { HidChildMessage, HidParentMessage } from '../hid-gateway';
import type { PressRecord } from '../press-record';
import type { SupervisedProcess } from '../supervised-process';
import type { DeviceDriver } from './device-driver';

const COUNTER = { 'no-gateway': 'gateway down', 'not-open': 'not open', 'cut-before-commit': 'cut before commit' } as const;

/**
 * USB panic buttons on the HID gateway (chaos/hid-gateway.ts). A USB button cannot retransmit:
 * a press made while no gateway reads the device is gone, like any button on an unplugged
 * computer, and is reported as not taken, never as lost. A press counts once the gateway tells
 * that its outbox holds it; one it read but did not commit before a kill is reported apart.
 */
export class HidDevices implements DeviceDriver {
  readonly transport = 'hid' as const;
  private readonly waitingFor = new Map<string, PressRecord>();
  /** Every press sent, so a late `stored` (after the exit was seen) still counts. */
  private readonly sent = new Map<string, PressRecord>();
  private readonly counters = { 'gateway down': 0, 'not open': 0, 'cut before commit': 0 };
  private child: ChildProcess | null = null;

  constructor(private readonly gateway: SupervisedProcess) {
    gateway.on('spawned', (child) => {
      this.child = child;
      child.on('message', (m: HidChildMessage) => this.onMessage(m));
      // 'disconnect' comes after the last IPC message; 'exit' may come before it.
      child.once('disconnect', () => this.onGatewayGone(child));
    });
    if (gateway.child) gateway.emit('spawned', gateway.child);
  }

  press(record: PressRecord): void {
    const child = this.child;
    if (!child?.connected || this.gateway.state === 'down') {
      record.notTaken = 'no-gateway';
      this.counters['gateway down']++;
      return;
    }
    this.waitingFor.set(record.deviceId, record);
    this.sent.set(record.deviceId, record);
    const message: HidParentMessage = { type: 'press', deviceId: record.deviceId };
    child.send(message, (err) => {
      if (!err || record.confirmedAt !== undefined || record.readAt !== undefined) return;
      this.waitingFor.delete(record.deviceId);
      record.notTaken = 'no-gateway';
      this.counters['gateway down']++;
    });
  }

  waiting(): number {
    return this.waitingFor.size;
  }

  figures(): Record<string, number | string> {
    return { ...this.counters };
  }

  async close(): Promise<void> {
    this.waitingFor.clear();
    this.sent.clear();
  }

  private onMessage(m: HidChildMessage): void {
    if (m.type === 'ready') return;
    const record = this.sent.get(m.deviceId);
    if (!record) return;
    if (m.type === 'stored') {
      record.confirmedAt = Date.now();
      if (record.notTaken !== undefined && record.notTaken !== 'refused') this.counters[COUNTER[record.notTaken]]--;
      delete record.notTaken;
      this.waitingFor.delete(m.deviceId);
      return;
    }
    if (!this.waitingFor.has(m.deviceId)) return;
    if (m.type === 'not-open') {
      record.notTaken = 'not-open';
      this.counters['not open']++;
      this.waitingFor.delete(m.deviceId);
    } else {
      record.readAt ??= Date.now();
    }
  }

  /** The gateway died: what it read and had not committed is cut; what it never read was not taken. */
  private onGatewayGone(child: ChildProcess): void {
    if (this.child === child) this.child = null;
    for (const record of this.waitingFor.values()) {
      if (record.confirmedAt !== undefined) continue;
      if (record.readAt !== undefined) {
        record.notTaken = 'cut-before-commit';
        this.counters['cut before commit']++;
      } else {
        record.notTaken = 'no-gateway';
        this.counters['gateway down']++;
      }
    }
    this.waitingFor.clear();
  }
}
