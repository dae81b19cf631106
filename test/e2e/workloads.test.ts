/**
 * Workloads through real kubectl (1.27 and 1.33) on `kubeling up --nodes 3`: the seed
 * tutorial's DaemonSet and StatefulSet steps (D1–D3, S3–S6, S9) with its own manifests,
 * rolling updates with a partition, rollout status/history/undo/restart on both kinds,
 * a DaemonSet following nodes, and cascading deletion (background, foreground, orphan).
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { SEED_MANIFESTS, kubectlPath, removeDir, startCluster, pollKubectl } from './harness.js'
import type { Cluster } from './harness.js'

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

const STS = (name: string, replicas: number, opts: { image?: string; partition?: number; policy?: string } = {}): string => `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: ${name}
spec:
  serviceName: ${name}
  replicas: ${replicas}
  podManagementPolicy: ${opts.policy ?? 'OrderedReady'}
  selector:
    matchLabels: {app: ${name}}
${opts.partition !== undefined ? `  updateStrategy:\n    type: RollingUpdate\n    rollingUpdate: {partition: ${opts.partition}}\n` : ''}  template:
    metadata:
      labels: {app: ${name}}
    spec:
      containers:
      - name: main
        image: ${opts.image ?? 'nginx:1'}
`

const DS = (name: string, image = 'agent:1'): string => `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: ${name}
spec:
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:
      containers:
      - name: main
        image: ${image}
`

/** `kubectl get … -w` running in the background, its output collected. */
class Watch {
  out = ''
  #child: ChildProcess
  constructor(c: Cluster, version: string, args: string[]) {
    this.#child = spawn(kubectlPath(version), args, { env: { ...process.env, HOME: c.home, KUBECONFIG: c.kubeconfig }, stdio: ['ignore', 'pipe', 'pipe'] })
    this.#child.stdout?.on('data', (d: Buffer) => { this.out += d.toString() })
    this.#child.stderr?.on('data', (d: Buffer) => { this.out += d.toString() })
  }
  lines(from = 0): string[] {
    return this.out.slice(from).split('\n').filter((l) => l.trim())
  }
  stop(): void {
    this.#child.kill()
  }
}

/** Index of the first line matching every pattern, or -1. */
const firstLine = (lines: readonly string[], ...patterns: RegExp[]): number => lines.findIndex((l) => patterns.every((p) => p.test(l)))

for (const version of ['1.27', '1.33']) {
  describe(`workloads with kubectl ${version} on kubeling up --nodes 3`, () => {
    let c: Cluster
    const k = (...args: string[]): string => c.ok(version, args)
    const kin = (input: string, ...args: string[]): string => c.ok(version, args, { input })
    /** Polls a kubectl command until `check` accepts its stdout. */
    const until = (what: string, args: string[], check: (out: string) => boolean, timeoutMs = 60_000): Promise<string> =>
      pollKubectl(c, version, what, args, check, timeoutMs, 250)
    const images = (selector: string): Record<string, string> => Object.fromEntries(
      k('get', 'pods', '-l', selector, '-o', 'jsonpath={range .items[*]}{.metadata.name}={.spec.containers[0].image}{"\\n"}{end}')
        .trim().split('\n').filter(Boolean).map((l) => l.split('=') as [string, string]))

    before(async () => {
      c = await startCluster({ args: ['--nodes', '3'] })
    })
    after(async () => {
      await c.stop()
      removeDir(c.dataDir)
      removeDir(c.home)
    })

    test('D1: kubectl create -f nginx-ds.yaml (extensions/v1beta1)', () => {
      assert.match(k('create', '-f', join(SEED_MANIFESTS, 'nginx-ds.yaml')), /daemonset\.apps\/nginx-ds created/)
    })

    test('D2: kubectl get nodes shows every node Ready', async () => {
      const out = await until('3 Ready nodes', ['get', 'nodes'], (o) => (o.match(/\sReady\s/g) ?? []).length === 3)
      for (const n of ['node-1', 'node-2', 'node-3']) assert.match(out, new RegExp(`^${n}\\s+Ready`, 'm'))
    })

    test('D3: kubectl get pods -o wide shows one Running nginx-ds pod per node, each with an IP', async () => {
      const out = await until('3 Running daemon pods', ['get', 'pods', '-o', 'wide', '-l', 'k8s-app=nginx'],
        (o) => (o.match(/^nginx-ds-\S+\s+1\/1\s+Running/gm) ?? []).length === 3)
      const rows = out.trim().split('\n').slice(1).map((l) => l.split(/\s+/))
      assert.equal(rows.length, 3)
      for (const r of rows) {
        assert.match(r[0]!, /^nginx-ds-[a-z0-9]{5}$/)
        assert.match(r[5]!, /^\d+\.\d+\.\d+\.\d+$/, `pod IP in ${r.join(' ')}`)
      }
      assert.deepEqual(rows.map((r) => r[6]).sort(), ['node-1', 'node-2', 'node-3'])
      assert.match(k('get', 'ds', 'nginx-ds'), /^nginx-ds\s+3\s+3\s+3\s+3\s+3\s/m)
    })

    test('S3–S6: the seed StatefulSet starts web-0, and web-1 only once web-0 is Running and Ready', async () => {
      const watch = new Watch(c, version, ['get', 'pods', '-w', '-l', 'role=stateful'])
      try {
        await sleep(500)
        const created = k('create', '-f', join(SEED_MANIFESTS, 'statefulset-demo.yaml'))
        assert.match(created, /service\/nginx created/)
        assert.match(created, /statefulset\.apps\/web created/)
        await until('web READY 2/2', ['get', 'statefulset', 'web'], (o) => /^web\s+2\/2\s/m.test(o))
        await until('watch shows web-1 Running', ['get', 'pods'], () => /^web-1\s+1\/1\s+Running/m.test(watch.out), 10_000)
        const lines = watch.lines()
        const web0Running = firstLine(lines, /^web-0\s/, /1\/1/, /Running/)
        const web1First = firstLine(lines, /^web-1\s/)
        assert.ok(web0Running >= 0 && web1First > web0Running, `web-1 appeared before web-0 was Running:\n${watch.out}`)
        assert.ok(firstLine(lines, /^web-0\s/, /Pending/) < web0Running)
      } finally {
        watch.stop()
      }
      const svc = k('get', 'service', 'nginx')
      assert.match(svc, /^nginx\s+ClusterIP\s+None\s+<none>\s+80\/TCP\s/m)
      const pvc = k('get', 'pvc')
      assert.match(pvc, /^www-web-0\s/m)
      assert.match(pvc, /^www-web-1\s/m)
      const hostnames = k('get', 'pods', '-l', 'role=stateful', '-o', 'jsonpath={range .items[*]}{.spec.hostname}.{.spec.subdomain} {end}')
      assert.equal(hostnames.trim(), 'web-0.nginx web-1.nginx')
    })

    test('S9: after kubectl delete pod -l role=stateful the pods come back with the same names, web-0 first, and the same claims', async () => {
      const claimUids = k('get', 'pvc', '-o', 'jsonpath={.items[*].metadata.uid}')
      const podUids = k('get', 'pods', '-l', 'role=stateful', '-o', 'jsonpath={.items[*].metadata.uid}')
      const watch = new Watch(c, version, ['get', 'pods', '-w', '-l', 'role=stateful'])
      try {
        await until('watch lists the pods', ['get', 'pods'], () => watch.lines().length >= 3, 10_000)
        const mark = watch.out.length
        const out = k('delete', 'pod', '-l', 'role=stateful')
        assert.match(out, /pod "web-0" deleted/)
        assert.match(out, /pod "web-1" deleted/)
        await until('both back and Running', ['get', 'pods', '-l', 'role=stateful', '-o', 'jsonpath={range .items[*]}{.metadata.uid} {.status.phase}{"\\n"}{end}'],
          (o) => o.trim().split('\n').length === 2 && o.trim().split('\n').every((l) => l.endsWith('Running') && !podUids.includes(l.split(' ')[0]!)))
        await until('watch shows web-1 Running again', ['get', 'pods'], () => firstLine(watch.lines(mark), /^web-1\s/, /1\/1/, /Running/) >= 0, 10_000)
        const lines = watch.lines(mark)
        const web0Back = firstLine(lines, /^web-0\s/, /1\/1/, /Running/)
        const web1Recreated = firstLine(lines, /^web-1\s/, /Pending/)
        assert.ok(web0Back >= 0 && web1Recreated > web0Back, `web-1 came back before web-0 was Running:\n${lines.join('\n')}`)
      } finally {
        watch.stop()
      }
      assert.equal(k('get', 'pvc', '-o', 'jsonpath={.items[*].metadata.uid}'), claimUids, 'the same claims')
      assert.match(k('get', 'statefulset', 'web'), /^web\s+2\/2\s/m)
      assert.match(k('describe', 'statefulset', 'web'), /SuccessfulCreate\s.*create Pod web-0 in StatefulSet web successful/)
    })

    test('a 5-replica set with partition 3 updates exactly ordinals 4 and 3; rollout status reports the partition', async () => {
      kin(STS('part', 5, { partition: 3 }), 'apply', '-f', '-')
      await until('5 ready', ['get', 'statefulset', 'part'], (o) => /^part\s+5\/5\s/m.test(o), 90_000)
      assert.match(k('set', 'image', 'statefulset/part', 'main=nginx:2'), /statefulset\.apps\/part image updated/)
      const status = c.ok(version, ['rollout', 'status', 'statefulset/part', '--timeout=90s'])
      assert.match(status, /partitioned roll out complete: 2 new pods have been updated\.\.\./)
      assert.deepEqual(images('app=part'), { 'part-0': 'nginx:1', 'part-1': 'nginx:1', 'part-2': 'nginx:1', 'part-3': 'nginx:2', 'part-4': 'nginx:2' })
      assert.match(k('get', 'pods', 'part-2', '-o', 'jsonpath={.metadata.labels.controller-revision-hash}'), /^part-[bcdfghjklmnpqrstvwxz2456789]+$/)
    })

    test('rollout status, history, undo and restart on a StatefulSet', async () => {
      kin(STS('roll', 2), 'apply', '-f', '-')
      // apps/v1 defaults rollingUpdate.partition to 0, so kubectl reports a (trivially) partitioned rollout
      const done = /partitioned roll out complete: 2 new pods have been updated\.\.\./
      assert.match(c.ok(version, ['rollout', 'status', 'statefulset/roll', '--timeout=60s']), done)
      k('set', 'image', 'statefulset/roll', 'main=nginx:2')
      assert.match(c.ok(version, ['rollout', 'status', 'statefulset/roll', '--timeout=60s']), done)
      assert.deepEqual(images('app=roll'), { 'roll-0': 'nginx:2', 'roll-1': 'nginx:2' })
      assert.match(k('rollout', 'undo', 'statefulset/roll'), /statefulset\.apps\/roll rolled back/)
      c.ok(version, ['rollout', 'status', 'statefulset/roll', '--timeout=60s'])
      await until('old image back', ['get', 'pods', '-l', 'app=roll', '-o', 'jsonpath={.items[*].spec.containers[0].image}'], (o) => o.trim() === 'nginx:1 nginx:1')
      const history = k('rollout', 'history', 'statefulset/roll')
      assert.match(history, /^2\s+<none>$/m)
      assert.match(history, /^3\s+<none>$/m)
      assert.equal(k('get', 'controllerrevisions', '-l', 'app=roll', '-o', 'name').trim().split('\n').length, 2, 'the undo reused the first revision')
      const before = k('get', 'pods', '-l', 'app=roll', '-o', 'jsonpath={.items[*].metadata.uid}')
      assert.match(k('rollout', 'restart', 'statefulset/roll'), /statefulset\.apps\/roll restarted/)
      c.ok(version, ['rollout', 'status', 'statefulset/roll', '--timeout=60s'])
      await until('pods replaced', ['get', 'pods', '-l', 'app=roll', '-o', 'jsonpath={.items[*].metadata.uid}'],
        (o) => o.trim().split(' ').length === 2 && o.trim().split(' ').every((u) => !before.includes(u)))
      assert.match(k('rollout', 'history', 'statefulset/roll'), /^4\s+<none>$/m)
    })

    test('rollout status without a rollingUpdate block waits for currentRevision == updateRevision', async () => {
      kin(STS('plain', 2).replace('  podManagementPolicy: OrderedReady\n', '  podManagementPolicy: OrderedReady\n  updateStrategy:\n    type: RollingUpdate\n'), 'apply', '-f', '-')
      assert.match(c.ok(version, ['rollout', 'status', 'statefulset/plain', '--timeout=60s']), /statefulset rolling update complete 2 pods at revision plain-[bcdfghjklmnpqrstvwxz2456789]+\.\.\./)
      k('set', 'image', 'statefulset/plain', 'main=nginx:2')
      const out = c.ok(version, ['rollout', 'status', 'statefulset/plain', '--timeout=60s'])
      assert.match(out, /statefulset rolling update complete 2 pods at revision plain-\w+\.\.\./)
      assert.deepEqual(images('app=plain'), { 'plain-0': 'nginx:2', 'plain-1': 'nginx:2' })
    })

    test('rollout status, undo and restart on a DaemonSet; status is reported while it rolls', async () => {
      kin(DS('agent'), 'apply', '-f', '-')
      assert.match(c.ok(version, ['rollout', 'status', 'daemonset/agent', '--timeout=60s']), /daemon set "agent" successfully rolled out/)
      k('set', 'image', 'daemonset/agent', 'main=agent:2')
      assert.match(c.ok(version, ['rollout', 'status', 'daemonset/agent', '--timeout=60s']), /daemon set "agent" successfully rolled out/)
      assert.deepEqual(Object.values(images('app=agent')), ['agent:2', 'agent:2', 'agent:2'])
      assert.match(k('rollout', 'undo', 'daemonset/agent'), /daemonset\.apps\/agent rolled back/)
      c.ok(version, ['rollout', 'status', 'daemonset/agent', '--timeout=60s'])
      await until('old image back', ['get', 'pods', '-l', 'app=agent', '-o', 'jsonpath={.items[*].spec.containers[0].image}'], (o) => o.trim() === 'agent:1 agent:1 agent:1')
      assert.match(k('rollout', 'history', 'daemonset/agent'), /^3\s+<none>$/m)
      assert.match(k('rollout', 'restart', 'daemonset/agent'), /daemonset\.apps\/agent restarted/)
      assert.match(c.ok(version, ['rollout', 'status', 'daemonset/agent', '--timeout=60s']), /successfully rolled out/)
      assert.match(k('get', 'daemonset', 'agent'), /^agent\s+3\s+3\s+3\s+3\s+3\s/m)
      assert.match(k('describe', 'daemonset', 'agent'), /SuccessfulCreate\s.*Created pod: agent-/)
      const onDelete = c.kubectl(version, ['rollout', 'status', 'daemonset/nginx-ds'])
      assert.notEqual(onDelete.code, 0, 'the seed DaemonSet (extensions/v1beta1) defaults to OnDelete')
      assert.match(onDelete.stderr, /rollout status is only available for RollingUpdate strategy type/)
    })

    test('a DaemonSet follows a node added and a node deleted', async () => {
      kin('apiVersion: v1\nkind: Node\nmetadata:\n  name: node-9\n  labels:\n    kubernetes.io/hostname: node-9\n', 'create', '-f', '-')
      const affinity = 'jsonpath={range .items[*]}{.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchFields[0].values[0]}{"\\n"}{end}'
      await until('a pod for node-9', ['get', 'pods', '-l', 'k8s-app=nginx', '-o', affinity], (o) => o.split('\n').includes('node-9'))
      k('delete', 'node', 'node-9')
      await until('the node-9 pod gone', ['get', 'pods', '-l', 'k8s-app=nginx', '-o', affinity], (o) => !o.split('\n').includes('node-9') && o.trim().split('\n').length === 3, 90_000)
      await until('desired back to 3', ['get', 'ds', 'nginx-ds'], (o) => /^nginx-ds\s+3\s+3\s+3\s/m.test(o))
    })

    test('kubectl delete --cascade=orphan leaves the pods; a new set adopts them; --cascade=foreground removes set and pods', async () => {
      kin(STS('keep', 2), 'apply', '-f', '-')
      await until('2 ready', ['get', 'statefulset', 'keep'], (o) => /^keep\s+2\/2\s/m.test(o))
      const uids = k('get', 'pods', '-l', 'app=keep', '-o', 'jsonpath={.items[*].metadata.uid}')
      assert.match(k('delete', 'statefulset', 'keep', '--cascade=orphan'), /statefulset\.apps "keep" deleted/)
      await sleep(1000)
      assert.equal(k('get', 'pods', '-l', 'app=keep', '-o', 'jsonpath={.items[*].metadata.uid}'), uids, 'pods left running')
      assert.equal(k('get', 'pods', '-l', 'app=keep', '-o', 'jsonpath={.items[*].metadata.ownerReferences}'), '', 'owner refs removed')
      kin(STS('keep', 2), 'apply', '-f', '-')
      await until('adopted', ['get', 'pods', '-l', 'app=keep', '-o', 'jsonpath={.items[*].metadata.ownerReferences[0].name}'], (o) => o.trim() === 'keep keep')
      assert.equal(k('get', 'pods', '-l', 'app=keep', '-o', 'jsonpath={.items[*].metadata.uid}'), uids, 'the same pods')
      assert.match(k('delete', 'statefulset', 'keep', '--cascade=foreground'), /statefulset\.apps "keep" deleted/)
      await until('pods gone', ['get', 'pods', '-l', 'app=keep', '-o', 'name'], (o) => o.trim() === '')
      await until('revisions gone', ['get', 'controllerrevisions', '-l', 'app=keep', '-o', 'name'], (o) => o.trim() === '')
    })

    test('kubectl delete --cascade=background removes a DaemonSet and then its pods', async () => {
      assert.match(k('delete', 'daemonset', 'agent', '--cascade=background'), /daemonset\.apps "agent" deleted/)
      await until('pods gone', ['get', 'pods', '-l', 'app=agent', '-o', 'name'], (o) => o.trim() === '')
      await until('revisions gone', ['get', 'controllerrevisions', '-l', 'app=agent', '-o', 'name'], (o) => o.trim() === '')
    })
  })
}

describe('workload controllers meeting objects they cannot act on (issue 5 item 8), kubectl 1.33 on kubeling up --nodes 2', () => {
  const version = '1.33'
  let c: Cluster
  const k = (...args: string[]): string => c.ok(version, args)
  const kin = (input: string, ...args: string[]): string => c.ok(version, args, { input })
  async function until(what: string, args: string[], check: (out: string) => boolean, timeoutMs = 60_000): Promise<string> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const r = c.kubectl(version, args)
      if (r.code === 0 && check(r.stdout)) return r.stdout
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last output of kubectl ${args.join(' ')}:\n${r.stdout}${r.stderr}`)
      await sleep(250)
    }
  }
  const replicaFailure = (kind: string, name: string): string[] =>
    ['get', kind, name, '-o', 'jsonpath={range .status.conditions[?(@.type=="ReplicaFailure")]}{.status} {.reason} {.message}{end}']

  before(async () => {
    c = await startCluster({ args: ['--nodes', '2'] })
  })
  after(async () => {
    await c.stop()
    removeDir(c.dataDir)
    removeDir(c.home)
  })

  test('a StatefulSet whose pods the API server rejects gets ReplicaFailure=True (FailedCreate) and a Warning event; a healthy set beside it still reconciles; the fix clears it', async () => {
    // a StatefulSet's template spec is validated only when its pods are created (as upstream)
    assert.match(kin(STS('bad', 2).replace('        image: nginx:1\n', '        image: nginx:1\n        ports:\n        - containerPort: 70000\n'), 'apply', '-f', '-'), /statefulset\.apps\/bad created/)
    kin(STS('good', 2), 'apply', '-f', '-')
    const cond = await until('ReplicaFailure on bad', replicaFailure('statefulset', 'bad'), (o) => o.startsWith('True FailedCreate '))
    assert.match(cond, /Pod "bad-0" is invalid: spec\.containers\[0\]\.ports\[0\]\.containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive/)
    await until('good READY 2/2', ['get', 'statefulset', 'good'], (o) => /^good\s+2\/2\s/m.test(o))
    assert.equal(k(...replicaFailure('statefulset', 'good')), '')
    assert.match(k('describe', 'statefulset', 'bad'), /Warning\s+FailedCreate\s.*create Pod bad-0 in StatefulSet bad failed error: Pod "bad-0" is invalid/)
    assert.equal(k('get', 'statefulset', 'bad', '-o', 'jsonpath={.metadata.generation}'), '1')
    k('patch', 'statefulset', 'bad', '--type=json', '-p', '[{"op":"remove","path":"/spec/template/spec/containers/0/ports"}]')
    await until('bad READY 2/2 once fixed', ['get', 'statefulset', 'bad'], (o) => /^bad\s+2\/2\s/m.test(o), 90_000)
    await until('condition removed', replicaFailure('statefulset', 'bad'), (o) => o === '')
  })

  test('a DaemonSet whose pods the API server rejects gets ReplicaFailure=True (FailedCreate) and a Warning event; a healthy DaemonSet beside it still reconciles; the fix clears it', async () => {
    // surrounding whitespace in an image is rejected on a pod, not in a template (validateContainersOnlyForPod)
    assert.match(kin(DS('bad-agent', '"agent:1 "'), 'apply', '-f', '-'), /daemonset\.apps\/bad-agent created/)
    kin(DS('good-agent'), 'apply', '-f', '-')
    const cond = await until('ReplicaFailure on bad-agent', replicaFailure('daemonset', 'bad-agent'), (o) => o.startsWith('True FailedCreate '))
    assert.match(cond, /spec\.containers\[0\]\.image: Invalid value: "agent:1 ": must not have leading or trailing whitespace/)
    await until('good-agent 2 ready', ['get', 'daemonset', 'good-agent'], (o) => /^good-agent\s+2\s+2\s+2\s/m.test(o))
    assert.equal(k(...replicaFailure('daemonset', 'good-agent')), '')
    assert.match(k('describe', 'daemonset', 'bad-agent'), /Warning\s+FailedCreate\s.*Error creating: Pod "bad-agent-[a-z0-9]{5}" is invalid/)
    k('set', 'image', 'daemonset/bad-agent', 'main=agent:1')
    await until('bad-agent 2 ready once fixed', ['get', 'daemonset', 'bad-agent'], (o) => /^bad-agent\s+2\s+2\s+2\s/m.test(o), 90_000)
    await until('condition removed', replicaFailure('daemonset', 'bad-agent'), (o) => o === '')
  })
})
