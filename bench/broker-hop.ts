import { performance } from 'node:perf_hooks';
import { connectAsync, type IClientOptions } from 'mqtt';

export interface HopAccounts {
  publisher?: IClientOptions;
  subscriber?: IClientOptions;
}

/**
 * The raw broker hop: one client publishes, another subscribed to the topic receives (QoS 1, a
 * 150-byte pad like a small Trygg message), one message at a time. No Trygg code is on this path,
 * only the broker (and its ACL, which every Trygg message pays too).
 */
export async function rawBrokerHop(url: string, topic: string, accounts: HopAccounts, samples: number, warmup = 20, gapMs = 10): Promise<number[]> {
  const sub = await connectAsync(url, { clientId: `bench-raw-sub-${process.pid}`, ...accounts.subscriber });
  const pub = await connectAsync(url, { clientId: `bench-raw-pub-${process.pid}`, ...accounts.publisher });
  try {
    await sub.subscribeAsync(topic, { qos: 1 });
    const out: number[] = [];
    let pending: ((t: number) => void) | undefined;
    sub.on('message', () => pending?.(performance.now()));
    for (let i = 0; i < samples + warmup; i++) {
      const received = new Promise<number>((r) => (pending = r));
      const sent = performance.now();
      pub.publish(topic, JSON.stringify({ i, pad: 'x'.repeat(150) }), { qos: 1 });
      const at = await received;
      if (i >= warmup) out.push(at - sent);
      await new Promise((r) => setTimeout(r, gapMs));
    }
    return out;
  } finally {
    await sub.endAsync();
    await pub.endAsync();
  }
}
