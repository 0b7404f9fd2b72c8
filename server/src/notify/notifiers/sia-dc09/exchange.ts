/**
 * One request/answer exchange with an ARC receiver: send a frame, wait for the first complete
 * answer frame (ACK/NAK/DUH), or fail. Each transport is a small builder (tcp-exchange.ts,
 * udp-exchange.ts) picked from the map in exchanges.ts (as MQTT.js picks its connect builders).
 * Timers come from the Clock.
 */
import type { Clock } from '@trygg/protocol';

export interface ExchangeRequest {
  host: string;
  port: number;
  frame: Buffer;
  timeoutMs: number;
  signal: AbortSignal;
  clock: Clock;
}

/** Resolves with the answer frame; rejects with an Error whose message is safe to show. */
export type Exchange = (req: ExchangeRequest) => Promise<Buffer>;

/** Answers longer than this are not DC-09 (the length field tops out at 0xFFF). */
export const MAX_ANSWER_BYTES = 4200;

/** Settles a promise once, with the timeout and abort wired up and cleaned up. */
export function settleOnce<T>(req: ExchangeRequest, cleanup: () => void) {
  let done = false;
  let resolveFn!: (v: T) => void;
  let rejectFn!: (e: Error) => void;
  const promise = new Promise<T>((resolve, reject) => {
    resolveFn = resolve;
    rejectFn = reject;
  });
  const finish = () => {
    done = true;
    timer.cancel();
    req.signal.removeEventListener('abort', onAbort);
    cleanup();
  };
  const onAbort = () => fail(new Error('aborted'));
  const timer = req.clock.setTimer(req.timeoutMs, () => fail(new Error(`no answer within ${req.timeoutMs} ms`)));
  req.signal.addEventListener('abort', onAbort, { once: true });
  function ok(v: T) {
    if (done) return;
    finish();
    resolveFn(v);
  }
  function fail(e: Error) {
    if (done) return;
    finish();
    rejectFn(e);
  }
  if (req.signal.aborted) fail(new Error('aborted'));
  return { promise, ok, fail };
}

/** A socket error as short text: the code and syscall, never a payload. */
export function describeSocketError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e?.code ? `${e.syscall ?? 'socket'} ${e.code}` : String(e?.message ?? err);
}
