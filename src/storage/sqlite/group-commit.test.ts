import { test } from 'node:test'
import assert from 'node:assert/strict'
import { GroupCommit } from './group-commit.js'
import type { Outcome } from './group-commit.js'

/** A GroupCommit over numbers that records its batches; negative numbers fail on their own. */
function recorder(maxBatch?: number): { gc: GroupCommit<number, number>; batches: number[][] } {
  const batches: number[][] = []
  const commit = (ws: number[]): Array<Outcome<number>> => {
    batches.push(ws)
    return ws.map((w) => (w < 0 ? { ok: false, error: new Error(`bad ${w}`) } : { ok: true, value: w * 10 }))
  }
  return { gc: new GroupCommit(commit, maxBatch), batches }
}

void test('GroupCommit batches writes submitted in the same turn, each with its own outcome', async () => {
  const { gc, batches } = recorder()
  const results = await Promise.allSettled([gc.submit(1), gc.submit(-2), gc.submit(3)])
  assert.deepEqual(batches, [[1, -2, 3]])
  assert.deepEqual(results.map((r) => (r.status === 'fulfilled' ? r.value : 'rejected')), [10, 'rejected', 30])
})

void test('GroupCommit: writes issued after an acknowledgement form the next batch', async () => {
  const { gc, batches } = recorder()
  await Promise.all([gc.submit(1), gc.submit(2)])
  await Promise.all([gc.submit(3)])
  assert.deepEqual(batches, [[1, 2], [3]])
})

void test('GroupCommit splits a backlog into batches of at most maxBatch', async () => {
  const { gc, batches } = recorder(2)
  await Promise.all([1, 2, 3, 4, 5].map((w) => gc.submit(w)))
  assert.deepEqual(batches, [[1, 2], [3, 4], [5]])
})

void test('GroupCommit rejects the whole batch when commit throws', async () => {
  const gc = new GroupCommit<number, number>(() => {
    throw new Error('disk full')
  })
  const results = await Promise.allSettled([gc.submit(1), gc.submit(2)])
  assert.deepEqual(results.map((r) => r.status), ['rejected', 'rejected'])
})

void test('GroupCommit.flush(true) commits everything queued, synchronously', () => {
  const { gc, batches } = recorder(2)
  for (const w of [1, 2, 3]) void gc.submit(w)
  gc.flush(true)
  assert.deepEqual(batches, [[1, 2], [3]])
})

void test('GroupCommit with durability acknowledges a batch only after its sync, batches in order, settled() first', async () => {
  const syncs: Array<() => void> = []
  const log: string[] = []
  const gc = new GroupCommit<number, number>((ws) => ws.map((w) => ({ ok: true, value: w })), 1000, {
    sync: () => new Promise<void>((resolve) => syncs.push(resolve)),
    settled: () => log.push('settled'),
  })
  const first = gc.submit(1).then((v) => log.push(`ack ${v}`))
  await new Promise((r) => setImmediate(r))
  const second = gc.submit(2).then((v) => log.push(`ack ${v}`))
  await new Promise((r) => setImmediate(r))
  assert.equal(syncs.length, 2)
  syncs[1]!() // the later sync finishes first: the earlier batch still goes first
  await new Promise((r) => setImmediate(r))
  assert.deepEqual(log, [])
  syncs[0]!()
  await Promise.all([first, second, gc.acknowledged()])
  assert.deepEqual(log, ['settled', 'ack 1', 'settled', 'ack 2'])
})
