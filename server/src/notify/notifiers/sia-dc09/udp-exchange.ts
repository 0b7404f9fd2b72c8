import { createSocket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { describeSocketError, settleOnce, type ExchangeRequest } from './exchange';

/**
 * UDP: one datagram out, the first datagram back is the answer. The socket is connected, so
 * only the receiver's datagrams arrive, and an ICMP "port unreachable" fails fast instead of
 * waiting for the timeout.
 */
export function udpExchange(req: ExchangeRequest): Promise<Buffer> {
  const socket = createSocket(isIPv6(req.host) ? 'udp6' : 'udp4');
  const { promise, ok, fail } = settleOnce<Buffer>(req, () => {
    try {
      socket.close();
    } catch {
      // already closed
    }
  });
  socket.on('message', (msg: Buffer) => ok(msg));
  socket.on('error', (err) => fail(new Error(describeSocketError(err))));
  socket.connect(req.port, req.host, () => {
    socket.send(req.frame, (err) => {
      if (err) fail(new Error(describeSocketError(err)));
    });
  });
  return promise;
}
