// The history reader's worker thread (history-reader.ts): a read-only connection to the alarm
// database that answers SELECTs off the thread that handles presses. Plain JavaScript so it
// runs the same under tsx, vitest and plain node. WAL lets it read while the main connection
// writes; it never writes (readonly), so it cannot hold up a commit.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const db = new Database(workerData.file, { readonly: true, fileMustExist: true });
db.pragma('busy_timeout = 5000');
const statements = new Map();

parentPort.on('message', ({ id, sql, params, parseColumn }) => {
  try {
    let statement = statements.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      if (statements.size > 100) statements.clear();
      statements.set(sql, statement);
    }
    const rows = statement.all(...params);
    // Parsing JSON here keeps that work off the main thread too.
    parentPort.postMessage({ id, rows: parseColumn ? rows.map((r) => JSON.parse(r[parseColumn])) : rows });
  } catch (err) {
    parentPort.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  }
});
