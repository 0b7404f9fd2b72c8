import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdir } from 'node:fs/promises';
import aedesPersistenceLevel, { type LevelPersistence } from 'aedes-persistence-level';
import { Level } from 'level';
import { TryggError } from '../errors';

/**
 * The embedded broker's state on disk: sessions, subscriptions, QoS 1 queues, wills and retained
 * messages, in a LevelDB directory through aedes-persistence-level (the maintained aedes
 * persistence for LevelDB, tested with aedes-persistence's abstract suite). A gateway's
 * persistent session and the presses queued for it therefore outlive a broker crash.
 */
export interface BrokerPersistence {
  /** What aedes is given as `persistence`. */
  persistence: LevelPersistence;
  /** Closes the database and releases its LOCK; aedes' own close() does not. */
  close(): Promise<void>;
}

export interface BrokerPersistenceOptions {
  /**
   * fsync every write (default true): a press the broker acknowledged then survives a power cut,
   * like the SQLite stores (synchronous=FULL). Off, it survives a process crash only.
   */
  sync?: boolean;
  /**
   * A read stream of the persistence failed (a retained-message or will lookup racing the
   * database's close at shutdown, a read error). aedes does not listen for these; unheard, the
   * error event would end the server.
   */
  onStreamError?: (err: Error, stream: string) => void;
}

type Options = Record<string, unknown> | undefined;
interface WritableBatch { _write(options: Options): Promise<void> }

/**
 * Set while aedes records a delivery (message id given to a queued message, or cleared after the
 * PUBACK). Losing such a write in a power cut only means the message is delivered again, which
 * the server deduplicates; so those writes skip the fsync that queueing a message needs.
 */
const bookkeeping = new AsyncLocalStorage<true>();

/**
 * LevelDB writes are only flushed to the OS unless a write asks for `sync`; aedes-persistence-level
 * never does, so every write path of abstract-level's implementer API is made to (a sync write
 * also makes every earlier write of the log durable).
 */
class SyncedLevel extends Level<string, Buffer> {
  private sync(options: Options): Options {
    return bookkeeping.getStore() ? options : { ...options, sync: true };
  }

  async _put(key: unknown, value: unknown, options: Options): Promise<void> {
    return (Level.prototype as unknown as { _put(k: unknown, v: unknown, o: Options): Promise<void> })._put.call(this, key, value, this.sync(options));
  }

  async _del(key: unknown, options: Options): Promise<void> {
    return (Level.prototype as unknown as { _del(k: unknown, o: Options): Promise<void> })._del.call(this, key, this.sync(options));
  }

  async _batch(operations: unknown, options: Options): Promise<void> {
    return (Level.prototype as unknown as { _batch(ops: unknown, o: Options): Promise<void> })._batch.call(this, operations, this.sync(options));
  }

  _chainedBatch(): WritableBatch {
    const batch = (Level.prototype as unknown as { _chainedBatch(): WritableBatch })._chainedBatch.call(this);
    const write = batch._write.bind(batch);
    batch._write = (options) => write(this.sync(options));
    return batch;
  }
}

/** Runs async work one after another per key; keys with nothing pending cost nothing. */
class KeyedChain {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const result = (this.tails.get(key) ?? Promise.resolve()).then(work);
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => { if (this.tails.get(key) === tail) this.tails.delete(key); });
    return result;
  }
}

type Enqueue = (subs: unknown[], packet: { topic: string }, cb?: unknown) => Promise<unknown>;
type Update = (client: { id: string }, packet: unknown, cb?: unknown) => Promise<unknown>;
type Clear = (client: { id: string }, packet: unknown, cb?: unknown) => Promise<unknown>;

/**
 * aedes runs the persistence calls of consecutive messages concurrently and sends each message on
 * when its call completes. With an in-memory store they complete in call order; with disk writes
 * of varying latency they did not, and a gateway received a device's presses out of order (one
 * with a lower `seq` after a higher one). Queueing a message (per topic, so per device) and
 * recording its delivery (per receiving client) one after another keeps MQTT's ordering.
 * The callback forms (not used by aedes 1.x) are left as they are.
 */
function keepOrder(persistence: LevelPersistence): LevelPersistence {
  const byTopic = new KeyedChain();
  const byClient = new KeyedChain();
  const enqueue = (persistence.outgoingEnqueueCombi as Enqueue).bind(persistence);
  const update = (persistence.outgoingUpdate as Update).bind(persistence);
  persistence.outgoingEnqueueCombi = ((subs, packet, cb) =>
    cb ? enqueue(subs, packet, cb) : byTopic.run(packet.topic, () => enqueue(subs, packet))) as Enqueue;
  persistence.outgoingUpdate = ((client, packet, cb) =>
    cb ? update(client, packet, cb) : byClient.run(client.id, () => bookkeeping.run(true, () => update(client, packet)))) as Update;
  const clear = (persistence.outgoingClearMessageId as Clear).bind(persistence);
  persistence.outgoingClearMessageId = ((client, packet, cb) =>
    cb ? clear(client, packet, cb) : bookkeeping.run(true, () => clear(client, packet))) as Clear;
  return persistence;
}

type StreamMethod = (...args: unknown[]) => NodeJS.ReadableStream;

/** Every stream the persistence hands aedes gets an error listener (see onStreamError). */
function guardStreams(persistence: LevelPersistence, onError: (err: Error, stream: string) => void): LevelPersistence {
  const target = persistence as unknown as Record<string, StreamMethod>;
  for (const name of ['createRetainedStreamCombi', 'createRetainedStream', 'outgoingStream', 'streamWill', 'getClientList']) {
    const original = target[name]?.bind(persistence);
    if (!original) continue;
    target[name] = (...args) => {
      const stream = original(...args);
      stream.on('error', (err: Error) => onError(err, name));
      return stream;
    };
  }
  return persistence;
}

/** Opens (creating if needed) the broker database in `dir`; a held LOCK is a clear start-up error. */
export async function openBrokerPersistence(dir: string, opts: BrokerPersistenceOptions = {}): Promise<BrokerPersistence> {
  await mkdir(dir, { recursive: true });
  const db = opts.sync === false ? new Level<string, Buffer>(dir) : new SyncedLevel(dir);
  try {
    await db.open();
  } catch (err) {
    // LevelDB holds an fcntl lock on <dir>/LOCK while open; the OS drops it when the holder dies,
    // so a crashed server never blocks its own restart, but a second live server does.
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    if (cause?.code === 'LEVEL_LOCKED') throw new TryggError('TRYGG_SRV_BROKER_STORE_LOCKED', [dir], { cause: err });
    throw new TryggError('TRYGG_SRV_BROKER_STORE_UNAVAILABLE', [dir, cause?.message ?? (err as Error).message], { cause: err });
  }
  const persistence = guardStreams(keepOrder(aedesPersistenceLevel(db)), opts.onStreamError ?? (() => undefined));
  let closing: Promise<void> | undefined;
  return {
    persistence,
    close: () => (closing ??= persistence.destroy()),
  };
}
