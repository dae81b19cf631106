/**
 * Storage through real kubectl (1.27 and 1.33) on `kubeling up --nodes 3`: the seed's storage
 * steps (S1, S2, S11 around S4/S9) with its own manifests, every reclaim policy, both
 * protections, the default class, dynamic provisioning and expansion.
 *
 * The seed's PVs are hostPath `/tmp/data` (both). A developer's existing /tmp/data is moved
 * aside for the duration and put back afterwards; the tests work on a fresh, empty one.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { SEED_MANIFESTS, removeDir, startCluster } from './harness.js'
import type { Cluster } from './harness.js'

const SEED_DATA = '/tmp/data'
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** Moves a developer's /tmp/data aside and makes a fresh empty one; returns the undo. */
function freshSeedData(): () => void {
  const backup = `${SEED_DATA}.kubeling-e2e-backup-${process.pid}-${Date.now()}`
  const had = existsSync(SEED_DATA)
  if (had) renameSync(SEED_DATA, backup)
  mkdirSync(SEED_DATA, { recursive: true })
  return () => {
    rmSync(SEED_DATA, { recursive: true, force: true })
    if (had) renameSync(backup, SEED_DATA)
  }
}

const DYN = `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: dyn
spec:
  serviceName: dyn
  replicas: 2
  selector:
    matchLabels: {app: dyn}
  template:
    metadata:
      labels: {app: dyn}
    spec:
      containers:
      - name: main
        image: nginx:1
        volumeMounts: [{name: data, mountPath: /data}]
  volumeClaimTemplates:
  - metadata: {name: data}
    spec:
      accessModes: [ReadWriteOnce]
      resources: {requests: {storage: 2Gi}}
`

const PVC = (name: string, storageClass: string | undefined, size: string): string => `apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: ${name}
spec:
${storageClass !== undefined ? `  storageClassName: "${storageClass}"\n` : ''}  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: ${size}}}
`

const PV = (name: string, path: string, policy: string, storageClass: string): string => `apiVersion: v1
kind: PersistentVolume
metadata:
  name: ${name}
spec:
  storageClassName: ${storageClass}
  capacity: {storage: 1Gi}
  accessModes: [ReadWriteOnce]
  persistentVolumeReclaimPolicy: ${policy}
  hostPath: {path: ${path}}
`

for (const version of ['1.27', '1.33']) {
  describe(`volumes with kubectl ${version} on kubeling up --nodes 3`, () => {
    let c: Cluster
    let restoreSeedData: () => void
    const k = (...args: string[]): string => c.ok(version, args)
    const kin = (input: string, ...args: string[]): string => c.ok(version, args, { input })
    async function until(what: string, args: string[], check: (out: string) => boolean, timeoutMs = 60_000): Promise<string> {
      const deadline = Date.now() + timeoutMs
      let out = ''
      for (;;) {
        const r = c.kubectl(version, args)
        out = r.stdout + r.stderr
        if (r.code === 0 && check(r.stdout)) return r.stdout
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last output of kubectl ${args.join(' ')}:\n${out}`)
        await sleep(250)
      }
    }
    const jsonpath = (kind: string, name: string, path: string): string => k('get', kind, name, '-o', `jsonpath=${path}`)
    /** claim → volume, from `kubectl get pv` */
    const bindings = (): Record<string, string> => Object.fromEntries(
      k('get', 'pv', '-o', 'jsonpath={range .items[*]}{.spec.claimRef.namespace}/{.spec.claimRef.name}={.metadata.name}{"\\n"}{end}')
        .trim().split('\n').filter((l) => !l.startsWith('/=')).map((l) => l.split('=') as [string, string]))

    before(async () => {
      restoreSeedData = freshSeedData()
      c = await startCluster({ args: ['--nodes', '3'] })
    })
    after(async () => {
      await c.stop()
      removeDir(c.dataDir)
      removeDir(c.home)
      restoreSeedData()
    })

    test('S1: kubectl create -f pv001.yaml && kubectl create -f pv002.yaml', () => {
      assert.match(k('create', '-f', join(SEED_MANIFESTS, 'pv001.yaml')), /persistentvolume\/pv001 created/)
      assert.match(k('create', '-f', join(SEED_MANIFESTS, 'pv002.yaml')), /persistentvolume\/pv002 created/)
    })

    test('S2: kubectl get pv shows both volumes 1Gi RWO Recycle Available, no CLAIM, in upstream columns', async () => {
      const out = await until('both Available', ['get', 'pv'], (o) => (o.match(/\sAvailable\s/g) ?? []).length === 2)
      assert.match(out, /^NAME\s+CAPACITY\s+ACCESS MODES\s+RECLAIM POLICY\s+STATUS\s+CLAIM\s+STORAGECLASS\s+VOLUMEATTRIBUTESCLASS\s+REASON\s+AGE$/m)
      for (const pv of ['pv001', 'pv002']) assert.match(out, new RegExp(`^${pv}\\s+1Gi\\s+RWO\\s+Recycle\\s+Available\\s+<unset>\\s+\\d+s$`, 'm'))
      assert.equal(jsonpath('pv', 'pv001', '{.spec.claimRef}'), '')
      assert.equal(jsonpath('pv', 'pv001', '{.metadata.finalizers}'), '["kubernetes.io/pv-protection"]')
    })

    test('the default StorageClass is standard: local-path, WaitForFirstConsumer, expandable', () => {
      assert.match(k('get', 'storageclass'), /^standard \(default\)\s+kubeling\.dev\/local-path\s+Delete\s+WaitForFirstConsumer\s+true\s/m)
    })

    test('S4, S11: the seed StatefulSet\'s claims bind to pv001 and pv002; PVCs Bound 1Gi RWO', async () => {
      const created = k('create', '-f', join(SEED_MANIFESTS, 'statefulset-demo.yaml'))
      assert.match(created, /statefulset\.apps\/web created/)
      await until('web READY 2/2', ['get', 'statefulset', 'web'], (o) => /^web\s+2\/2\s/m.test(o), 90_000)
      const pvc = await until('both claims Bound', ['get', 'pvc'], (o) => (o.match(/\sBound\s/g) ?? []).length === 2)
      assert.match(pvc, /^NAME\s+STATUS\s+VOLUME\s+CAPACITY\s+ACCESS MODES\s+STORAGECLASS\s+VOLUMEATTRIBUTESCLASS\s+AGE$/m)
      assert.match(pvc, /^www-web-0\s+Bound\s+pv001\s+1Gi\s+RWO\s+<unset>\s+\d+s$/m)
      assert.match(pvc, /^www-web-1\s+Bound\s+pv002\s+1Gi\s+RWO\s+<unset>\s+\d+s$/m)
      const pv = await until('both volumes Bound', ['get', 'pv'], (o) => (o.match(/\sBound\s/g) ?? []).length === 2)
      assert.match(pv, /^pv001\s+1Gi\s+RWO\s+Recycle\s+Bound\s+default\/www-web-0\s+<unset>\s+\d+s$/m)
      assert.match(pv, /^pv002\s+1Gi\s+RWO\s+Recycle\s+Bound\s+default\/www-web-1\s+<unset>\s+\d+s$/m)
      const describe = k('describe', 'pvc', 'www-web-0')
      assert.match(describe, /pv\.kubernetes\.io\/bind-completed: yes/)
      assert.match(describe, /Finalizers:\s+\[kubernetes\.io\/pvc-protection\]/)
      assert.match(describe, /Used By:\s+web-0/)
    })

    test('S9, S11: after kubectl delete pod -l role=stateful the same claims stay bound to the same volumes', async () => {
      const claimUids = k('get', 'pvc', '-o', 'jsonpath={.items[*].metadata.uid}')
      const podUids = k('get', 'pods', '-l', 'role=stateful', '-o', 'jsonpath={.items[*].metadata.uid}')
      const out = k('delete', 'pod', '-l', 'role=stateful')
      assert.match(out, /pod "web-0" deleted/)
      assert.match(out, /pod "web-1" deleted/)
      await until('both back and Running', ['get', 'pods', '-l', 'role=stateful', '-o', 'jsonpath={range .items[*]}{.metadata.uid} {.status.phase}{"\\n"}{end}'],
        (o) => o.trim().split('\n').length === 2 && o.trim().split('\n').every((l) => l.endsWith('Running') && !podUids.includes(l.split(' ')[0]!)), 90_000)
      assert.equal(k('get', 'pvc', '-o', 'jsonpath={.items[*].metadata.uid}'), claimUids, 'the same claims')
      assert.deepEqual(bindings(), { 'default/www-web-0': 'pv001', 'default/www-web-1': 'pv002' })
      assert.match(k('get', 'pvc'), /^www-web-1\s+Bound\s+pv002\s+1Gi\s+RWO\s/m)
    })

    test('scaling the set to 0 and back keeps the claims bound to the same volumes', async () => {
      const claimUids = k('get', 'pvc', '-o', 'jsonpath={.items[*].metadata.uid}')
      assert.match(k('scale', 'statefulset', 'web', '--replicas=0'), /statefulset\.apps\/web scaled/)
      await until('no pods', ['get', 'pods', '-l', 'role=stateful', '-o', 'name'], (o) => o.trim() === '', 90_000)
      assert.match(await until('claims still Bound', ['get', 'pvc'], (o) => (o.match(/\sBound\s/g) ?? []).length === 2), /^www-web-0\s+Bound\s+pv001/m)
      k('scale', 'statefulset', 'web', '--replicas=2')
      await until('web READY 2/2', ['get', 'statefulset', 'web'], (o) => /^web\s+2\/2\s/m.test(o), 90_000)
      assert.equal(k('get', 'pvc', '-o', 'jsonpath={.items[*].metadata.uid}'), claimUids, 'the same claims')
      assert.deepEqual(bindings(), { 'default/www-web-0': 'pv001', 'default/www-web-1': 'pv002' })
    })

    test('Recycle: a deleted claim stays Terminating while web-1 uses it; then pv002 is scrubbed and Available again', async () => {
      mkdirSync(join(SEED_DATA, 'sub'), { recursive: true })
      writeFileSync(join(SEED_DATA, 'index.html'), 'hello from web')
      writeFileSync(join(SEED_DATA, '.hidden'), 'x')
      writeFileSync(join(SEED_DATA, 'sub', 'f'), 'x')
      assert.match(k('delete', 'pvc', 'www-web-1', '--wait=false'), /persistentvolumeclaim "www-web-1" deleted/)
      await sleep(1000)
      assert.match(k('get', 'pvc', 'www-web-1'), /^www-web-1\s+Terminating\s+pv002\s/m, 'pvc-protection keeps it while web-1 runs')
      assert.match(k('get', 'pv', 'pv002'), /^pv002\s+1Gi\s+RWO\s+Recycle\s+Bound\s+default\/www-web-1\s/m)
      assert.ok(existsSync(join(SEED_DATA, 'index.html')), 'data untouched while in use')
      k('scale', 'statefulset', 'web', '--replicas=1')
      await until('claim gone', ['get', 'pvc', '-o', 'name'], (o) => !o.includes('www-web-1'), 90_000)
      const pv = await until('pv002 Available', ['get', 'pv', 'pv002'], (o) => /\sAvailable\s/.test(o))
      assert.match(pv, /^pv002\s+1Gi\s+RWO\s+Recycle\s+Available\s+<unset>\s+\d+s$/m, 'no CLAIM any more')
      assert.deepEqual(readdirSync(SEED_DATA), [], '/tmp/data is empty')
      assert.match(k('describe', 'pv', 'pv002'), /VolumeRecycled\s+.*Volume recycled/)
      assert.match(k('get', 'pv', 'pv001'), /^pv001\s.*\sBound\s+default\/www-web-0\s/m, 'pv001 keeps its claim')
      // Scaling back creates a new www-web-1, which takes the recycled volume.
      k('scale', 'statefulset', 'web', '--replicas=2')
      await until('www-web-1 Bound to pv002 again', ['get', 'pvc', 'www-web-1'], (o) => /^www-web-1\s+Bound\s+pv002\s/m.test(o), 90_000)
    })

    test('Retain: when its claim goes the volume is Released and kept, CLAIM still shown', async () => {
      const dir = join(c.dataDir, 'retained')
      mkdirSync(dir, { recursive: true })
      writeFileSync(join(dir, 'keep'), 'x')
      kin(PV('keep', dir, 'Retain', 'manual'), 'create', '-f', '-')
      kin(PVC('keeper', 'manual', '500Mi'), 'create', '-f', '-')
      await until('keeper Bound', ['get', 'pvc', 'keeper'], (o) => /^keeper\s+Bound\s+keep\s+1Gi\s+RWO\s+manual\s/m.test(o))
      k('delete', 'pvc', 'keeper')
      await until('keep Released', ['get', 'pv', 'keep'], (o) => /^keep\s+1Gi\s+RWO\s+Retain\s+Released\s+default\/keeper\s+manual\s/m.test(o))
      await sleep(500)
      assert.match(k('get', 'pv', 'keep'), /\sReleased\s/)
      assert.ok(existsSync(join(dir, 'keep')), 'data kept')
      kin(PVC('keeper', 'manual', '500Mi'), 'create', '-f', '-')
      await sleep(1000)
      assert.match(k('get', 'pvc', 'keeper'), /^keeper\s+Pending\s/m, 'a Released volume is not reused')
      k('delete', 'pvc', 'keeper')
    })

    test('events: FailedBinding without a class, WaitForFirstConsumer for standard', async () => {
      kin(PVC('nothing', '', '3Gi'), 'create', '-f', '-')
      kin(PVC('waiting', 'standard', '1Gi'), 'create', '-f', '-')
      await until('FailedBinding', ['describe', 'pvc', 'nothing'], (o) => /FailedBinding\s+.*no persistent volumes available for this claim and no storage class is set/.test(o))
      await until('WaitForFirstConsumer', ['describe', 'pvc', 'waiting'], (o) => /WaitForFirstConsumer\s+.*waiting for first consumer to be created before binding/.test(o))
      assert.match(k('get', 'pvc', 'waiting'), /^waiting\s+Pending\s+standard\s/m)
      k('delete', 'pvc', 'nothing', 'waiting')
    })

    test('pv-protection: deleting a Bound volume leaves it Terminating until its claim is gone', async () => {
      assert.match(k('delete', 'pv', 'pv001', '--wait=false'), /persistentvolume "pv001" deleted/)
      await sleep(1000)
      assert.match(k('get', 'pv', 'pv001'), /^pv001\s+1Gi\s+RWO\s+Recycle\s+Terminating\s+default\/www-web-0\s/m)
      k('scale', 'statefulset', 'web', '--replicas=0')
      await until('no pods', ['get', 'pods', '-l', 'role=stateful', '-o', 'name'], (o) => o.trim() === '', 90_000)
      k('delete', 'pvc', 'www-web-0')
      await until('pv001 gone', ['get', 'pv', '-o', 'name'], (o) => !o.includes('persistentvolume/pv001'))
    })

    test('dynamic provisioning: a StatefulSet without pre-made volumes gets local-path volumes from standard on its pods\' nodes', async () => {
      kin(DYN, 'apply', '-f', '-')
      await until('dyn READY 2/2', ['get', 'statefulset', 'dyn'], (o) => /^dyn\s+2\/2\s/m.test(o), 90_000)
      const pvc = await until('data claims Bound', ['get', 'pvc', '-l', 'app=dyn'], (o) => (o.match(/\sBound\s/g) ?? []).length === 2)
      for (const i of [0, 1]) {
        assert.match(pvc, new RegExp(`^data-dyn-${i}\\s+Bound\\s+pvc-[0-9a-f-]{36}\\s+2Gi\\s+RWO\\s+standard\\s+<unset>\\s`, 'm'))
        const claim = `data-dyn-${i}`
        const pv = jsonpath('pvc', claim, '{.spec.volumeName}')
        assert.equal(pv, `pvc-${jsonpath('pvc', claim, '{.metadata.uid}')}`)
        assert.match(k('get', 'pv', pv), new RegExp(`^${pv}\\s+2Gi\\s+RWO\\s+Delete\\s+Bound\\s+default/${claim}\\s+standard\\s`, 'm'))
        const node = jsonpath('pod', `dyn-${i}`, '{.spec.nodeName}')
        assert.equal(jsonpath('pv', pv, '{.spec.nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0].values[0]}'), node)
        assert.equal(jsonpath('pvc', claim, '{.metadata.annotations.volume\\.kubernetes\\.io/selected-node}'), node)
        const path = jsonpath('pv', pv, '{.spec.hostPath.path}')
        assert.equal(path, join(c.dataDir, 'volumes', pv))
        assert.ok(existsSync(path), `${path} exists`)
        assert.equal(jsonpath('pv', pv, '{.metadata.annotations.pv\\.kubernetes\\.io/provisioned-by}'), 'kubeling.dev/local-path')
      }
      assert.match(k('describe', 'pvc', 'data-dyn-0'), /ProvisioningSucceeded\s+.*Successfully provisioned volume pvc-/)
      // The pod comes back to the same claim and the same volume.
      const pv0 = jsonpath('pvc', 'data-dyn-0', '{.spec.volumeName}')
      writeFileSync(join(c.dataDir, 'volumes', pv0, 'state'), 'kept')
      k('delete', 'pod', 'dyn-0')
      await until('dyn-0 back', ['get', 'statefulset', 'dyn'], (o) => /^dyn\s+2\/2\s/m.test(o), 90_000)
      assert.equal(jsonpath('pvc', 'data-dyn-0', '{.spec.volumeName}'), pv0)
      assert.ok(existsSync(join(c.dataDir, 'volumes', pv0, 'state')))
    })

    test('expansion: raising a claim\'s request grows its volume and status.capacity', async () => {
      const pv = jsonpath('pvc', 'data-dyn-0', '{.spec.volumeName}')
      assert.match(k('patch', 'pvc', 'data-dyn-0', '-p', '{"spec":{"resources":{"requests":{"storage":"5Gi"}}}}'), /persistentvolumeclaim\/data-dyn-0 patched/)
      await until('claim 5Gi', ['get', 'pvc', 'data-dyn-0'], (o) => /^data-dyn-0\s+Bound\s+\S+\s+5Gi\s/m.test(o))
      assert.match(k('get', 'pv', pv), new RegExp(`^${pv}\\s+5Gi\\s`, 'm'))
      assert.equal(jsonpath('pvc', 'data-dyn-0', '{.status.capacity.storage}'), '5Gi')
      assert.match(k('describe', 'pvc', 'data-dyn-0'), /VolumeResizeSuccessful/)
    })

    test('Delete: removing the set and its claims deletes the provisioned volumes and their directories', async () => {
      const pvs = [0, 1].map((i) => jsonpath('pvc', `data-dyn-${i}`, '{.spec.volumeName}'))
      k('delete', 'statefulset', 'dyn')
      await until('no dyn pods', ['get', 'pods', '-l', 'app=dyn', '-o', 'name'], (o) => o.trim() === '', 90_000)
      k('delete', 'pvc', 'data-dyn-0', 'data-dyn-1')
      await until('volumes gone', ['get', 'pv', '-o', 'name'], (o) => pvs.every((pv) => !o.includes(pv)))
      for (const pv of pvs) assert.ok(!existsSync(join(c.dataDir, 'volumes', pv)), `${pv} directory removed`)
    })

    test('scheduling: a pod whose claim is bound to a local volume pinned to node-2 runs on node-2', async () => {
      const dir = join(c.dataDir, 'pinned')
      mkdirSync(dir, { recursive: true })
      kin(`apiVersion: v1
kind: PersistentVolume
metadata:
  name: pinned
spec:
  storageClassName: pinned
  capacity: {storage: 1Gi}
  accessModes: [ReadWriteOnce]
  persistentVolumeReclaimPolicy: Retain
  local: {path: ${dir}}
  nodeAffinity:
    required:
      nodeSelectorTerms:
      - matchExpressions: [{key: kubernetes.io/hostname, operator: In, values: [node-2]}]
`, 'create', '-f', '-')
      kin(PVC('pinned', 'pinned', '1Gi'), 'create', '-f', '-')
      await until('pinned Bound', ['get', 'pvc', 'pinned'], (o) => /^pinned\s+Bound\s+pinned\s+1Gi\s+RWO\s+pinned\s/m.test(o))
      for (const name of ['pinned-a', 'pinned-b', 'pinned-c']) {
        kin(`apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
  containers:
  - name: main
    image: nginx:1
    volumeMounts: [{name: data, mountPath: /data}]
  volumes:
  - name: data
    persistentVolumeClaim: {claimName: pinned}
`, 'create', '-f', '-')
      }
      for (const name of ['pinned-a', 'pinned-b', 'pinned-c']) {
        const wide = await until(`${name} Running`, ['get', 'pod', name, '-o', 'wide'], (o) => new RegExp(`^${name}\\s+1/1\\s+Running\\s`, 'm').test(o), 90_000)
        assert.match(wide, /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s/m)
        assert.match(wide, new RegExp(`^${name}\\s+1/1\\s+Running\\s+0\\s+\\S+\\s+10\\.244\\.\\d+\\.\\d+\\s+node-2\\s`, 'm'))
        assert.doesNotMatch(k('describe', 'pod', name), /FailedMount/)
      }
      k('delete', 'pod', 'pinned-a', 'pinned-b', 'pinned-c')
      k('delete', 'pvc', 'pinned')
      k('delete', 'pv', 'pinned')
    })

    test('scheduling: a StatefulSet on the default class gets each claim provisioned on the node its pod was scheduled to', async () => {
      kin(DYN.replace(/dyn/g, 'spread').replace('replicas: 2', 'replicas: 3'), 'apply', '-f', '-')
      await until('spread READY 3/3', ['get', 'statefulset', 'spread'], (o) => /^spread\s+3\/3\s/m.test(o), 90_000)
      for (const i of [0, 1, 2]) {
        const claim = `data-spread-${i}`
        const node = jsonpath('pod', `spread-${i}`, '{.spec.nodeName}')
        assert.match(node, /^node-[1-3]$/)
        assert.match(k('get', 'pvc', claim), new RegExp(`^${claim}\\s+Bound\\s+pvc-[0-9a-f-]{36}\\s+2Gi\\s+RWO\\s+standard\\s`, 'm'))
        assert.equal(jsonpath('pvc', claim, '{.metadata.annotations.volume\\.kubernetes\\.io/selected-node}'), node)
        const pv = jsonpath('pvc', claim, '{.spec.volumeName}')
        assert.equal(jsonpath('pv', pv, '{.spec.nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0].values[0]}'), node)
        const described = k('describe', 'pod', `spread-${i}`)
        assert.match(described, new RegExp(`Scheduled\\s.*default-scheduler\\s+Successfully assigned default/spread-${i} to ${node}`))
        // The scheduler binds the pod only once its claim is bound: the kubelet never waits.
        assert.doesNotMatch(described, /FailedMount/)
      }
      k('delete', 'statefulset', 'spread')
      await until('no spread pods', ['get', 'pods', '-l', 'app=spread', '-o', 'name'], (o) => o.trim() === '', 90_000)
      k('delete', 'pvc', 'data-spread-0', 'data-spread-1', 'data-spread-2')
    })

    test('scheduling: a pod whose claim never binds (a class that does not exist) stays Pending with FailedScheduling', async () => {
      kin(PVC('nowhere', 'no-such-class', '1Gi'), 'create', '-f', '-')
      kin(`apiVersion: v1
kind: Pod
metadata:
  name: stuck
spec:
  containers:
  - name: main
    image: nginx:1
  volumes:
  - name: data
    persistentVolumeClaim: {claimName: nowhere}
`, 'create', '-f', '-')
      const msg = '0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.'
      await until('FailedScheduling', ['describe', 'pod', 'stuck'], (o) => /Warning\s+FailedScheduling\s.*default-scheduler\s/.test(o) && o.includes(msg))
      await sleep(2000)
      assert.match(k('get', 'pod', 'stuck'), /^stuck\s+0\/1\s+Pending\s+0\s/m)
      assert.equal(jsonpath('pod', 'stuck', '{.spec.nodeName}'), '')
      assert.equal(jsonpath('pod', 'stuck', '{.status.conditions[?(@.type=="PodScheduled")].reason}'), 'Unschedulable')
      assert.equal(jsonpath('pod', 'stuck', '{.status.conditions[?(@.type=="PodScheduled")].message}'), msg)
      assert.match(k('get', 'pvc', 'nowhere'), /^nowhere\s+Pending\s+no-such-class\s/m)
      k('delete', 'pod', 'stuck')
      k('delete', 'pvc', 'nowhere')
    })
  })
}
