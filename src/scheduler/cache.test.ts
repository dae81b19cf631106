import { test } from 'node:test'
import assert from 'node:assert/strict'
import { SchedulerCache } from './cache.js'
import { SchedulingQueue } from './queue.js'
import { podInfo } from './pod-info.js'
import { makeNode, makePod, onNode, requests } from './testing.js'

test('SchedulerCache: assume accounts a pod at once, forget undoes it, the informer confirms it', () => {
  const c = new SchedulerCache()
  c.setNode(makeNode('n1'))
  const p = podInfo(makePod('p', requests({ cpu: '1' })))
  c.assume(p, 'n1')
  assert.equal(c.node('n1')?.requested.get('cpu'), 1000)
  assert.equal(c.isAssumed('default/p'), true)
  c.forget('default/p')
  assert.equal(c.node('n1')?.requested.get('cpu'), 0)
  c.assume(p, 'n1')
  c.setPod(makePod('p', requests({ cpu: '1' }), onNode('n1')))
  assert.equal(c.isAssumed('default/p'), false)
  c.forget('default/p') // confirmed: forget is a no-op
  assert.equal(c.node('n1')?.pods.size, 1)
})

test('SchedulerCache: pods bound to a node it does not know yet are placed when the node arrives', () => {
  const c = new SchedulerCache()
  c.setPod(makePod('p', onNode('later')))
  assert.equal(c.nodes.length, 0)
  c.setNode(makeNode('later'))
  assert.equal(c.node('later')?.pods.size, 1)
  c.removeNode('later')
  c.setNode(makeNode('later'))
  assert.equal(c.node('later')?.pods.size, 1)
})

test('SchedulerCache: counts placed pods with required anti-affinity', () => {
  const c = new SchedulerCache()
  c.setNode(makeNode('n1'))
  const anti = makePod('a', onNode('n1'), (p) => {
    p.spec!.affinity = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { x: 'y' } }, topologyKey: 'kubernetes.io/hostname' }] } }
  })
  c.setPod(anti)
  c.setPod(anti)
  assert.equal(c.podsWithRequiredAntiAffinity, 1)
  c.removePod('default/a')
  assert.equal(c.podsWithRequiredAntiAffinity, 0)
})

test('SchedulingQueue: higher priority first, then arrival order; unschedulable pods wait for a change', async () => {
  const q = new SchedulingQueue({ initialBackoffMs: 1, maxBackoffMs: 1 })
  q.add('a', 0)
  q.add('b', 10)
  q.add('c', 0)
  assert.deepEqual([await q.pop(), await q.pop(), await q.pop()], ['b', 'a', 'c'])
  q.requeue('a', true)
  let got: string | undefined
  void q.pop().then((k) => { got = k })
  await new Promise((r) => setTimeout(r, 20))
  assert.equal(got, undefined)
  q.moveAllToActive()
  await new Promise((r) => setTimeout(r, 20))
  assert.equal(got, 'a')
  q.close()
})
