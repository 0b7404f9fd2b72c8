import { Worker } from 'node:worker_threads';

interface Pending {
  resolve: (rows: unknown[]) => void;
  reject: (err: Error) => void;
}

/**
 * Reads for people (history pages) on a separate, read-only SQLite connection in a worker
 * thread: a query over a large history takes the worker's time, not the time of the thread that
 * stores presses and pops them up. One query at a time runs in the worker, in order. A worker
 * that dies is started again on the next query; the queries it had are rejected (the caller
 * answers with an error, nothing is lost: nothing here writes).
 */
export class HistoryReader {
  private worker?: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;

  constructor(private readonly file: string) {}

  /** Runs a SELECT; with `parseColumn`, each row is that column's JSON, parsed (in the worker). */
  query<T>(sql: string, params: readonly (string | number | null)[], parseColumn?: string): Promise<T[]> {
    if (this.closed) return Promise.reject(new Error('history reader closed'));
    const worker = this.ensureWorker();
    const id = this.nextId++;
    return new Promise<T[]>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (rows: unknown[]) => void, reject });
      if (this.pending.size === 1) worker.ref();
      worker.postMessage({ id, sql, params, parseColumn });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    this.worker = undefined;
    this.failAll(new Error('history reader closed'));
    if (worker) await worker.terminate();
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(new URL('./history-worker.mjs', import.meta.url), { workerData: { file: this.file } });
    // An idle reader must not keep the process alive; one with a query in flight does.
    worker.unref();
    worker.on('message', (m: { id: number; rows?: unknown[]; error?: string }) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (this.pending.size === 0) worker.unref();
      if (m.error !== undefined) p.reject(new Error(m.error));
      else p.resolve(m.rows ?? []);
    });
    const gone = (err: Error) => {
      if (this.worker === worker) this.worker = undefined;
      this.failAll(err);
    };
    worker.on('error', gone);
    worker.on('exit', (code) => { if (!this.closed) gone(new Error(`history reader exited with ${code}`)); });
    this.worker = worker;
    return worker;
  }

  private failAll(err: Error): void {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }
}
