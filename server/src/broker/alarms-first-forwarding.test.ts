import { describe, expect, it } from 'vitest';
import { forwardAlarmsFirst, type MessageEmitter } from './alarms-first-forwarding';

/** An emitter whose deliveries finish only when the test says so (a subscriber that is slow to take them). */
function slowEmitter() {
  const delivering: { topic: string; done: () => void }[] = [];
  const mq: MessageEmitter = {
    emit(message, cb) {
      delivering.push({ topic: message.topic, done: () => cb?.() });
    },
  };
  return { mq, delivering };
}

describe('forwardAlarmsFirst', () => {
  it('forwards a QoS 1 message at once, however many QoS 0 messages wait', () => {
    const { mq, delivering } = slowEmitter();
    const forwarding = forwardAlarmsFirst(mq, { qos0InFlight: 2, maxQueuedQos0: 100, onDrop: () => {} });
    for (let i = 0; i < 50; i++) mq.emit({ topic: `hb/${i}`, qos: 0 });
    mq.emit({ topic: 'press', qos: 1 });
    // Two heartbeats in flight, 48 waiting: the press went straight through after them.
    expect(delivering.map((d) => d.topic)).toEqual(['hb/0', 'hb/1', 'press']);
    expect(forwarding.queuedQos0()).toBe(48);
  });

  it('lets waiting QoS 0 messages through in order as earlier ones finish', () => {
    const { mq, delivering } = slowEmitter();
    forwardAlarmsFirst(mq, { qos0InFlight: 1, maxQueuedQos0: 100, onDrop: () => {} });
    const done: string[] = [];
    for (const topic of ['a', 'b', 'c']) mq.emit({ topic, qos: 0 }, () => done.push(topic));
    expect(delivering.map((d) => d.topic)).toEqual(['a']);
    delivering[0]!.done();
    expect(delivering.map((d) => d.topic)).toEqual(['a', 'b']);
    delivering[1]!.done();
    delivering[2]!.done();
    expect(done).toEqual(['a', 'b', 'c']);
  });

  it('drops QoS 0 messages beyond the queue bound, counts them and still completes the publish', async () => {
    const { mq, delivering } = slowEmitter();
    let dropped = 0;
    const forwarding = forwardAlarmsFirst(mq, { qos0InFlight: 1, maxQueuedQos0: 3, onDrop: () => dropped++ });
    const completed: string[] = [];
    for (let i = 0; i < 10; i++) mq.emit({ topic: `hb/${i}`, qos: 0 }, () => completed.push(`hb/${i}`));
    expect(forwarding.queuedQos0()).toBe(3);
    expect(dropped).toBe(6);
    await new Promise((r) => setImmediate(r));
    expect(completed).toEqual(['hb/4', 'hb/5', 'hb/6', 'hb/7', 'hb/8', 'hb/9']);
    // A press is never dropped, full queue or not.
    mq.emit({ topic: 'press', qos: 1 });
    expect(delivering.map((d) => d.topic)).toEqual(['hb/0', 'press']);
    expect(dropped).toBe(6);
  });
});
