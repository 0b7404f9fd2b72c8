import type { Client } from 'aedes';

/**
 * Bytes waiting in a subscriber's socket buffer (not yet taken by the OS) above which the broker
 * drops QoS 0 messages to it. 64 KiB, as the gateway's uplink uses for its own heartbeats.
 */
export const CONGESTED_SUBSCRIBER_BYTES = 64 * 1024;

/**
 * Whether a QoS 0 message to this client should be dropped instead of forwarded. aedes holds one
 * of its 100 shared forwarding slots (mqemitter concurrency) until a message has been written,
 * and a write to a full socket waits for 'drain'. A subscriber that reads slower than heartbeats
 * arrive (the gateway under a storm of 10,000 devices a second) then fills every slot with
 * heartbeats, and everything else the broker carries, the press to the gateway, the gateway's
 * event to the server, the receipt back, queues behind them: the press never arrived (issue 14).
 * QoS 0 is "at most once" (MQTT 3.1.1 §4.3.1), and a device's next heartbeat says the same, newer;
 * QoS 1 messages (presses, events, receipts) are never dropped here.
 */
export function dropsQos0(client: Client, packet: { qos: number }): boolean {
  if (packet.qos !== 0) return false;
  const conn = client.conn as { writableLength?: number } | undefined;
  return (conn?.writableLength ?? 0) > CONGESTED_SUBSCRIBER_BYTES;
}
