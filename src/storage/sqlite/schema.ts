import Database from 'better-sqlite3'
import type { Statement } from 'better-sqlite3'
import type { Row } from './rows.js'

/**
 * The on-disk layout (kine's single append-only table) and every statement the store
 * runs, prepared once.
 *
 * - `kv_name_prev_revision` is UNIQUE: two writes that both claim to supersede the same
 *   row cannot both land, so the database itself enforces optimistic concurrency.
 * - `kv_name_id` (name, id DESC) finds a key's latest row in one seek and lets list scan
 *   keys in order, newest row first, without a sort.
 * - `meta` holds the compacted revision and the schema version.
 */
const ddl = `
CREATE TABLE IF NOT EXISTS kv (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  created INTEGER NOT NULL,
  deleted INTEGER NOT NULL,
  create_revision INTEGER NOT NULL,
  prev_revision INTEGER NOT NULL,
  value BLOB NOT NULL,
  old_value BLOB
);
CREATE UNIQUE INDEX IF NOT EXISTS kv_name_prev_revision ON kv (name, prev_revision);
CREATE INDEX IF NOT EXISTS kv_name_id ON kv (name, id DESC);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
`
const schemaVersion = 1

/**
 * Opens (creating if needed) the database at `path` with one connection.
 *
 * - WAL + synchronous=NORMAL: COMMIT writes the WAL without fsync; the store fdatasyncs
 *   the WAL before acknowledging a batch (sqlite-store.ts), which gives FULL's guarantee
 *   without blocking the event loop. A torn last transaction is discarded on recovery,
 *   never half-applied.
 * - locking_mode=EXCLUSIVE: this process keeps the write lock for as long as it is open.
 *   The revision counter lives in this process, so a second writer must be refused; it
 *   gets "database is locked" instead of silently forking history.
 */
export function openDatabase(path: string, busyTimeoutMs: number): Database.Database {
  const db = new Database(path, { timeout: busyTimeoutMs })
  try {
    db.pragma('locking_mode = EXCLUSIVE')
    db.pragma('journal_mode = WAL')
    // COMMIT does not fsync; SqliteStore fdatasyncs the WAL before acknowledging (see there)
    db.pragma('synchronous = NORMAL')
    db.transaction(() => {
      db.exec(ddl)
      // a real write, so the exclusive lock is taken now rather than at the first create
      db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value')
        .run('schema_version', schemaVersion)
    }).immediate()
    return db
  } catch (err) {
    db.close()
    const busy = (err as { code?: unknown }).code === 'SQLITE_BUSY'
    throw new Error(busy ? `sqlite store ${path}: database is in use by another process` : `sqlite store ${path}: cannot open`, { cause: err })
  }
}

/** what list needs of a row: no old_value, which it would only throw away */
export type ScanRow = Pick<Row, 'id' | 'name' | 'deleted' | 'create_revision' | 'value'>

export interface Statements {
  /** the latest row of one key, live or tombstone */
  latest: Statement<[string], Row>
  insert: Statement<[Row]>
  /** every row with name >= ?, by name then newest first (list) */
  scanFrom: Statement<[string], ScanRow>
  /** every row with name > ?, by name then newest first (list after a key) */
  scanAfter: Statement<[string], ScanRow>
  /** every row after a revision, in revision order (watch history) */
  since: Statement<[number], Row>
  /** rows superseded by a row in (from, to] */
  deleteSuperseded: Statement<[{ from: number; to: number }]>
  /** tombstones in (from, to]: once compacted, "no row" means the same as "deleted" */
  deleteTombstones: Statement<[{ from: number; to: number }]>
  getMeta: Statement<[string], { value: number }>
  setMeta: Statement<[string, number]>
  /** the highest revision ever assigned; AUTOINCREMENT remembers it even if compaction deleted that row */
  maxRevision: Statement<[], { rev: number }>
}

export function prepareStatements(db: Database.Database): Statements {
  const scan = (op: string): string => `SELECT id, name, deleted, create_revision, value FROM kv WHERE name ${op} ? ORDER BY name, id DESC`
  return {
    latest: db.prepare('SELECT id, name, created, deleted, create_revision, prev_revision, value, NULL AS old_value FROM kv WHERE name = ? ORDER BY id DESC LIMIT 1'),
    insert: db.prepare(`INSERT INTO kv (id, name, created, deleted, create_revision, prev_revision, value, old_value)
      VALUES (@id, @name, @created, @deleted, @create_revision, @prev_revision, @value, @old_value)`),
    scanFrom: db.prepare(scan('>=')),
    scanAfter: db.prepare(scan('>')),
    since: db.prepare(`SELECT kv.id, kv.name, kv.created, kv.deleted, kv.create_revision, kv.prev_revision, kv.value,
      COALESCE(kv.old_value, prev.value) AS old_value
      FROM kv LEFT JOIN kv AS prev ON prev.id = kv.prev_revision AND kv.created = 0 AND kv.deleted = 0
      WHERE kv.id > ? ORDER BY kv.id`),
    deleteSuperseded: db.prepare(
      'DELETE FROM kv WHERE id IN (SELECT prev_revision FROM kv WHERE id > @from AND id <= @to AND prev_revision > 0)',
    ),
    deleteTombstones: db.prepare('DELETE FROM kv WHERE id > @from AND id <= @to AND deleted = 1'),
    getMeta: db.prepare('SELECT value FROM meta WHERE key = ?'),
    setMeta: db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
    maxRevision: db.prepare(`SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'kv'), 0),
      COALESCE((SELECT MAX(id) FROM kv), 0)) AS rev`),
  }
}
