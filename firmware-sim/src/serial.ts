/**
 * The serial side of the simulator: an alarm receiver speaking docs/serial-protocol.md, and
 * socat pseudo-terminal pairs to connect it to a gateway in tests.
 */
export {
  SimulatedSerialReceiver,
  type SentSerialEvent,
  type SerialEventOptions,
  type SerialFeedback,
  type SerialReceiverEvents,
  type SerialReceiverOptions,
} from './devices/serial-receiver';
export { PtyPair, requireSocat } from './serial-pty-pair';
