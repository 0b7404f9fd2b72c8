import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import {
  encodeSerialFrame,
  SerialFrameDecoder,
  serialMsgId,
  type DeviceCommandAction,
  type SerialDecoded,
  type SerialEventKind,
  type SerialFeedbackSignal,
  type SerialFrame,
  type SerialNakReason,
  type SerialUntil,
} from '@trygg/protocol';
import { SerialPort } from 'serialport';
import { SimulatorError } from '../errors';

export interface SerialReceiverOptions {
  /** The receiver's end of the line, e.g. `/dev/pts/3` or the `b` link of a PtyPair. */
  path: string;
  baudRate?: number;
  /** Announced in HELLO and part of every msgId; default 8 random hex digits (new per boot). */
  bootId?: string;
  info?: string;
  /** An unacknowledged event is sent again after this long; default 1000. */
  retransmitMs?: number;
  /** Wait between attempts to reopen the port after it vanished; default 250. */
  reopenMs?: number;
}

export interface SerialEventOptions {
  battery?: number;
  pin?: string;
  until?: SerialUntil;
}

export interface SentSerialEvent {
  seq: number;
  /** The msgId the gateway derives; the same for every retransmission. */
  msgId: string;
  deviceId: string;
  kind: SerialEventKind;
  /** Resolves with the number of transmissions once the gateway acknowledged the frame. */
  acked: Promise<number>;
  /** Resolves if the gateway refused the frame (REJ); it is not sent again. */
  refused: Promise<void>;
}

export interface SerialFeedback extends SerialFeedbackSignal {
  fbSeq: number;
  deviceId: string;
  action: DeviceCommandAction;
}

export interface SerialReceiverEvents {
  /** Feedback for a device, shown once per frame even if the gateway sends it again. */
  feedback: [SerialFeedback];
  transmit: [seq: number, attempt: number];
  ack: [seq: number];
  nak: [reason: SerialNakReason];
  rdy: [];
  /** Frames from the gateway that the receiver could not use. */
  invalid: [SerialDecoded];
  link: [up: boolean];
}

interface Pending {
  line: string;
  attempts: number;
  lastSentAt: number;
  timer: NodeJS.Timeout | null;
  acked(attempts: number): void;
  refused(): void;
}

/** NAK/RDY trigger an immediate resend, but never of a frame sent less than this ago. */
const MIN_RESEND_GAP_MS = 50;

/**
 * A serial alarm receiver (a radio receiver or panel with several buttons and pendants behind it)
 * speaking docs/serial-protocol.md: numbers its events, resends each until the gateway ACKs it,
 * shows feedback frames and confirms them, and reopens its port when the line comes back.
 */
export class SimulatedSerialReceiver extends EventEmitter<SerialReceiverEvents> {
  readonly bootId: string;
  private port: SerialPort | null = null;
  private readonly decoder = new SerialFrameDecoder();
  private readonly pending = new Map<number, Pending>();
  private readonly shownFeedback = new Set<string>();
  private seq = 0;
  private acksToIgnore = 0;
  private closed = false;
  private reopenTimer: NodeJS.Timeout | null = null;

  private constructor(private readonly opts: SerialReceiverOptions) {
    super();
    this.bootId = opts.bootId ?? randomBytes(4).toString('hex').toUpperCase();
  }

  /** Opens the port (it must exist now) and announces the boot with HELLO. */
  static async open(opts: SerialReceiverOptions): Promise<SimulatedSerialReceiver> {
    const receiver = new SimulatedSerialReceiver(opts);
    await receiver.openPort(true);
    return receiver;
  }

  isOpen(): boolean {
    return this.port !== null;
  }

  /** Events sent and not yet acknowledged. */
  pendingCount(): number {
    return this.pending.size;
  }

  /** Ignores the next `n` ACK frames, as if they were lost on the line; the events are resent. */
  loseNextAcks(n: number): void {
    this.acksToIgnore += n;
  }

  press(deviceId: string, opts?: SerialEventOptions): SentSerialEvent {
    return this.send(deviceId, 'press', opts);
  }

  /** Sends one event frame and keeps resending it until it is acknowledged or refused. */
  send(deviceId: string, kind: SerialEventKind, opts: SerialEventOptions = {}): SentSerialEvent {
    if (this.closed) throw new SimulatorError('TRYGG_SIM_CLOSED', 'serial receiver is closed');
    this.seq = this.seq >= 4_294_967_295 ? 1 : this.seq + 1;
    const seq = this.seq;
    const line = encodeSerialFrame({ type: 'EVT', boot: this.bootId, seq, deviceId, kind, ...opts });
    let acked!: (n: number) => void;
    let refused!: () => void;
    const sent: SentSerialEvent = {
      seq,
      msgId: serialMsgId(this.bootId, seq),
      deviceId,
      kind,
      acked: new Promise((resolve) => (acked = resolve)),
      refused: new Promise((resolve) => (refused = resolve)),
    };
    this.pending.set(seq, { line, attempts: 0, lastSentAt: 0, timer: null, acked, refused });
    this.transmit(seq);
    return sent;
  }

  /** Writes bytes as they are, e.g. line noise or a deliberately broken frame. */
  writeRaw(data: string | Uint8Array): Promise<void> {
    return this.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }

  /** Resolves with the next feedback shown (for one device, if given). */
  nextFeedback(deviceId?: string): Promise<SerialFeedback> {
    return new Promise((resolve) => {
      const listener = (fb: SerialFeedback) => {
        if (deviceId !== undefined && fb.deviceId !== deviceId) return;
        this.off('feedback', listener);
        resolve(fb);
      };
      this.on('feedback', listener);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.reopenTimer) clearTimeout(this.reopenTimer);
    for (const p of this.pending.values()) if (p.timer) clearTimeout(p.timer);
    this.pending.clear();
    const port = this.port;
    this.port = null;
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
  }

  // --- line -------------------------------------------------------------------------------

  private async openPort(first: boolean): Promise<void> {
    const port = new SerialPort({ path: this.opts.path, baudRate: this.opts.baudRate ?? 9600, autoOpen: false });
    try {
      await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
    } catch (err) {
      if (first) throw new SimulatorError('TRYGG_SIM_CONFIG', `cannot open serial port ${this.opts.path}: ${(err as Error).message}`, { cause: err });
      throw err;
    }
    if (this.closed) {
      port.close();
      return;
    }
    this.port = port;
    port.on('data', (chunk: Buffer) => this.onData(chunk));
    port.on('close', () => this.onClosed(port));
    port.on('error', () => {
      if (!port.isOpen) this.onClosed(port);
    });
    this.emit('link', true);
    if (first) void this.write(Buffer.from(encodeSerialFrame({ type: 'HELLO', boot: this.bootId, ...(this.opts.info !== undefined && { info: this.opts.info }) }), 'latin1'));
    this.resendAll(); // a real receiver keeps its queue while the cable is out
  }

  private onClosed(port: SerialPort): void {
    if (this.port !== port) return;
    this.port = null;
    this.emit('link', false);
    this.scheduleReopen();
  }

  private scheduleReopen(): void {
    if (this.closed || this.reopenTimer) return;
    this.reopenTimer = setTimeout(() => {
      this.reopenTimer = null;
      this.openPort(false).catch(() => this.scheduleReopen());
    }, this.opts.reopenMs ?? 250);
  }

  private write(data: Uint8Array): Promise<void> {
    const port = this.port;
    if (!port) return Promise.resolve(); // the line is down: the frame is lost, as on a real cable
    return new Promise((resolve) => port.write(Buffer.from(data), () => resolve()));
  }

  private transmit(seq: number): void {
    const p = this.pending.get(seq);
    if (!p) return;
    if (p.timer) clearTimeout(p.timer);
    p.attempts++;
    p.lastSentAt = Date.now();
    this.emit('transmit', seq, p.attempts);
    void this.write(Buffer.from(p.line, 'latin1'));
    p.timer = setTimeout(() => this.transmit(seq), this.opts.retransmitMs ?? 1000);
  }

  private resendAll(): void {
    const now = Date.now();
    for (const [seq, p] of this.pending) if (now - p.lastSentAt >= MIN_RESEND_GAP_MS) this.transmit(seq);
  }

  private onData(chunk: Buffer): void {
    for (const item of this.decoder.push(chunk)) {
      if (!item.ok) {
        this.emit('invalid', item);
        continue;
      }
      this.onFrame(item.frame, item);
    }
  }

  private onFrame(frame: SerialFrame, item: SerialDecoded): void {
    switch (frame.type) {
      case 'ACK':
      case 'REJ': {
        if (frame.boot !== this.bootId) return; // for an earlier boot of this receiver
        if (frame.type === 'ACK' && this.acksToIgnore > 0) {
          this.acksToIgnore--;
          return;
        }
        const p = this.pending.get(frame.seq);
        if (!p) return;
        if (p.timer) clearTimeout(p.timer);
        this.pending.delete(frame.seq);
        if (frame.type === 'ACK') {
          p.acked(p.attempts);
          this.emit('ack', frame.seq);
        } else {
          p.refused();
        }
        return;
      }
      case 'NAK':
        this.emit('nak', frame.reason);
        this.resendAll();
        return;
      case 'RDY':
        this.emit('rdy');
        this.resendAll();
        return;
      case 'FB': {
        void this.write(Buffer.from(encodeSerialFrame({ type: 'FBACK', fbSeq: frame.fbSeq }), 'latin1'));
        const key = `${frame.fbSeq}:${frame.deviceId}:${frame.action}`;
        if (this.shownFeedback.has(key)) return;
        this.shownFeedback.add(key);
        if (this.shownFeedback.size > 1000) this.shownFeedback.delete(this.shownFeedback.values().next().value!);
        const { fbSeq, deviceId, action, led, buzzer, vibration } = frame;
        this.emit('feedback', { fbSeq, deviceId, action, led, buzzer, vibration });
        return;
      }
      default:
        this.emit('invalid', { ok: false, reason: 'schema', error: `${frame.type} is not a gateway frame`, text: item.text });
    }
  }
}
