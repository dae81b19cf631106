/**
 * `kubeling up` stops cleanly on SIGINT/SIGTERM and a second start on the same data dir
 * resumes the same cluster: same CA and token (the old kubeconfig still works), same objects.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { removeDir, startCluster } from './harness.js'

test('a restarted cluster keeps its objects and credentials', async () => {
  const first = await startCluster({ args: ['--nodes', '0'] })
  first.ok('1.33', ['create', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kept' } }) })
  first.ok('1.33', ['create', '-f', '-', '-n', 'kept'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'survivor' }, data: { a: '1' } }) })
  const rv = first.ok('1.33', ['get', 'cm', 'survivor', '-n', 'kept', '-o', 'jsonpath={.metadata.resourceVersion}'])
  const kubeconfig = readFileSync(first.kubeconfig, 'utf8')
  assert.equal(await first.stop('SIGINT'), 0)
  assert.match(first.output(), /stopped/)

  const second = await startCluster({ args: ['--nodes', '0'], dataDir: first.dataDir })
  try {
    assert.equal(readFileSync(second.kubeconfig, 'utf8').replace(/server: \S+/, ''), kubeconfig.replace(/server: \S+/, ''), 'same CA and token')
    assert.equal(second.ok('1.27', ['get', 'cm', 'survivor', '-n', 'kept', '-o', 'jsonpath={.data.a} {.metadata.resourceVersion}']), `1 ${rv}`)
    second.ok('1.27', ['create', 'configmap', 'after-restart', '-n', 'kept'])
    const newRv = Number(second.ok('1.27', ['get', 'cm', 'after-restart', '-n', 'kept', '-o', 'jsonpath={.metadata.resourceVersion}']))
    assert.ok(newRv > Number(rv), 'revisions keep increasing across restarts')
  } finally {
    assert.equal(await second.stop('SIGTERM'), 0)
    removeDir(first.dataDir)
    removeDir(first.home)
    removeDir(second.home)
  }
})
