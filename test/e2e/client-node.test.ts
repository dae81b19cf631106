/**
 * A real client library against `kubeling up`: @kubernetes/client-node lists, watches,
 * creates and patches (merge, strategic and server-side apply) over TLS with the token.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { AppsV1Api, CoreV1Api, KubeConfig, KubernetesObjectApi, PatchStrategy, Watch, setHeaderOptions } from '@kubernetes/client-node'
import { removeDir, startCluster } from './harness.js'
import type { Cluster } from './harness.js'

let c: Cluster
let kc: KubeConfig
before(async () => {
  c = await startCluster({ args: ['--nodes', '0'] })
  kc = new KubeConfig()
  kc.loadFromFile(c.kubeconfig)
})
after(async () => {
  await c.stop()
  removeDir(c.dataDir)
  removeDir(c.home)
})

test('client-node creates and lists', async () => {
  const core = kc.makeApiClient(CoreV1Api)
  await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'from-client', labels: { via: 'client-node' } }, data: { a: '1' } } })
  const list = await core.listNamespacedConfigMap({ namespace: 'default', labelSelector: 'via=client-node' })
  assert.deepEqual(list.items.map((i) => i.metadata?.name), ['from-client'])
  const ns = await core.listNamespace()
  assert.ok(ns.items.some((n) => n.metadata?.name === 'kube-system'))
})

test('client-node watches and sees a change', async () => {
  const core = kc.makeApiClient(CoreV1Api)
  const list = await core.listNamespacedConfigMap({ namespace: 'default' })
  const seen: string[] = []
  let stop: AbortController | undefined
  const got = new Promise<void>((resolve, reject) => {
    void new Watch(kc).watch('/api/v1/namespaces/default/configmaps', { resourceVersion: list.metadata?.resourceVersion }, (phase, obj: { metadata: { name: string } }) => {
      seen.push(`${phase} ${obj.metadata.name}`)
      if (seen.includes('ADDED watched-by-client')) resolve()
    }, (err) => { if (err && seen.length === 0) reject(err as Error) }).then((ac) => { stop = ac })
  })
  await new Promise((r) => setTimeout(r, 200))
  await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'watched-by-client' } } })
  await got
  stop?.abort()
  assert.deepEqual(seen, ['ADDED watched-by-client'])
})

test('client-node patches with merge, strategic merge and server-side apply', async () => {
  const apps = kc.makeApiClient(AppsV1Api)
  await apps.createNamespacedStatefulSet({
    namespace: 'default',
    body: {
      metadata: { name: 'cn' },
      spec: { serviceName: 'cn', replicas: 1, selector: { matchLabels: { app: 'cn' } }, template: { metadata: { labels: { app: 'cn' } }, spec: { containers: [{ name: 'main', image: 'nginx', env: [{ name: 'A', value: '1' }] }] } } },
    },
  })
  await apps.patchNamespacedStatefulSet({ name: 'cn', namespace: 'default', body: { spec: { replicas: 2 } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch))
  await apps.patchNamespacedStatefulSet(
    { name: 'cn', namespace: 'default', body: { spec: { template: { spec: { containers: [{ name: 'main', env: [{ name: 'B', value: '2' }] }] } } } } },
    setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
  )
  const sts = await apps.readNamespacedStatefulSet({ name: 'cn', namespace: 'default' })
  assert.equal(sts.spec?.replicas, 2)
  assert.deepEqual(sts.spec?.template.spec?.containers[0]?.env?.map((e) => e.name).sort(), ['A', 'B'], 'strategic merge keeps both env entries')

  const objects = KubernetesObjectApi.makeApiClient(kc)
  const applied = await objects.patch(
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ssa-client', namespace: 'default' }, data: { k: 'v' } },
    undefined, undefined, 'client-node-test', true, PatchStrategy.ServerSideApply,
  )
  assert.equal((applied as { data?: Record<string, string> }).data?.['k'], 'v')
  const managed = (applied.metadata as { managedFields?: Array<{ manager: string; operation: string }> }).managedFields ?? []
  assert.ok(managed.some((m) => m.manager === 'client-node-test' && m.operation === 'Apply'))
})
