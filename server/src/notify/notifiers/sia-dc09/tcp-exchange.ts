import { connect } from 'node:net';
import { takeDc09Answer } from '@trygg/protocol';
import { describeSocketError, MAX_ANSWER_BYTES, settleOnce, type ExchangeRequest } from './exchange';

/**
 * TCP: one connection per message — connect, write the frame, read until a complete
 * answer, close. A fresh connection per alarm cannot be a half-dead one. An answer is a
 * <LF>...<CR> frame or a bare `"NAK"` without framing (takeDc09Answer): real receivers send both.
 */
export function tcpExchange(req: ExchangeRequest): Promise<Buffer> {
  const socket = connect({ host: req.host, port: req.port });
  const { promise, ok, fail } = settleOnce<Buffer>(req, () => socket.destroy());
  let buffer = Buffer.alloc(0);
  socket.setNoDelay(true);
  socket.on('connect', () => socket.write(req.frame));
  socket.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    const frame = takeDc09Answer(buffer);
    if (frame) ok(Buffer.from(frame));
    else if (buffer.length > MAX_ANSWER_BYTES) fail(new Error('answer too long'));
  });
  socket.on('error', (err) => fail(new Error(describeSocketError(err))));
  socket.on('close', () => fail(new Error('connection closed without an answer')));
  return promise;
}
