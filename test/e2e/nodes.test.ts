/**
 * Nodes end to end (issue 4) with real kubectl 1.27 and 1.33 against `kubeling up --nodes 3`:
 * node registration, the pod lifecycle as `kubectl get pods -o wide -w` shows it, every
 * scheduling rule, cordon/drain/uncordon, graceful deletion, and a separately started
 * `kubeling agent` that joins, then is killed and goes NotReady, tainted, its pod evicted.
 * The node-monitor grace period is shortened to 6 s through KUBELING_NODE_MONITOR_GRACE_PERIOD.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { BIN, REPO, kubectlPath, removeDir, startCluster, pollKubectl } from './harness.js'
import type { Cluster } from './harness.js'

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))
const GRACE_S = 6

/** `kubeling agent …` (the wired binary when main.ts knows the command, else the module directly). */
function agentCommand(args: string[]): [string, string[]] {
  const probe = spawnSync(process.execPath, [BIN, 'agent', '--help'], { encoding: 'utf8' })
  if (probe.status === 0 && /--server/.test(probe.stdout)) return [process.execPath, [BIN, 'agent', ...args]]
  const mod = join(REPO, 'dist/src/cmd/agent.js')
  const script = `import(${JSON.stringify(mod)}).then((m) => m.runAgent(process.argv.slice(1))).catch((e) => { process.stderr.write('kubeling: ' + (e && e.message || e) + '\\n'); process.exit(2) })`
  return [process.execPath, ['--input-type=module', '-e', script, '--', ...args]]
}

class Watch {
  out = ''
  #child: ChildProcess
  constructor(c: Cluster, version: string, args: string[]) {
    this.#child = spawn(kubectlPath(version), args, { env: { ...process.env, HOME: c.home, KUBECONFIG: c.kubeconfig }, stdio: ['ignore', 'pipe', 'pipe'] })
    this.#child.stdout?.on('data', (d: Buffer) => { this.out += d.toString() })
    this.#child.stderr?.on('data', (d: Buffer) => { this.out += d.toString() })
  }
  stop(): void {
    this.#child.kill()
  }
}

const podYaml = (name: string, spec: string, meta = ''): string => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
${meta}spec:
${spec}  containers:
  - name: app
    image: registry.k8s.io/pause:3.9
`

for (const version of ['1.27', '1.33']) {
  describe(`nodes with kubectl ${version} on kubeling up --nodes 3`, () => {
    let c: Cluster
    const k = (...args: string[]): string => c.ok(version, args)
    const kin = (input: string, ...args: string[]): string => c.ok(version, args, { input })
    /** Polls a kubectl command until `check` accepts its stdout. */
    const until = (what: string, args: string[], check: (out: string) => boolean, timeoutMs = 30_000): Promise<string> =>
      pollKubectl(c, version, what, args, check, timeoutMs, 200)
    const nodeOf = (pod: string): string => k('get', 'pod', pod, '-o', 'jsonpath={.spec.nodeName}')
    const scheduledCondition = (pod: string): string => k('get', 'pod', pod, '-o', 'jsonpath={.status.conditions[?(@.type=="PodScheduled")].status} {.status.conditions[?(@.type=="PodScheduled")].reason}: {.status.conditions[?(@.type=="PodScheduled")].message}')

    before(async () => {
      process.env['KUBELING_NODE_MONITOR_GRACE_PERIOD'] = `${GRACE_S}s`
      c = await startCluster({ args: ['--nodes', '3'] })
      delete process.env['KUBELING_NODE_MONITOR_GRACE_PERIOD']
    })
    after(async () => {
      const code = await c.stop()
      assert.equal(code, 0, `kubeling up should exit 0; output:\n${c.output()}`)
      removeDir(c.dataDir)
      removeDir(c.home)
    })

    test('get nodes shows node-1…node-3 Ready with version, addresses and runtime', async () => {
      const out = await until('3 Ready nodes', ['get', 'nodes', '-o', 'wide'], (o) => (o.match(/\sReady\s/g) ?? []).length === 3)
      for (const [i, n] of ['node-1', 'node-2', 'node-3'].entries()) {
        assert.match(out, new RegExp(`^${n}\\s+Ready\\s+<none>\\s+\\S+\\s+v1\\.33\\.0-kubeling\\s+172\\.18\\.0\\.${i + 2}\\s+<none>\\s+.*simulated://`, 'm'))
      }
      const labels = k('get', 'node', 'node-1', '-o', 'jsonpath={.metadata.labels}')
      for (const l of ['"kubernetes.io/hostname":"node-1"', '"kubernetes.io/os":"linux"', '"kubernetes.io/arch":"amd64"', '"node.kubernetes.io/instance-type"']) assert.ok(labels.includes(l), labels)
      assert.equal(k('get', 'node', 'node-2', '-o', 'jsonpath={.spec.podCIDR} {.status.allocatable.pods} {.status.nodeInfo.kubeletVersion}'), '10.244.1.0/24 110 v1.33.0-kubeling')
      assert.match(k('get', 'lease', '-n', 'kube-node-lease'), /^node-1\s+node-1\s/m)
      assert.match(k('describe', 'node', 'node-1'), /Ready\s+True\s.*KubeletReady\s+kubelet is posting ready status/)
    })

    test('a bare pod goes Pending → ContainerCreating → Running with an IP and a NODE', async () => {
      const watch = new Watch(c, version, ['get', 'pods', '-o', 'wide', '-w'])
      try {
        await sleep(700)
        k('run', 'web', '--image=nginx:1.27')
        await until('web Running', ['get', 'pod', 'web'], (o) => /^web\s+1\/1\s+Running/m.test(o))
        await until('the watch to show Running', ['get', 'pod', 'web'], () => /^web\s+1\/1\s+Running/m.test(watch.out), 5000)
      } finally {
        watch.stop()
      }
      const lines = watch.out.split('\n').filter((l) => l.startsWith('web '))
      const at = (re: RegExp): number => lines.findIndex((l) => re.test(l))
      const pending = at(/\sPending\s/)
      const creating = at(/\sContainerCreating\s/)
      const running = at(/\sRunning\s/)
      assert.ok(pending >= 0 && creating > pending && running > creating, `order Pending → ContainerCreating → Running:\n${watch.out}`)
      const row = k('get', 'pod', 'web', '-o', 'wide').split('\n')[1]!.split(/\s+/)
      assert.match(row[5]!, /^10\.244\.[0-2]\.\d+$/, row.join(' '))
      assert.match(row[6]!, /^node-[1-3]$/)
      const described = k('describe', 'pod', 'web')
      assert.match(described, new RegExp(`Scheduled\\s.*default-scheduler\\s+Successfully assigned default/web to ${row[6]!}`))
      for (const re of [/Pulling\s.*kubelet\s+Pulling image "nginx:1\.27"/, /Pulled\s.*kubelet\s+Successfully pulled image "nginx:1\.27" in/, /Created\s.*kubelet\s+Created container: web/, /Started\s.*kubelet\s+Started container web/]) {
        assert.match(described, re)
      }
      assert.match(described, /Ready\s+True/)
      assert.match(k('get', 'pod', 'web', '-o', 'jsonpath={.status.hostIP} {.status.qosClass} {.status.containerStatuses[0].containerID}'), /^172\.18\.0\.\d BestEffort simulated:\/\/\S+$/)
      // field owners as upstream names them: kubectl created it, the scheduler bound it, the kubelet reports its status
      const managers = k('get', 'pod', 'web', '--show-managed-fields', '-o', 'jsonpath={range .metadata.managedFields[*]}{.manager}/{.subresource} {end}').trim().split(' ')
      assert.deepEqual(managers.sort(), ['kube-scheduler/binding', 'kubectl-run/', 'kubelet/status'])
    })

    test('kubectl delete pod completes the graceful deletion', () => {
      const started = Date.now()
      assert.match(k('delete', 'pod', 'web'), /pod "web" deleted/)
      assert.ok(Date.now() - started < 15_000)
      assert.equal(c.kubectl(version, ['get', 'pod', 'web']).code, 1)
    })

    test('scheduling: nodeSelector that nothing matches → PodScheduled=False with upstream message, retried when a node changes', async () => {
      kin(podYaml('picky', '  nodeSelector: {disk: ssd}\n'), 'apply', '-f', '-')
      const msg = "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."
      await until('Unschedulable condition', ['get', 'pod', 'picky', '-o', 'yaml'], (o) => o.includes('reason: Unschedulable'))
      assert.equal(scheduledCondition('picky'), `False Unschedulable: ${msg}`)
      await until('FailedScheduling event', ['describe', 'pod', 'picky'], (o) => o.includes('FailedScheduling') && o.includes(msg))
      k('label', 'node', 'node-2', 'disk=ssd')
      await until('picky scheduled on node-2', ['get', 'pod', 'picky', '-o', 'wide'], (o) => /\sRunning\s.*\snode-2\s/.test(o))
      k('label', 'node', 'node-2', 'disk-')
      k('delete', 'pod', 'picky')
    })

    test('scheduling: spec.nodeName bypasses the scheduler; another schedulerName is left alone', async () => {
      kin(podYaml('direct', '  nodeName: node-3\n'), 'apply', '-f', '-')
      await until('direct Running on node-3', ['get', 'pod', 'direct', '-o', 'wide'], (o) => /\sRunning\s.*\snode-3\s/.test(o))
      assert.doesNotMatch(k('describe', 'pod', 'direct'), /default-scheduler/)
      kin(podYaml('other', '  schedulerName: my-scheduler\n'), 'apply', '-f', '-')
      await sleep(1500)
      assert.match(k('get', 'pod', 'other'), /^other\s+0\/1\s+Pending/m)
      assert.equal(nodeOf('other'), '')
      assert.doesNotMatch(k('describe', 'pod', 'other'), /FailedScheduling|Scheduled/)
      k('delete', 'pod', 'direct', 'other', '--wait=false')
    })

    test('scheduling: required node affinity (matchFields metadata.name) and preferred affinity', async () => {
      kin(podYaml('pinned', `  affinity:
    nodeAffinity:
      requiredDuringSchedulingIgnoredDuringExecution:
        nodeSelectorTerms:
        - matchFields: [{key: metadata.name, operator: In, values: [node-1]}]
`), 'apply', '-f', '-')
      kin(podYaml('liked', `  affinity:
    nodeAffinity:
      preferredDuringSchedulingIgnoredDuringExecution:
      - weight: 100
        preference: {matchExpressions: [{key: kubernetes.io/hostname, operator: In, values: [node-3]}]}
`), 'apply', '-f', '-')
      await until('both scheduled', ['get', 'pods', 'pinned', 'liked', '-o', 'wide'], (o) => (o.match(/node-\d/g) ?? []).length === 2)
      assert.equal(nodeOf('pinned'), 'node-1')
      assert.equal(nodeOf('liked'), 'node-3')
      k('delete', 'pod', 'pinned', 'liked', '--wait=false')
    })

    test('scheduling: taints need tolerations (NoSchedule and NoExecute)', async () => {
      k('taint', 'node', 'node-1', 'dedicated=db:NoSchedule')
      k('taint', 'node', 'node-2', 'dedicated=db:NoSchedule')
      k('taint', 'node', 'node-3', 'maintenance=now:NoExecute')
      try {
        kin(podYaml('intolerant', ''), 'apply', '-f', '-')
        await until('untolerated taint condition', ['get', 'pod', 'intolerant', '-o', 'yaml'], (o) => o.includes('reason: Unschedulable'))
        assert.equal(scheduledCondition('intolerant'), 'False Unschedulable: 0/3 nodes are available: 1 node(s) had untolerated taint {maintenance: now}, 2 node(s) had untolerated taint {dedicated: db}. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.')
        kin(podYaml('tolerant', '  tolerations: [{key: dedicated, operator: Equal, value: db, effect: NoSchedule}]\n'), 'apply', '-f', '-')
        await until('tolerant Running', ['get', 'pod', 'tolerant', '-o', 'wide'], (o) => /\sRunning\s.*\snode-[12]\s/.test(o))
      } finally {
        k('taint', 'node', 'node-1', 'dedicated-')
        k('taint', 'node', 'node-2', 'dedicated-')
        k('taint', 'node', 'node-3', 'maintenance-')
      }
      await until('intolerant scheduled once taints are gone', ['get', 'pod', 'intolerant'], (o) => /\sRunning\s/.test(o))
      k('delete', 'pod', 'intolerant', 'tolerant', '--wait=false')
    })

    test('scheduling: requests beyond allocatable → Insufficient cpu; pod anti-affinity on hostname', async () => {
      kin(podYaml('huge', '', '').replace('image: registry.k8s.io/pause:3.9', 'image: registry.k8s.io/pause:3.9\n    resources: {requests: {cpu: "64"}}'), 'apply', '-f', '-')
      await until('Insufficient cpu', ['get', 'pod', 'huge', '-o', 'yaml'], (o) => o.includes('Insufficient cpu'))
      assert.equal(scheduledCondition('huge'), 'False Unschedulable: 0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.')
      k('delete', 'pod', 'huge')
      const anti = `  affinity:
    podAntiAffinity:
      requiredDuringSchedulingIgnoredDuringExecution:
      - labelSelector: {matchLabels: {app: spread}}
        topologyKey: kubernetes.io/hostname
`
      for (const n of ['s1', 's2', 's3', 's4']) kin(podYaml(n, anti, '  labels: {app: spread}\n'), 'apply', '-f', '-')
      await until('three spread pods Running', ['get', 'pods', '-l', 'app=spread'], (o) => (o.match(/\sRunning\s/g) ?? []).length === 3)
      const nodes = ['s1', 's2', 's3', 's4'].map(nodeOf).filter(Boolean).sort()
      assert.deepEqual(nodes, ['node-1', 'node-2', 'node-3'])
      const pending = ['s1', 's2', 's3', 's4'].find((n) => nodeOf(n) === '')!
      await until('anti-affinity condition', ['get', 'pod', pending, '-o', 'yaml'], (o) => o.includes('anti-affinity'))
      assert.equal(scheduledCondition(pending), "False Unschedulable: 0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.")
      k('delete', 'pod', '-l', 'app=spread')
    })

    test('cordon, drain --ignore-daemonsets --force and uncordon', async () => {
      assert.match(k('cordon', 'node-2'), /node\/node-2 cordoned/)
      await until('SchedulingDisabled', ['get', 'nodes'], (o) => /^node-2\s+Ready,SchedulingDisabled/m.test(o))
      assert.match(k('get', 'node', 'node-2', '-o', 'jsonpath={.spec.taints}'), /node\.kubernetes\.io\/unschedulable/)
      for (const n of ['c1', 'c2', 'c3', 'c4']) kin(podYaml(n, ''), 'apply', '-f', '-')
      await until('c1…c4 Running', ['get', 'pods', 'c1', 'c2', 'c3', 'c4'], (o) => (o.match(/\sRunning\s/g) ?? []).length === 4)
      assert.ok(['c1', 'c2', 'c3', 'c4'].every((n) => nodeOf(n) !== 'node-2'))
      k('uncordon', 'node-2')
      kin(podYaml('d1', '  nodeName: node-2\n'), 'apply', '-f', '-')
      await until('d1 Running', ['get', 'pod', 'd1'], (o) => /\sRunning\s/.test(o))
      const drained = c.kubectl(version, ['drain', 'node-2', '--ignore-daemonsets', '--force', '--timeout=60s'])
      assert.equal(drained.code, 0, drained.stderr + drained.stdout)
      assert.match(drained.stdout, /evicting pod default\/d1|pod\/d1 evicted/)
      assert.match(drained.stdout, /node\/node-2 drained/)
      assert.equal(c.kubectl(version, ['get', 'pod', 'd1']).code, 1)
      assert.match(k('get', 'nodes'), /^node-2\s+Ready,SchedulingDisabled/m)
      assert.match(k('describe', 'node', 'node-2'), /NodeNotSchedulable/)
      k('uncordon', 'node-2')
      await until('node-2 schedulable', ['get', 'nodes'], (o) => /^node-2\s+Ready\s/m.test(o))
      k('delete', 'pod', 'c1', 'c2', 'c3', 'c4', '--wait=false')
    })

    test('kubeling agent with a wrong token or an unreachable server fails with one line', () => {
      const [cmd, base] = agentCommand([])
      const bad = spawnSync(cmd, [...base, '--server', c.server, '--token', 'wrong', '--name', 'x', '--ca', join(c.dataDir, 'pki/ca.crt')], { encoding: 'utf8', timeout: 20_000 })
      assert.notEqual(bad.status, 0)
      assert.equal(bad.stderr.trim().split('\n').length, 1, bad.stderr)
      assert.match(bad.stderr, /rejected the token \(401 Unauthorized\)/)
      const gone = spawnSync(cmd, [...base, '--server', 'https://127.0.0.1:1', '--token', c.token, '--name', 'x'], { encoding: 'utf8', timeout: 20_000 })
      assert.notEqual(gone.status, 0)
      assert.equal(gone.stderr.trim().split('\n').length, 1, gone.stderr)
      assert.match(gone.stderr, /cannot reach the API server at https:\/\/127\.0\.0\.1:1: connect ECONNREFUSED/)
    })

    test('a separately started kubeling agent joins; killed, its node goes NotReady, tainted, and its pod is evicted on time', async () => {
      const [cmd, base] = agentCommand(['--server', c.server, '--token', c.token, '--ca', join(c.dataDir, 'pki/ca.crt'), '--name', 'worker', '--heartbeat-interval', '1s'])
      const agent = spawn(cmd, base, { stdio: ['ignore', 'pipe', 'pipe'] })
      let out = ''
      agent.stdout.on('data', (d: Buffer) => { out += d.toString() })
      agent.stderr.on('data', (d: Buffer) => { out += d.toString() })
      try {
        await until('worker Ready', ['get', 'nodes'], (o) => /^worker\s+Ready\s/m.test(o))
        kin(podYaml('onworker', `  nodeSelector: {kubernetes.io/hostname: worker}
  tolerations:
  - {key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 3}
  - {key: node.kubernetes.io/not-ready, operator: Exists, effect: NoExecute, tolerationSeconds: 3}
`), 'apply', '-f', '-')
        await until('onworker Running', ['get', 'pod', 'onworker', '-o', 'wide'], (o) => /\sRunning\s.*\sworker\s/.test(o))
      } finally {
        agent.kill('SIGKILL')
      }
      const killed = Date.now()
      await until('worker NotReady', ['get', 'nodes'], (o) => /^worker\s+NotReady\s/m.test(o), 30_000)
      const notReadyAfter = (Date.now() - killed) / 1000
      assert.ok(notReadyAfter >= GRACE_S - 2 && notReadyAfter < GRACE_S + 8, `NotReady after ${notReadyAfter}s (grace ${GRACE_S}s); agent output:\n${out}`)
      const taints = k('get', 'node', 'worker', '-o', 'jsonpath={range .spec.taints[*]}{.key}:{.effect} {end}')
      assert.match(taints, /node\.kubernetes\.io\/unreachable:NoSchedule/)
      assert.match(taints, /node\.kubernetes\.io\/unreachable:NoExecute/)
      assert.match(k('describe', 'node', 'worker'), /Ready\s+Unknown\s.*NodeStatusUnknown\s+Kubelet stopped posting node status\./)
      await until('onworker evicted (Terminating)', ['get', 'pod', 'onworker', '-o', 'jsonpath={.metadata.deletionTimestamp}'], (o) => o.length > 0, 20_000)
      const evictedAfter = (Date.now() - killed) / 1000
      assert.ok(evictedAfter >= notReadyAfter + 2, `evicted ${evictedAfter}s after the kill, NotReady at ${notReadyAfter}s`)
      assert.match(k('describe', 'pod', 'onworker'), /TaintManagerEviction\s.*Marking for deletion Pod default\/onworker/)
      assert.match(k('get', 'pod', 'onworker', '-o', 'jsonpath={.status.conditions[?(@.type=="DisruptionTarget")].reason}'), /DeletionByTaintManager/)
      // kubectl delete node: the node leaves, pod GC force-deletes what was bound to it (after its quarantine)
      k('delete', 'node', 'worker')
      assert.doesNotMatch(k('get', 'nodes'), /^worker\s/m)
    })
  })
}

describe('kubeling up --nodes 2 restarted on the same data dir', () => {
  test('nodes come back Ready and a running pod is running again', async () => {
    const first = await startCluster({ args: ['--nodes', '2'] })
    const version = '1.33'
    const wait = async (c: Cluster, what: string, args: string[], check: (o: string) => boolean): Promise<string> => {
      const deadline = Date.now() + 30_000
      for (;;) {
        const r = c.kubectl(version, args)
        if (r.code === 0 && check(r.stdout)) return r.stdout
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${r.stdout}${r.stderr}`)
        await sleep(200)
      }
    }
    let before = ''
    try {
      first.ok(version, ['run', 'survivor', '--image=nginx:1.27'])
      await wait(first, 'survivor Running', ['get', 'pod', 'survivor'], (o) => /\sRunning\s/.test(o))
      before = first.ok(version, ['get', 'pod', 'survivor', '-o', 'jsonpath={.status.containerStatuses[0].containerID}'])
      assert.match(before, /^simulated:\/\//)
    } finally {
      assert.equal(await first.stop(), 0)
    }
    const second = await startCluster({ args: ['--nodes', '2'], dataDir: first.dataDir })
    try {
      const nodes = await wait(second, '2 Ready nodes', ['get', 'nodes'], (o) => (o.match(/\sReady\s/g) ?? []).length === 2)
      assert.equal(nodes.trim().split('\n').length, 3)
      // the simulated runtime starts empty: the agent runs the pod's container again
      await wait(second, 'a new container', ['get', 'pod', 'survivor', '-o', 'jsonpath={.status.containerStatuses[0].containerID}'], (o) => o.startsWith('simulated://') && o !== before)
      const pod = await wait(second, 'survivor Running again', ['get', 'pod', 'survivor', '-o', 'wide'], (o) => /\s1\/1\s+Running\s.*10\.244\.\d+\.\d+\s+node-[12]\s/.test(o))
      assert.match(pod, /^survivor\s/m)
    } finally {
      await second.stop()
      removeDir(first.dataDir)
      removeDir(first.home)
      removeDir(second.home)
    }
  })
})
