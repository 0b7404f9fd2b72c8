import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import { migrate, type Migration } from '../store/sqlite/migrate';

/** Migrations of module `floor-plans` (see store/sqlite/migrate.ts). Never edit a released one. */
const floorPlanMigrations: Migration[] = [{
  version: 1,
  name: 'floor plan images',
  // Content-addressed: the same image uploaded twice is stored once, and an id never changes meaning.
  sql: `CREATE TABLE floor_plan_images (
    id TEXT PRIMARY KEY, site_id TEXT NOT NULL, content_type TEXT NOT NULL, bytes BLOB NOT NULL,
    uploaded_at INTEGER NOT NULL, uploaded_by TEXT NOT NULL, original_type TEXT NOT NULL)`,
}];

export interface StoredFloorPlan {
  id: string;
  siteId: string;
  contentType: string;
  bytes: Buffer;
}

/**
 * Floor plan images in the server's database (`trygg.db`), beside the configuration versions that
 * name them (`sites[].floorPlans[].image` is `/api/v1/floor-plans/<id>`): a backup of the file
 * holds both, and nothing is written into the source tree. Images are kept when a plan is
 * replaced, since older configuration versions (history, fallback at start) still name them.
 */
export class FloorPlanStore {
  private readonly db: Database.Database;

  constructor(file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    migrate(this.db, 'floor-plans', floorPlanMigrations);
  }

  /** Stores the image (once per site and content) and returns its id, `<sha256>.<png|svg>`. */
  save(siteId: string, contentType: string, bytes: Buffer, at: number, by: string, originalType: string): string {
    const ext = contentType === 'image/svg+xml' ? 'svg' : 'png';
    const id = `${createHash('sha256').update(siteId).update('\0').update(bytes).digest('hex')}.${ext}`;
    this.db.prepare(`INSERT OR IGNORE INTO floor_plan_images (id, site_id, content_type, bytes, uploaded_at, uploaded_by, original_type)
      VALUES (?, ?, ?, ?, ?, ?, ?)`).run(id, siteId, contentType, bytes, at, by, originalType);
    return id;
  }

  get(id: string): StoredFloorPlan | undefined {
    const row = this.db.prepare('SELECT id, site_id, content_type, bytes FROM floor_plan_images WHERE id = ?').get(id) as
      { id: string; site_id: string; content_type: string; bytes: Buffer } | undefined;
    return row && { id: row.id, siteId: row.site_id, contentType: row.content_type, bytes: row.bytes };
  }

  close(): void {
    this.db.close();
  }
}
