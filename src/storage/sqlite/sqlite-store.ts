import { fdatasync, mkdirSync, openSync, closeSync } from 'node:fs'
import { dirname } from 'node:path'
import type Database from 'better-sqlite3'
import { logger } from '../../lib/log.js'
import { EventFanout } from '../fanout.js'
import { StoreError } from '../store.js'
import type { Entry, ListOptions, ListResult, Store, StoreEvent } from '../store.js'
import { GroupCommit } from './group-commit.js'
import type { Outcome } from './group-commit.js'
import { toEntry, toEvent } from './rows.js'
import type { Row } from './rows.js'
import { openDatabase, prepareStatements } from './schema.js'
import type { Statements } from './schema.js'

const log = logger('storage/sqlite')

export interface SqliteStoreOptions {
  /** most writes committed in one transaction; @default 1000 */
  maxBatch?: number
  /** how long to wait for another process's lock before failing to open; @default 5000 */
  busyTimeoutMs?: number
  /** revisions compacted per transaction, so compaction never stalls the event loop long; @default 10000 */
  compactChunk?: number
}

type Write =
  | { op: 'create'; key: string; value: Uint8Array }
  | { op: 'update'; key: string; value: Uint8Array; expected: number }
  | { op: 'delete'; key: string; expected: number | undefined }

/**
 * The durable Store: kine's append-only table in SQLite (see schema.ts), one connection.
 *
 * Design
 * - Writes go through a GroupCommit: the writes of one event-loop turn share one
 *   transaction and one fsync. Inside it each write checks the key's latest row, then
 *   appends its own row, so each gets its own revision and its own outcome; a failed
 *   write (conflict, duplicate) leaves the others in the batch untouched.
 * - A write's promise resolves only after COMMIT returned (WAL fsynced), and its event
 *   is published to watchers only then, so nobody observes a write that could be lost.
 * - All database access is synchronous on one connection, so a read, a watch's history
 *   replay plus subscription, or a compaction step can never interleave with a batch:
 *   watch replays rows up to the current revision and subscribes in the same instant.
 * - Revisions are assigned here (`#rev + 1`), not by SQLite, so a batch knows each
 *   write's revision before inserting; the exclusive lock guarantees no other writer.
 */
export class SqliteStore implements Store {
  #rev: number
  #compacted: number
  #closed = false
  #fanout = new EventFanout()
  #writes: GroupCommit<Write, Entry>
  #compacting: Promise<void> = Promise.resolve()
  /** events of committed batches waiting for their fdatasync, oldest first */
  #unpublished: StoreEvent[][] = []
  #walFd: number | undefined
  #inFlightSync: Promise<void> | undefined
  #queuedSync: Promise<void> | undefined

  private constructor(
    private readonly path: string,
    private readonly db: Database.Database,
    private readonly stmts: Statements,
    private readonly opts: Required<SqliteStoreOptions>,
  ) {
    this.#rev = stmts.maxRevision.get()?.rev ?? 0
    this.#compacted = stmts.getMeta.get('compacted')?.value ?? 0
    const durable = path === ':memory:' ? undefined : {
      sync: () => this.#syncWal(),
      settled: () => {
        for (const ev of this.#unpublished.shift() ?? []) this.#fanout.publish(ev)
      },
    }
    this.#writes = new GroupCommit((ws) => this.#commit(ws), opts.maxBatch, durable)
  }

  /**
   * Makes every batch committed so far durable. At most one fdatasync is in flight; batches
   * committed meanwhile share the one queued behind it (a blocking fsync used to batch them
   * by stalling the event loop; this keeps the batching without the stall).
   */
  #syncWal(): Promise<void> {
    if (this.#queuedSync) return this.#queuedSync
    if (!this.#inFlightSync) return this.#startSync()
    this.#queuedSync = this.#inFlightSync.catch(() => undefined).then(() => {
      this.#queuedSync = undefined
      return this.#startSync()
    })
    return this.#queuedSync
  }

  /** fdatasync of the WAL file (where committed transactions live until a checkpoint). */
  #startSync(): Promise<void> {
    this.#walFd ??= openSync(`${this.path}-wal`, 'r+')
    const fd = this.#walFd
    const p: Promise<void> = new Promise<void>((resolve, reject) => fdatasync(fd, (err) => (err ? reject(err) : resolve())))
      .finally(() => {
        if (this.#inFlightSync === p) this.#inFlightSync = undefined
      })
    this.#inFlightSync = p
    return p
  }

  /** Opens or creates the database at `path` (parent directories too) and resumes its revision. */
  static open(path: string, opts: SqliteStoreOptions = {}): Promise<SqliteStore> {
    try {
      if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
      const db = openDatabase(path, opts.busyTimeoutMs ?? 5000)
      const full = { maxBatch: 1000, busyTimeoutMs: 5000, compactChunk: 10_000, ...opts }
      return Promise.resolve(new SqliteStore(path, db, prepareStatements(db), full))
    } catch (err) {
      return Promise.reject(err)
    }
  }

  revision(): Promise<number> {
    return this.#read(() => this.#rev)
  }

  get(key: string): Promise<Entry | undefined> {
    return this.#read(() => {
      const row = this.stmts.latest.get(key)
      return row && !row.deleted ? toEntry(row) : undefined
    })
  }

  list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    return this.#read(() => {
      const atRev = opts.revision && opts.revision > 0 ? opts.revision : this.#rev
      if (atRev > this.#rev) throw new StoreError('FutureRevision', `revision ${atRev} is in the future (current ${this.#rev})`)
      if (atRev < this.#compacted) throw new StoreError('Compacted', `revision ${atRev} has been compacted (compacted at ${this.#compacted})`)
      const limit = opts.limit && opts.limit > 0 ? opts.limit : Infinity
      const after = opts.after !== undefined && opts.after >= prefix ? opts.after : undefined
      const rows = after === undefined ? this.stmts.scanFrom.iterate(prefix) : this.stmts.scanAfter.iterate(after)
      const entries: Entry[] = []
      let more = false
      let decided: string | undefined // the key whose row as of atRev was already found
      for (const r of rows) {
        // keys sharing a prefix are contiguous in the index, so the first miss ends the scan
        if (!r.name.startsWith(prefix)) break
        if (r.name === decided || r.id > atRev) continue
        decided = r.name
        if (r.deleted) continue
        if (entries.length === limit) {
          more = true
          break
        }
        entries.push(toEntry(r))
      }
      return { entries, revision: atRev, more }
    })
  }

  create(key: string, value: Uint8Array): Promise<Entry> {
    return this.#write({ op: 'create', key, value })
  }

  update(key: string, value: Uint8Array, expectedRevision: number): Promise<Entry> {
    return this.#write({ op: 'update', key, value, expected: expectedRevision })
  }

  delete(key: string, expectedRevision?: number): Promise<Entry> {
    return this.#write({ op: 'delete', key, expected: expectedRevision })
  }

  watch(prefix: string, fromRevision: number, signal: AbortSignal): AsyncIterable<StoreEvent> {
    if (this.#closed) return failing(new StoreError('Closed', 'store is closed'))
    if (fromRevision < this.#compacted) {
      return failing(new StoreError('Compacted', `revision ${fromRevision} has been compacted (compacted at ${this.#compacted})`))
    }
    const backlog: StoreEvent[] = []
    if (fromRevision < this.#rev) {
      for (const row of this.stmts.since.iterate(fromRevision)) {
        if (row.name.startsWith(prefix)) backlog.push(toEvent(row))
      }
    }
    // live events up to max(now, fromRevision) are either in the backlog or not wanted
    return this.#fanout.subscribe(prefix, backlog, Math.max(this.#rev, fromRevision), signal)
  }

  /** Compacts in chunks of `compactChunk` revisions, yielding between them; calls run one at a time. */
  compact(revision: number): Promise<void> {
    if (this.#closed) return closed()
    const run = async (): Promise<void> => {
      const target = Math.min(revision, this.#rev)
      while (!this.#closed && this.#compacted < target) {
        const from = this.#compacted
        const to = Math.min(target, from + this.opts.compactChunk)
        this.db.transaction(() => {
          this.stmts.deleteSuperseded.run({ from, to })
          this.stmts.deleteTombstones.run({ from, to })
          this.stmts.setMeta.run('compacted', to)
        })()
        this.#compacted = to
        if (to < target) await new Promise((r) => setImmediate(r))
      }
    }
    this.#compacting = this.#compacting.then(run, run)
    return this.#compacting
  }

  compactedRevision(): Promise<number> {
    return this.#read(() => this.#compacted)
  }

  /** Commits writes already issued and waits until they are durable, ends every watch, then closes the database. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#writes.flush(true)
    this.#closed = true
    await this.#writes.acknowledged()
    this.#fanout.close()
    if (this.#walFd !== undefined) closeSync(this.#walFd)
    this.db.close()
  }

  #read<T>(fn: () => T): Promise<T> {
    if (this.#closed) return closed()
    try {
      return Promise.resolve(fn())
    } catch (err) {
      return Promise.reject(err)
    }
  }

  #write(w: Write): Promise<Entry> {
    if (this.#closed) return closed()
    return this.#writes.submit(w)
  }

  /** One batch = one transaction; throws (rolling back everything) only on a database failure. */
  #commit(writes: Write[]): Array<Outcome<Entry>> {
    const startRev = this.#rev
    const started = performance.now()
    const outcomes: Array<Outcome<Entry>> = []
    const events: StoreEvent[] = []
    try {
      this.db.exec('BEGIN IMMEDIATE')
      for (const w of writes) {
        try {
          const ev = this.#apply(w)
          events.push(ev)
          outcomes.push({ ok: true, value: ev.entry })
        } catch (err) {
          // a failed INSERT undoes only itself (SQLite's statement-level ABORT)
          if (!(err instanceof StoreError) && !isConstraintError(err)) throw err
          outcomes.push({ ok: false, error: err })
        }
      }
      this.db.exec('COMMIT')
    } catch (err) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK')
      this.#rev = startRev
      log.error('write batch failed', { writes: writes.length, err })
      throw err
    }
    if (this.path === ':memory:') for (const ev of events) this.#fanout.publish(ev)
    else this.#unpublished.push(events)
    log.debug('committed', { writes: writes.length, revision: this.#rev, ms: performance.now() - started })
    return outcomes
  }

  /** Checks `w` against the key's latest row and appends its row; throws StoreError on refusal. */
  #apply(w: Write): StoreEvent {
    const cur = this.stmts.latest.get(w.key)
    const live = cur && !cur.deleted ? cur : undefined
    const id = this.#rev + 1
    let row: Row
    if (w.op === 'create') {
      if (live) throw new StoreError('AlreadyExists', `key ${w.key} already exists`, toEntry(live))
      row = { id, name: w.key, created: 1, deleted: 0, create_revision: id, prev_revision: cur?.id ?? 0, value: copy(w.value), old_value: null }
    } else {
      if (!live) throw new StoreError('NotFound', `key ${w.key} not found`)
      if (w.expected !== undefined && live.id !== w.expected) {
        throw new StoreError('Conflict', `key ${w.key} is at revision ${live.id}, not ${w.expected}`, toEntry(live))
      }
      const base = { id, name: w.key, created: 0, create_revision: live.create_revision, prev_revision: live.id }
      row = w.op === 'update'
        ? { ...base, deleted: 0, value: copy(w.value), old_value: null }
        : { ...base, deleted: 1, value: live.value, old_value: null }
    }
    this.stmts.insert.run(row)
    this.#rev = id
    // the live event's prev is the row just read, not a stored copy (see rows.ts)
    return toEvent(w.op === 'update' ? { ...row, old_value: live!.value } : row)
  }
}

const closed = <T>(): Promise<T> => Promise.reject(new StoreError('Closed', 'store is closed'))
const failing = (err: StoreError): AsyncIterable<StoreEvent> => ({
  [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(err) }),
})
/** Our own copy, so a caller reusing its buffer cannot change what watchers were sent. */
const copy = (v: Uint8Array): Buffer => Buffer.from(v)
const isConstraintError = (err: unknown): boolean =>
  typeof (err as { code?: unknown }).code === 'string' && (err as { code: string }).code.startsWith('SQLITE_CONSTRAINT')
