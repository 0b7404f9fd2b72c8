/**
 * Turns off Nagle's algorithm on an mqtt.js client's TCP socket at every (re)connect. MQTT
 * traffic is small packets written back to back (a PUBACK, then a PUBLISH): with Nagle on, the
 * second waits for the peer's delayed ACK, ~40 ms on Linux loopback, on the alarm path.
 * Shared by gateway, server and simulator; only touches the object it is given.
 */
interface ClientWithStream {
  stream?: unknown;
  on(event: 'connect' | 'packetsend', listener: () => void): unknown;
}

export function disableNagle<T extends ClientWithStream>(client: T): T {
  const apply = () => {
    const socket = client.stream as { setNoDelay?: (on: boolean) => void } | undefined;
    socket?.setNoDelay?.(true);
  };
  // The CONNECT packet is the first write on a new stream; `packetsend` fires for it.
  client.on('packetsend', apply);
  return client;
}
