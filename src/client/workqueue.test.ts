import { test } from 'node:test'
import assert from 'node:assert/strict'
import { WorkQueue } from './workqueue.js'

test('WorkQueue de-duplicates queued keys', async () => {
  const q = new WorkQueue()
  q.add('a')
  q.add('a')
  q.add('b')
  assert.equal(q.length, 2)
  assert.equal(await q.get(), 'a')
  assert.equal(await q.get(), 'b')
})

test('WorkQueue never hands out a key being processed; re-adds it after done()', async () => {
  const q = new WorkQueue()
  q.add('a')
  const k = await q.get()
  q.add('a') // while processing
  assert.equal(q.length, 0)
  q.done(k!)
  assert.equal(q.length, 1)
  assert.equal(await q.get(), 'a')
})

test('WorkQueue backs off exponentially per key and forget() resets it', () => {
  const q = new WorkQueue({ baseDelayMs: 1 })
  q.addRateLimited('x')
  q.addRateLimited('x')
  assert.equal(q.retries('x'), 2)
  q.forget('x')
  assert.equal(q.retries('x'), 0)
  q.shutDown()
})

test('WorkQueue.get() resolves undefined after shutDown()', async () => {
  const q = new WorkQueue()
  const pending = q.get()
  q.shutDown()
  assert.equal(await pending, undefined)
})
