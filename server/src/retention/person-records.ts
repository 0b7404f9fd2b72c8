import Database from 'better-sqlite3';
import { setDurablePragmas } from '../store/sqlite/durable-pragmas';

/**
 * A person's traces in the tables of features that keep no per-person API of their own: incident
 * reports and their read log, the banned-clients lookup log, configuration versions' authors.
 * Read and rewritten by column on the server's SQLite file; a table whose feature never ran is
 * simply absent. Usernames are stored bare or as `user:<username>` depending on the table; both match.
 */
export class PersonRecords {
  private readonly db: Database.Database;

  constructor(file: string) {
    this.db = new Database(file);
    // An erasure rewrites rows: as durable as the rows it rewrites.
    setDurablePragmas(this.db);
  }

  private has(table: string): boolean {
    return this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table) !== undefined;
  }

  private rows(table: string, columns: string[], username: string, order: string): Record<string, unknown>[] {
    if (!this.has(table)) return [];
    const where = columns.map((c) => `${c} IN (?, ?)`).join(' OR ');
    return this.db.prepare(`SELECT * FROM ${table} WHERE ${where} ORDER BY ${order}`)
      .all(...columns.flatMap(() => [username, `user:${username}`])) as Record<string, unknown>[];
  }

  export(username: string) {
    return {
      incidentReports: this.rows('incidents', ['reporter_username', 'created_by', 'reviewed_by', 'closed_by'], username, 'rowid'),
      incidentAudit: this.rows('incident_audit', ['username'], username, 'rowid'),
      bannedClientLookups: this.rows('banned_client_audit', ['username'], username, 'id'),
      configVersionsAuthored: this.has('config_versions')
        ? this.db.prepare('SELECT version, at, actor, note FROM config_versions WHERE actor IN (?, ?) ORDER BY version').all(username, `user:${username}`)
        : [],
    };
  }

  /**
   * Replaces the person's username (and name where a report keeps it) with the pseudonym. The
   * reports, reads and lookups stay (the law may require them: who looked up the banned-clients
   * register is the register's own safeguard); who did it does not. Returns the rows changed.
   */
  erase(username: string, pseudonym: { username: string; name: string }): number {
    const pairs: [table: string, column: string][] = [
      ['incidents', 'reporter_username'], ['incidents', 'created_by'], ['incidents', 'reviewed_by'], ['incidents', 'closed_by'],
      ['incident_audit', 'username'], ['banned_client_audit', 'username'], ['banned_clients', 'created_by'], ['banned_clients', 'updated_by'],
      ['config_versions', 'actor'],
    ];
    return this.db.transaction((): number => {
      let changed = 0;
      if (this.has('incidents')) {
        changed += this.db.prepare('UPDATE incidents SET reporter_name = ? WHERE reporter_username IN (?, ?)')
          .run(pseudonym.name, username, `user:${username}`).changes;
      }
      for (const [table, column] of pairs) {
        if (!this.has(table)) continue;
        changed += this.db.prepare(`UPDATE ${table} SET ${column} = ? WHERE ${column} = ?`).run(pseudonym.username, username).changes;
        changed += this.db.prepare(`UPDATE ${table} SET ${column} = ? WHERE ${column} = ?`).run(`user:${pseudonym.username}`, `user:${username}`).changes;
      }
      changed += this.scrubConfigVersions(username, pseudonym.name);
      return changed;
    }).immediate();
  }

  /**
   * Earlier configuration versions still hold the user's record: its name, phone and e-mail go;
   * the username stays there so an old version still validates if the server ever falls back to it.
   */
  private scrubConfigVersions(username: string, name: string): number {
    if (!this.has('config_versions')) return 0;
    const rows = this.db.prepare('SELECT version, config FROM config_versions WHERE instr(config, ?) > 0').all(JSON.stringify(username)) as { version: number; config: string }[];
    const write = this.db.prepare('UPDATE config_versions SET config = ? WHERE version = ?');
    let changed = 0;
    for (const row of rows) {
      const config = JSON.parse(row.config) as { users?: { username: string; name: string; phone?: string; email?: string }[] };
      const user = config.users?.find((u) => u.username === username);
      if (!user) continue;
      user.name = name;
      delete user.phone;
      delete user.email;
      write.run(JSON.stringify(config), row.version);
      changed += 1;
    }
    return changed;
  }

  /** The person's sessions, all of them (they are leaving): a removed user's session would log in nobody, but it names them. */
  deleteSessions(username: string): number {
    return this.has('sessions') ? this.db.prepare('DELETE FROM sessions WHERE username = ?').run(username).changes : 0;
  }

  close(): void {
    this.db.close();
  }
}
