import {
  encodeSerialFrame,
  SERIAL_FEEDBACK_SIGNALS,
  SERIAL_UPLINK_TYPES,
  SerialFrameDecoder,
  serialEventToDeviceMessage,
  validateDeviceMessage,
  type DeviceBinding,
  type DeviceCommand,
  type SerialDecoded,
  type SerialFrame,
  type TimerHandle,
} from '@trygg/protocol';
import { RecentIds } from '../../commands/recent-ids';
import { GatewayError } from '../../errors';
import type { DeviceTransport, InputRejectReason, TransportContext } from '../device-transport';
import { SerialPortLink, type WriteLane } from './serial-port-link';

/** An alarm receiver or panel on a serial port, speaking docs/serial-protocol.md. */
export interface SerialTransportConfig {
  kind: 'serial';
  /** e.g. `/dev/ttyUSB0`, `/dev/serial/by-id/...`; a stable by-id path survives re-plugging. */
  path: string;
  /** Default 9600. */
  baudRate?: number;
  /** Devices reachable through this receiver, so feedback can reach them before they are heard. */
  devices?: string[];
  /** Link and transport name; default `serial`. Give each port its own when a gateway has several. */
  name?: string;
  /** Wait between attempts to reopen a missing port; default 1000. */
  reconnectMs?: number;
  /** A feedback frame the receiver has not confirmed (FBACK) is sent again after this; default 1000. */
  feedbackRetryMs?: number;
  /** Transmissions of one feedback frame before giving up; default 4. */
  feedbackAttempts?: number;
}

/** Counters of one serial transport, for logs and tests; they only grow. */
export interface SerialTransportCounters {
  eventsAcked: number;
  /** Frames dropped, by reason (framing, checksum, oversized, schema). */
  rejected: Record<string, number>;
  naksSent: number;
  rejsSent: number;
  feedbackSent: number;
  feedbackConfirmed: number;
  feedbackUnconfirmed: number;
  receiverBoots: number;
}

interface PendingFeedback {
  line: string;
  attemptsLeft: number;
  timer: TimerHandle | null;
  command: DeviceCommand;
}

const MAX_PENDING_FEEDBACK = 256;

/**
 * Alarm receivers and panels on a serial line. Each event frame becomes a DeviceMessage and is
 * acknowledged only after the gateway committed it (DeviceInputSink.input returned), so the
 * receiver resends anything not yet stored; a resend keeps its msgId and is folded downstream.
 */
export class SerialDeviceTransport implements DeviceTransport {
  readonly kind: string;
  readonly counters: SerialTransportCounters = {
    eventsAcked: 0, rejected: {}, naksSent: 0, rejsSent: 0,
    feedbackSent: 0, feedbackConfirmed: 0, feedbackUnconfirmed: 0, receiverBoots: 0,
  };
  private decoder = new SerialFrameDecoder();
  private readonly link: SerialPortLink;
  private readonly heard = new RecentIds(10_000);
  private readonly feedback = new Map<number, PendingFeedback>();
  private fbSeq = 0;
  private receiverBoot: string | null = null;
  /** Line address -> device id, and back, from the device directory (console device form). */
  private byAddress = new Map<string, string>();
  private addressOf = new Map<string, string>();
  private running = false;

  constructor(
    private readonly ctx: TransportContext,
    private readonly config: SerialTransportConfig,
  ) {
    this.kind = config.name ?? 'serial';
    this.link = new SerialPortLink({
      path: config.path,
      baudRate: config.baudRate ?? 9600,
      reconnectMs: config.reconnectMs ?? 1000,
      clock: ctx.clock,
      logger: ctx.logger,
      onData: (chunk) => this.onData(chunk),
      onOpen: () => this.onOpen(),
      onClose: () => ctx.sink.linkChanged(this.kind, false),
    });
  }

  /** Opens the port in the background: a receiver that is missing at start is waited for. */
  async start(): Promise<void> {
    this.running = true;
    this.link.start();
  }

  async stop(): Promise<void> {
    this.running = false;
    for (const pending of this.feedback.values()) pending.timer?.cancel();
    this.feedback.clear();
    const wasOpen = this.link.isOpen();
    await this.link.stop();
    if (wasOpen) this.ctx.sink.linkChanged(this.kind, false);
  }

  isUp(): boolean {
    return this.link.isOpen();
  }

  /** Times the port was opened (1 after the first open); grows with every reconnect. */
  get opens(): number {
    return this.link.opens;
  }

  canAddress(deviceId: string): boolean {
    return (this.config.devices?.includes(deviceId) ?? false) || this.addressOf.has(deviceId) || this.heard.has(deviceId);
  }

  /**
   * A device whose receiver sends another id on the line (its radio address) is bound to it in
   * the console: events from that address become the device's, feedback goes to the address.
   * Replaced whole at each directory, in force for the next frame.
   */
  applyBindings(bindings: ReadonlyMap<string, DeviceBinding>): void {
    const byAddress = new Map<string, string>();
    for (const [deviceId, b] of bindings) if (b.serialAddress !== undefined) byAddress.set(b.serialAddress, deviceId);
    this.byAddress = byAddress;
    this.addressOf = new Map([...byAddress].map(([address, deviceId]) => [deviceId, address]));
    this.ctx.logger.info({ addresses: byAddress.size }, 'serial addresses from the device directory');
  }

  /** Resolves once the feedback frame is written to the port; retried until the receiver confirms it. */
  async send(command: DeviceCommand): Promise<void> {
    if (!this.running) throw new GatewayError('TRYGG_GW_NO_TRANSPORT_FOR_DEVICE', `${command.deviceId}: ${this.kind} transport stopped`);
    this.fbSeq = this.fbSeq >= 4_294_967_295 ? 1 : this.fbSeq + 1;
    const fbSeq = this.fbSeq;
    const deviceId = this.addressOf.get(command.deviceId) ?? command.deviceId;
    const line = encodeSerialFrame({ type: 'FB', fbSeq, deviceId, action: command.action, ...SERIAL_FEEDBACK_SIGNALS[command.action] });
    await this.link.write(line, 'feedback'); // throws TRYGG_GW_SERIAL_PORT_UNAVAILABLE while the port is down
    this.counters.feedbackSent++;
    if (this.feedback.size >= MAX_PENDING_FEEDBACK) this.giveUp(this.feedback.keys().next().value!);
    const pending: PendingFeedback = { line, attemptsLeft: (this.config.feedbackAttempts ?? 4) - 1, timer: null, command };
    this.feedback.set(fbSeq, pending);
    this.scheduleFeedbackRetry(fbSeq, pending);
  }

  // --- receiving -------------------------------------------------------------------------

  private onOpen(): void {
    this.decoder = new SerialFrameDecoder(); // a frame cut by the outage is not glued to new bytes
    this.ctx.sink.linkChanged(this.kind, true);
    // [SP-8] RDY: the receiver resends whatever it has not had acknowledged yet.
    this.write(encodeSerialFrame({ type: 'RDY' }), 'control');
  }

  private onData(chunk: Buffer): void {
    let decoded: SerialDecoded[];
    try {
      decoded = this.decoder.push(chunk);
    } catch (err) {
      this.ctx.logger.error({ err }, 'serial decoder failed; chunk dropped');
      return;
    }
    // Frames are handled one by one as they arrive: a bad frame never holds up the next.
    for (const item of decoded) {
      try {
        if (item.ok) this.onFrame(item.frame);
        else this.onBadFrame(item);
      } catch (err) {
        // Bad input never crashes the gateway (DESIGN.md); an unacknowledged event is resent.
        this.ctx.logger.error({ err, frame: item.text }, 'serial frame handling failed');
      }
    }
  }

  private onFrame(frame: SerialFrame): void {
    if (!SERIAL_UPLINK_TYPES.has(frame.type)) {
      this.reject('schema', [`${frame.type} is a gateway frame, not a receiver frame (is the line echoing?)`]);
      return;
    }
    switch (frame.type) {
      case 'EVT':
        return this.onEvent(frame);
      case 'HELLO':
        if (frame.boot !== this.receiverBoot) {
          this.receiverBoot = frame.boot;
          this.counters.receiverBoots++;
          this.ctx.logger.info({ boot: frame.boot, info: frame.info, path: this.config.path }, 'serial receiver started');
        }
        this.write(encodeSerialFrame({ type: 'RDY' }), 'control');
        return;
      case 'FBACK':
        return this.onFeedbackAck(frame.fbSeq);
    }
  }

  private onEvent(frame: Extract<SerialFrame, { type: 'EVT' }>): void {
    const message = serialEventToDeviceMessage(frame, this.ctx.clock.now());
    const checked = validateDeviceMessage(message);
    if (!checked.ok) {
      this.reject('schema', checked.errors);
      this.write(encodeSerialFrame({ type: 'REJ', boot: frame.boot, seq: frame.seq }), 'control');
      this.counters.rejsSent++;
      return;
    }
    // The line's id is the device id unless the console bound the device to this address.
    const deviceId = this.byAddress.get(frame.deviceId) ?? frame.deviceId;
    this.heard.add(deviceId);
    // Synchronous: when input returns the event is in the outbox. Only then is it acknowledged;
    // if input throws, no ACK goes out and the receiver sends the frame again (safety rule:
    // never acknowledge an alarm that was not stored).
    this.ctx.sink.input({ deviceId, message, transport: this.kind });
    this.write(encodeSerialFrame({ type: 'ACK', boot: frame.boot, seq: frame.seq }), 'control');
    this.counters.eventsAcked++;
  }

  private onBadFrame(item: Extract<SerialDecoded, { ok: false }>): void {
    this.reject(item.reason, item.text ? [item.error, `frame: ${item.text}`] : [item.error]);
    if (item.ref) {
      // CRC right, content wrong: a resend would be refused again [SP-8].
      this.write(encodeSerialFrame({ type: 'REJ', ...item.ref }), 'control');
      this.counters.rejsSent++;
    } else if (item.nak) {
      this.write(encodeSerialFrame({ type: 'NAK', reason: item.nak }), 'control');
      this.counters.naksSent++;
    }
  }

  private reject(reason: InputRejectReason, errors: string[]): void {
    this.counters.rejected[reason] = (this.counters.rejected[reason] ?? 0) + 1;
    this.ctx.sink.reject(this.kind, reason, { errors: [`${this.config.path}: ${errors[0] ?? ''}`, ...errors.slice(1)] });
  }

  // --- feedback ----------------------------------------------------------------------------

  private onFeedbackAck(fbSeq: number): void {
    const pending = this.feedback.get(fbSeq);
    if (!pending) return; // a late second FBACK
    pending.timer?.cancel();
    this.feedback.delete(fbSeq);
    this.counters.feedbackConfirmed++;
    this.ctx.logger.debug({ fbSeq, commandId: pending.command.commandId }, 'feedback confirmed by the receiver');
  }

  private scheduleFeedbackRetry(fbSeq: number, pending: PendingFeedback): void {
    pending.timer = this.ctx.clock.setTimer(this.config.feedbackRetryMs ?? 1000, () => {
      pending.timer = null;
      if (this.feedback.get(fbSeq) !== pending) return;
      if (pending.attemptsLeft <= 0) return this.giveUp(fbSeq);
      pending.attemptsLeft--;
      // While the port is down the attempt is spent; the command is not worth holding longer.
      this.write(pending.line, 'feedback');
      this.scheduleFeedbackRetry(fbSeq, pending);
    });
  }

  private giveUp(fbSeq: number): void {
    const pending = this.feedback.get(fbSeq);
    if (!pending) return;
    pending.timer?.cancel();
    this.feedback.delete(fbSeq);
    this.counters.feedbackUnconfirmed++;
    const { commandId, deviceId, action } = pending.command;
    const err = new GatewayError('TRYGG_GW_SERIAL_FEEDBACK_UNCONFIRMED', `${deviceId}: ${action} (fb ${fbSeq}) on ${this.config.path}`);
    this.ctx.logger.warn({ err, code: err.code, commandId, deviceId, action }, 'receiver did not confirm feedback');
  }

  /** Fire-and-forget write: a lost ACK or NAK is repaired by the receiver's resend. */
  private write(line: string, lane: WriteLane): void {
    this.link.write(line, lane).catch((err: unknown) => this.ctx.logger.debug({ err, line: line.trimEnd() }, 'serial write failed'));
  }
}
