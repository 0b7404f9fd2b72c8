/** The part of aedes' message emitter (mqemitter) this file wraps. */
export interface MessageEmitter {
  emit(message: { topic: string; qos?: number }, cb?: (err?: Error) => void): unknown;
}

export interface AlarmsFirstForwardingOptions {
  /** QoS 0 messages being forwarded at once; aedes' own default for all messages is 100. */
  qos0InFlight?: number;
  /** QoS 0 messages waiting beyond those; past it the new one is dropped. */
  maxQueuedQos0?: number;
  /** Told for each QoS 0 message dropped because too many wait. */
  onDrop(): void;
}

/**
 * Alarms first in the embedded broker. aedes forwards at most 100 messages at a time and queues
 * the rest in one FIFO for all clients, so under a storm of heartbeats (10,000 devices a second)
 * a press, the gateway's event and the receipt back queued behind thousands of heartbeats and,
 * with more arriving than the process could forward, never came out (issue 14). aedes is given
 * no limit of its own (concurrency 0) and this puts one in front of it for QoS 0 only: QoS 1
 * messages are forwarded the moment they are published; QoS 0 ones (heartbeats, heartbeat
 * batches) take turns, at most `qos0InFlight` at once and `maxQueuedQos0` waiting, and beyond
 * that are dropped (QoS 0 is "at most once", MQTT 3.1.1 §4.3.1; a device's next heartbeat says
 * the same, newer), so the queue's memory is bounded too.
 */
export function forwardAlarmsFirst(mq: MessageEmitter, opts: AlarmsFirstForwardingOptions): { queuedQos0(): number } {
  const inner = mq.emit.bind(mq);
  const limit = opts.qos0InFlight ?? 100;
  const maxQueued = opts.maxQueuedQos0 ?? 10_000;
  const queue: { message: Parameters<MessageEmitter['emit']>[0]; cb?: (err?: Error) => void }[] = [];
  let head = 0;
  let inFlight = 0;

  const start = (message: Parameters<MessageEmitter['emit']>[0], cb?: (err?: Error) => void) => {
    inFlight++;
    inner(message, (err) => {
      inFlight--;
      cb?.(err);
      const next = queue[head];
      if (next) {
        queue[head++] = undefined as never;
        if (head > 1024 && head * 2 > queue.length) {
          queue.splice(0, head);
          head = 0;
        }
        start(next.message, next.cb);
      }
    });
  };

  mq.emit = (message, cb) => {
    if ((message.qos ?? 0) > 0) return inner(message, cb);
    if (inFlight < limit) return start(message, cb);
    if (queue.length - head >= maxQueued) {
      opts.onDrop();
      // The publisher's pipeline goes on as if it was forwarded; no subscriber gets it.
      if (cb) setImmediate(cb);
      return;
    }
    queue.push({ message, cb });
  };
  return { queuedQos0: () => queue.length - head };
}
