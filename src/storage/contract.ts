import { test } from 'node:test'
import assert from 'node:assert/strict'
import { isStoreError } from './store.js'
import type { Entry, Store, StoreError, StoreErrorCode, StoreEvent } from './store.js'

/**
 * The behaviour every Store must have, as one node:test suite (Hono's `runTest` idea).
 * Each backend's test file calls `runStoreContract('memory', () => …)`; every test gets
 * a fresh, empty store from `newStore` and closes it at the end.
 *
 * @example
 * runStoreContract('memory', () => Promise.resolve(new MemoryStore()))
 */
export function runStoreContract(name: string, newStore: () => Promise<Store>): void {
  const it = (title: string, fn: (s: Store) => Promise<void>): void => {
    void test(`${name}: ${title}`, { timeout: 10_000 }, async () => {
      const store = await newStore()
      try {
        await fn(store)
      } finally {
        await store.close()
      }
    })
  }

  it('revision() increases with every create, update and delete', async (s) => {
    const r0 = await s.revision()
    const created = await s.create('/a', bytes('1'))
    assert.ok(created.modRevision > r0)
    assert.equal(created.createRevision, created.modRevision)
    assert.equal(await s.revision(), created.modRevision)
    const updated = await s.update('/a', bytes('2'), created.modRevision)
    assert.ok(updated.modRevision > created.modRevision)
    assert.equal(updated.createRevision, created.createRevision)
    const deleted = await s.delete('/a')
    assert.ok(deleted.modRevision > updated.modRevision)
    assert.equal(await s.revision(), deleted.modRevision)
  })

  it('create() fails with AlreadyExists on an existing key, and works again after delete', async (s) => {
    const first = await s.create('/a', bytes('1'))
    await rejectsWith(s.create('/a', bytes('2')), 'AlreadyExists')
    assert.equal(text((await s.get('/a'))?.value), '1')
    await s.delete('/a')
    const again = await s.create('/a', bytes('3'))
    assert.ok(again.createRevision > first.createRevision)
    assert.equal(again.createRevision, again.modRevision)
  })

  it('update() with a stale revision fails with Conflict carrying the current entry', async (s) => {
    const v1 = await s.create('/a', bytes('1'))
    const v2 = await s.update('/a', bytes('2'), v1.modRevision)
    const err = await rejectsWith(s.update('/a', bytes('3'), v1.modRevision), 'Conflict')
    assert.ok(err.current)
    assert.equal(err.current.modRevision, v2.modRevision)
    assert.equal(text(err.current.value), '2')
    assert.equal(text((await s.get('/a'))?.value), '2')
  })

  it('update() and delete() of a missing or deleted key fail with NotFound', async (s) => {
    await rejectsWith(s.update('/missing', bytes('x'), 1), 'NotFound')
    await rejectsWith(s.delete('/missing'), 'NotFound')
    const a = await s.create('/a', bytes('1'))
    await s.delete('/a')
    await rejectsWith(s.update('/a', bytes('2'), a.modRevision), 'NotFound')
    await rejectsWith(s.delete('/a'), 'NotFound')
  })

  it('delete() honours expectedRevision and returns the last value at the delete revision', async (s) => {
    const v1 = await s.create('/a', bytes('1'))
    const v2 = await s.update('/a', bytes('2'), v1.modRevision)
    const err = await rejectsWith(s.delete('/a', v1.modRevision), 'Conflict')
    assert.equal(err.current?.modRevision, v2.modRevision)
    const deleted = await s.delete('/a', v2.modRevision)
    assert.equal(text(deleted.value), '2')
    assert.equal(deleted.createRevision, v1.createRevision)
    assert.ok(deleted.modRevision > v2.modRevision)
    assert.equal(await s.get('/a'), undefined)
  })

  it('get() returns the current entry, or undefined', async (s) => {
    assert.equal(await s.get('/a'), undefined)
    const v1 = await s.create('/a', bytes('1'))
    const v2 = await s.update('/a', bytes('2'), v1.modRevision)
    const got = await s.get('/a')
    assert.deepEqual(got && plain(got), plain(v2))
  })

  it('values round-trip byte for byte, including empty and binary ones', async (s) => {
    const binary = new Uint8Array([0, 255, 1, 0, 128])
    await s.create('/bin', binary)
    await s.create('/empty', new Uint8Array(0))
    assert.deepEqual([...(await s.get('/bin'))!.value], [...binary])
    assert.equal((await s.get('/empty'))!.value.length, 0)
  })

  it('list() returns live entries under a prefix, sorted by key', async (s) => {
    for (const k of ['/p/c', '/p/a', '/q/x', '/p/b', '/pp', '/p/d']) await s.create(k, bytes(k))
    await s.delete('/p/d')
    const res = await s.list('/p/')
    assert.deepEqual(keys(res.entries), ['/p/a', '/p/b', '/p/c'])
    assert.equal(res.revision, await s.revision())
    assert.equal(res.more, false)
    assert.equal(text(res.entries[0]?.value), '/p/a')
    assert.deepEqual(keys((await s.list('')).entries), ['/p/a', '/p/b', '/p/c', '/pp', '/q/x'])
    assert.deepEqual(keys((await s.list('/none/')).entries), [])
  })

  it('list() paginates with limit and after, reporting more', async (s) => {
    for (const k of ['/p/1', '/p/2', '/p/3', '/p/4', '/p/5']) await s.create(k, bytes(k))
    const page1 = await s.list('/p/', { limit: 2 })
    assert.deepEqual(keys(page1.entries), ['/p/1', '/p/2'])
    assert.equal(page1.more, true)
    const page2 = await s.list('/p/', { limit: 2, after: '/p/2', revision: page1.revision })
    assert.deepEqual(keys(page2.entries), ['/p/3', '/p/4'])
    assert.equal(page2.more, true)
    const page3 = await s.list('/p/', { limit: 2, after: '/p/4', revision: page1.revision })
    assert.deepEqual(keys(page3.entries), ['/p/5'])
    assert.equal(page3.more, false)
    const exact = await s.list('/p/', { limit: 5 })
    assert.equal(exact.more, false)
  })

  it('list() at a past revision returns a consistent snapshot', async (s) => {
    const a = await s.create('/p/a', bytes('a1'))
    await s.create('/p/b', bytes('b1'))
    const at = await s.revision()
    await s.update('/p/a', bytes('a2'), a.modRevision)
    await s.delete('/p/b')
    await s.create('/p/c', bytes('c1'))
    const past = await s.list('/p/', { revision: at })
    assert.equal(past.revision, at)
    assert.deepEqual(past.entries.map((e) => [e.key, text(e.value), e.modRevision]), [
      ['/p/a', 'a1', a.modRevision],
      ['/p/b', 'b1', at],
    ])
    const now = await s.list('/p/')
    assert.deepEqual(now.entries.map((e) => [e.key, text(e.value)]), [['/p/a', 'a2'], ['/p/c', 'c1']])
  })

  it('list() at a future revision fails with FutureRevision', async (s) => {
    await s.create('/a', bytes('1'))
    await rejectsWith(s.list('', { revision: (await s.revision()) + 1 }), 'FutureRevision')
  })

  it('compact() forgets history: older list revisions fail with Compacted, current values stay', async (s) => {
    const a = await s.create('/p/a', bytes('a1'))
    const early = await s.revision()
    await s.update('/p/a', bytes('a2'), a.modRevision)
    await s.create('/p/b', bytes('b1'))
    await s.delete('/p/b')
    await s.create('/p/c', bytes('c1'))
    const at = await s.revision()
    await s.compact(at - 1)
    assert.equal(await s.compactedRevision(), at - 1)
    await rejectsWith(s.list('/p/', { revision: early }), 'Compacted')
    const atCompacted = await s.list('/p/', { revision: at - 1 })
    assert.deepEqual(atCompacted.entries.map((e) => [e.key, text(e.value)]), [['/p/a', 'a2']])
    assert.deepEqual(keys((await s.list('/p/')).entries), ['/p/a', '/p/c'])
    await s.compact(early) // never goes backwards
    assert.equal(await s.compactedRevision(), at - 1)
    const c = await s.get('/p/c')
    await s.update('/p/c', bytes('c2'), c!.modRevision)
    await s.create('/p/b', bytes('b2')) // a compacted tombstone does not block re-creation
    assert.deepEqual(keys((await s.list('/p/')).entries), ['/p/a', '/p/b', '/p/c'])
  })

  it('watch() from a past revision replays history in order, then delivers live events', async (s) => {
    const a = await s.create('/a', bytes('1'))
    const from = a.modRevision
    const a2 = await s.update('/a', bytes('2'), a.modRevision)
    await s.create('/b', bytes('1'))
    const ac = new AbortController()
    const w = watcher(s.watch('', from, ac.signal))
    const replay = await w.take(2)
    assert.deepEqual(replay.map(summary), ['put /a 2', 'put /b 1'])
    assert.equal(replay[0]?.type === 'put' && replay[0].prev?.modRevision, a.modRevision)
    await s.delete('/a', a2.modRevision)
    await s.create('/c', bytes('1'))
    const live = await w.take(2)
    assert.deepEqual(live.map(summary), ['delete /a 2', 'put /c 1'])
    const revs = [...replay, ...live].map((e) => e.entry.modRevision)
    assert.deepEqual(revs, [...revs].sort((x, y) => x - y))
    ac.abort()
  })

  it('watch() from the current revision delivers only later events', async (s) => {
    await s.create('/a', bytes('1'))
    const ac = new AbortController()
    const w = watcher(s.watch('', await s.revision(), ac.signal))
    await s.create('/b', bytes('1'))
    assert.deepEqual((await w.take(1)).map(summary), ['put /b 1'])
    ac.abort()
  })

  it('watch() from a future revision skips events up to that revision', async (s) => {
    const ac = new AbortController()
    const w = watcher(s.watch('', (await s.revision()) + 2, ac.signal))
    for (const k of ['/1', '/2', '/3', '/4']) await s.create(k, bytes('x'))
    assert.deepEqual((await w.take(2)).map(summary), ['put /3 x', 'put /4 x'])
    ac.abort()
  })

  it('watch() filters by prefix, in history and live', async (s) => {
    await s.create('/p/a', bytes('1'))
    await s.create('/q/a', bytes('1'))
    const ac = new AbortController()
    const w = watcher(s.watch('/p/', 0, ac.signal))
    await s.create('/q/b', bytes('1'))
    await s.create('/p/b', bytes('1'))
    assert.deepEqual((await w.take(2)).map(summary), ['put /p/a 1', 'put /p/b 1'])
    ac.abort()
  })

  it('watch() from a compacted revision fails with Compacted', async (s) => {
    const a = await s.create('/a', bytes('1'))
    await s.update('/a', bytes('2'), a.modRevision)
    await s.create('/b', bytes('1'))
    const at = await s.revision()
    await s.compact(at)
    const ac = new AbortController()
    await rejectsWith(watcher(s.watch('', a.modRevision, ac.signal)).take(1), 'Compacted')
    const w = watcher(s.watch('', at, ac.signal)) // from the compacted revision itself is fine
    await s.create('/c', bytes('1'))
    assert.deepEqual((await w.take(1)).map(summary), ['put /c 1'])
    ac.abort()
  })

  it('delete and update events carry the previous entry, also when replayed after compaction', async (s) => {
    const a = await s.create('/a', bytes('1'))
    const a2 = await s.update('/a', bytes('2'), a.modRevision)
    await s.compact(a2.modRevision - 1)
    const ac = new AbortController()
    const w = watcher(s.watch('', a2.modRevision - 1, ac.signal))
    const deleted = await s.delete('/a')
    const [update, del] = await w.take(2)
    assert.ok(update?.type === 'put' && update.prev)
    assert.deepEqual(plain(update.prev), plain(a))
    assert.ok(del?.type === 'delete')
    assert.deepEqual(plain(del.entry), plain(deleted))
    assert.deepEqual(plain(del.prev), plain(a2))
    ac.abort()
  })

  it('concurrent writes each get their own revision and their own outcome', async (s) => {
    const created = await Promise.all(Array.from({ length: 50 }, (_, i) => s.create(`/c/${i}`, bytes(String(i)))))
    const revs = created.map((e) => e.modRevision)
    assert.equal(new Set(revs).size, revs.length)
    assert.equal(await s.revision(), Math.max(...revs))
    assert.equal((await s.list('/c/')).entries.length, 50)
    // racing updates from the same revision: exactly one wins, the rest conflict
    const base = created[0]!
    const outcomes = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) => s.update(base.key, bytes(`u${i}`), base.modRevision)),
    )
    assert.equal(outcomes.filter((o) => o.status === 'fulfilled').length, 1)
    for (const o of outcomes) if (o.status === 'rejected') assert.ok(isStoreError(o.reason, 'Conflict'))
    // a failing write in the middle of a burst does not fail its neighbours
    const mixed = await Promise.allSettled([s.create('/m/1', bytes('1')), s.create('/c/1', bytes('dup')), s.create('/m/2', bytes('2'))])
    assert.deepEqual(mixed.map((o) => o.status), ['fulfilled', 'rejected', 'fulfilled'])
  })

  it('aborting the signal ends the watch iterator', async (s) => {
    const ac = new AbortController()
    const it = s.watch('', 0, ac.signal)[Symbol.asyncIterator]()
    const pending = it.next()
    ac.abort()
    assert.deepEqual(await pending, { value: undefined, done: true })
    const pre = new AbortController()
    pre.abort()
    assert.equal((await s.watch('', 0, pre.signal)[Symbol.asyncIterator]().next()).done, true)
  })

  it('close() ends open watches and makes later calls fail with Closed', async (s) => {
    await s.create('/a', bytes('1'))
    const it = s.watch('', await s.revision(), new AbortController().signal)[Symbol.asyncIterator]()
    const pending = it.next()
    await s.close()
    assert.equal((await pending).done, true)
    await rejectsWith(s.create('/b', bytes('1')), 'Closed')
    await rejectsWith(s.get('/a'), 'Closed')
    await rejectsWith(s.list(''), 'Closed')
    await s.close() // idempotent
  })
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()
const bytes = (s: string): Uint8Array => encoder.encode(s)
const text = (b: Uint8Array | undefined): string | undefined => (b === undefined ? undefined : decoder.decode(b))
const keys = (entries: Entry[]): string[] => entries.map((e) => e.key)
/** Entry with its value as text, so Buffer and Uint8Array values compare equal. */
const plain = (e: Entry): object => ({ ...e, value: text(e.value) })
const summary = (ev: StoreEvent): string => `${ev.type} ${ev.entry.key} ${text(ev.entry.value)}`

async function rejectsWith(p: Promise<unknown>, code: StoreErrorCode): Promise<StoreError> {
  try {
    await p
  } catch (err) {
    assert.ok(isStoreError(err, code), `expected StoreError ${code}, got ${String(err)}`)
    return err
  }
  assert.fail(`expected StoreError ${code}, but the call succeeded`)
}

/** Reads a watch stream a few events at a time. */
function watcher(stream: AsyncIterable<StoreEvent>): { take(n: number): Promise<StoreEvent[]> } {
  const it = stream[Symbol.asyncIterator]()
  return {
    async take(n) {
      const out: StoreEvent[] = []
      while (out.length < n) {
        const r = await it.next()
        if (r.done) assert.fail(`watch ended after ${out.length} of ${n} events`)
        out.push(r.value)
      }
      return out
    },
  }
}
