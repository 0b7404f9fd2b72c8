/**
 * aedes-persistence-level ships no types: a factory taking an abstract-level database and
 * returning an aedes persistence (the callback/promise layer of aedes-persistence).
 */
declare module 'aedes-persistence-level' {
  import type { EventEmitter } from 'node:events';
  import type { Readable } from 'node:stream';

  export interface StoredSubscription {
    clientId: string;
    topic: string;
    qos: number;
  }

  export interface LevelPersistence extends EventEmitter {
    setup(broker: unknown): Promise<void>;
    /** Subscriptions of QoS > 0 of persistent sessions (restored at setup) matching a topic. */
    subscriptionsByTopic(topic: string): Promise<StoredSubscription[]>;
    outgoingStream(client: { id: string }): Readable;
    destroy(): Promise<void>;
    [method: string]: unknown;
  }

  export default function aedesPersistenceLevel(db: unknown): LevelPersistence;
}
