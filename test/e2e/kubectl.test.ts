/**
 * The foundation through real kubectl: every command of issue 3's list, once per kubectl
 * version (1.27 and 1.33), each against its own fresh `kubeling up`.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { chmodSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SEED_MANIFESTS, kubectlPath, removeDir, startCluster } from './harness.js'
import type { Cluster } from './harness.js'

const CM = (name: string, data: Record<string, string>, labels: Record<string, string> = {}): string => JSON.stringify({
  apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels }, data,
})

const STS = (name: string, replicas: number, image = 'nginx:1.25'): string => `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: ${name}
spec:
  serviceName: ${name}
  replicas: ${replicas}
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

for (const version of ['1.27', '1.33']) {
  describe(`kubectl ${version} against kubeling up`, () => {
    let c: Cluster
    const k = (...args: string[]): string => c.ok(version, args)
    const kr = (args: string[], input?: string) => c.kubectl(version, args, input === undefined ? {} : { input })

    before(async () => {
      c = await startCluster({ args: ['--nodes', '0'] })
    })
    after(async () => {
      const code = await c.stop()
      assert.equal(code, 0, `kubeling up should exit 0 on SIGTERM; output:\n${c.output()}`)
      removeDir(c.dataDir)
      removeDir(c.home)
    })

    test('health endpoints are open, everything else needs the token', async () => {
      const ready = await c.request('GET', '/readyz', undefined, { Authorization: '' })
      assert.equal(ready.status, 200)
      const denied = await c.request('GET', '/api/v1/namespaces', undefined, { Authorization: 'Bearer wrong' })
      assert.equal(denied.status, 401)
      assert.equal((denied.body as { reason: string }).reason, 'Unauthorized')
    })

    test('get namespaces shows the four system namespaces', () => {
      const out = k('get', 'namespaces')
      for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) assert.match(out, new RegExp(`^${ns}\\s+Active`, 'm'))
    })

    test('api-resources lists served resources and the legacy DaemonSet', () => {
      const out = k('api-resources')
      assert.match(out, /^statefulsets\s+sts\s+apps\/v1\s+true\s+StatefulSet/m)
      assert.match(out, /^pods\s+po\s+v1\s+true\s+Pod/m)
      assert.match(out, /^daemonsets\s+extensions\/v1beta1\s+true\s+DaemonSet/m)
    })

    test('explain statefulset.spec prints the fields', () => {
      const out = k('explain', 'statefulset.spec')
      assert.match(out, /KIND:\s+StatefulSet/)
      assert.match(out, /serviceName/)
      assert.match(out, /volumeClaimTemplates/)
    })

    test('create -f accepts every seed manifest, legacy versions included', () => {
      const files = readdirSync(SEED_MANIFESTS).sort()
      const outs = files.map((f) => k('create', '-f', join(SEED_MANIFESTS, f))).join('')
      assert.match(outs, /daemonset\.apps\/nginx-ds created/)
      assert.match(outs, /persistentvolume\/pv001 created/)
      assert.match(outs, /service\/nginx created/)
      assert.match(outs, /statefulset\.apps\/web created/)
      const sts = JSON.parse(k('get', 'sts', 'web', '-o', 'json')) as { apiVersion: string; spec: { selector: { matchLabels: Record<string, string> }; updateStrategy: { type: string } } }
      assert.equal(sts.apiVersion, 'apps/v1')
      assert.deepEqual(sts.spec.selector.matchLabels, { app: 'nginx', role: 'stateful' })
      assert.equal(sts.spec.updateStrategy.type, 'OnDelete', 'apps/v1beta1 defaulted OnDelete')
      const ds = JSON.parse(k('get', 'ds', 'nginx-ds', '-o', 'json')) as { spec: { selector: { matchLabels: Record<string, string> } } }
      assert.deepEqual(ds.spec.selector.matchLabels, { 'k8s-app': 'nginx' })
      const again = kr(['create', '-f', join(SEED_MANIFESTS, 'pv001.yaml')])
      assert.equal(again.code, 1)
      assert.match(again.stderr, /AlreadyExists.*persistentvolumes "pv001" already exists/)
    })

    test('get prints upstream columns in every output format', () => {
      assert.match(k('get', 'pv'), /^NAME\s+CAPACITY\s+ACCESS MODES\s+RECLAIM POLICY\s+STATUS\s+CLAIM\s+STORAGECLASS/m)
      assert.match(k('get', 'pv', 'pv001'), /pv001\s+1Gi\s+RWO\s+Recycle/)
      assert.match(k('get', 'svc', 'nginx'), /nginx\s+ClusterIP\s+None\s+<none>\s+80\/TCP/)
      assert.match(k('get', 'sts', '-o', 'wide'), /^NAME\s+READY\s+AGE\s+CONTAINERS\s+IMAGES/m)
      assert.match(k('get', 'sts', 'web', '-o', 'yaml'), /serviceName: nginx/)
      assert.equal(k('get', 'sts', 'web', '-o', 'jsonpath={.spec.replicas}'), '2')
      assert.equal(k('get', 'sts', '-o', 'name').trim(), 'statefulset.apps/web')
      assert.match(k('get', 'pv', '--show-labels'), /release=stable/)
      assert.match(k('get', 'pv', '-L', 'release'), /^NAME.*RELEASE$/m)
    })

    test('get -w streams a concurrent change', async () => {
      k('create', 'configmap', 'watched', '--from-literal=a=1')
      const child = spawn(kubectlPath(version), ['get', 'configmap', 'watched', '-w', '-o', 'jsonpath={.data.a}{"\\n"}'], { env: { ...process.env, HOME: c.home, KUBECONFIG: c.kubeconfig } })
      let out = ''
      child.stdout.on('data', (d: Buffer) => { out += d.toString() })
      await waitFor(() => out.includes('1'), 10_000, () => out)
      k('patch', 'configmap', 'watched', '-p', '{"data":{"a":"2"}}')
      await waitFor(() => out.includes('2'), 10_000, () => out)
      child.kill()
    })

    test('apply (client-side) creates, configures, and leaves unchanged', () => {
      const dir = mkdtempSync(join(tmpdir(), 'apply-'))
      writeFileSync(join(dir, 'cm.json'), CM('applied', { a: '1' }))
      assert.match(k('apply', '-f', join(dir, 'cm.json')), /configmap\/applied created/)
      writeFileSync(join(dir, 'cm.json'), CM('applied', { a: '2' }))
      assert.match(k('apply', '-f', join(dir, 'cm.json')), /configmap\/applied configured/)
      assert.match(k('apply', '-f', join(dir, 'cm.json')), /configmap\/applied unchanged/)
      assert.equal(k('get', 'cm', 'applied', '-o', 'jsonpath={.data.a}'), '2')
      removeDir(dir)
    })

    test('apply --server-side detects a conflict and --force-conflicts takes ownership', () => {
      const dir = mkdtempSync(join(tmpdir(), 'ssa-'))
      writeFileSync(join(dir, 'sts.yaml'), STS('ssa', 1))
      assert.match(k('apply', '--server-side', '-f', join(dir, 'sts.yaml')), /statefulset\.apps\/ssa serverside-applied/)
      k('scale', 'sts', 'ssa', '--replicas=3')
      writeFileSync(join(dir, 'sts.yaml'), STS('ssa', 2))
      const conflict = kr(['apply', '--server-side', '-f', join(dir, 'sts.yaml')])
      assert.notEqual(conflict.code, 0)
      assert.match(conflict.stderr, /conflict/i)
      assert.match(conflict.stderr, /\.spec\.replicas/)
      k('apply', '--server-side', '--force-conflicts', '-f', join(dir, 'sts.yaml'))
      assert.equal(k('get', 'sts', 'ssa', '-o', 'jsonpath={.spec.replicas}'), '2')
      const managers = k('get', 'sts', 'ssa', '-o', 'jsonpath={.metadata.managedFields[*].manager}')
      assert.match(managers, /kubectl/)
      removeDir(dir)
    })

    test('patch with strategic, merge and json patches', () => {
      k('create', 'configmap', 'patched', '--from-literal=a=1')
      k('patch', 'configmap', 'patched', '-p', '{"data":{"b":"2"}}')
      k('patch', 'configmap', 'patched', '--type=merge', '-p', '{"data":{"a":null}}')
      k('patch', 'configmap', 'patched', '--type=json', '-p', '[{"op":"add","path":"/data/c","value":"3"}]')
      assert.equal(k('get', 'cm', 'patched', '-o', 'jsonpath={.data}'), '{"b":"2","c":"3"}')
      const bad = kr(['patch', 'configmap', 'patched', '--type=json', '-p', '[{"op":"test","path":"/data/b","value":"nope"}]'])
      assert.notEqual(bad.code, 0)
    })

    test('label, annotate and scale', () => {
      assert.match(k('label', 'sts', 'web', 'tier=db'), /statefulset\.apps\/web labeled/)
      assert.match(k('annotate', 'sts', 'web', 'note=hello'), /statefulset\.apps\/web annotated?$/m)
      assert.match(k('scale', 'sts', 'web', '--replicas=3'), /statefulset\.apps\/web scaled/)
      assert.equal(k('get', 'sts', 'web', '-o', 'jsonpath={.spec.replicas} {.metadata.labels.tier} {.metadata.annotations.note} {.metadata.generation}'), '3 db hello 2')
      const bad = kr(['scale', 'sts', 'web', '--replicas=-1'])
      assert.notEqual(bad.code, 0)
    })

    test('edit with a scripted editor', () => {
      const dir = mkdtempSync(join(tmpdir(), 'edit-'))
      const editor = join(dir, 'editor.sh')
      writeFileSync(editor, '#!/bin/sh\nsed -i "s/^  a: \\"1\\"/  a: \\"edited\\"/; s/^  a: \\x271\\x27/  a: edited/" "$1"\n')
      chmodSync(editor, 0o755)
      k('create', 'configmap', 'edited', '--from-literal=a=1')
      const r = c.kubectl(version, ['edit', 'configmap', 'edited'], { env: { KUBE_EDITOR: editor, EDITOR: editor } })
      assert.equal(r.code, 0, r.stderr)
      assert.match(r.stdout, /configmap\/edited edited/)
      assert.equal(k('get', 'cm', 'edited', '-o', 'jsonpath={.data.a}'), 'edited')
      removeDir(dir)
    })

    test('diff shows a pending change and exits 1', () => {
      const dir = mkdtempSync(join(tmpdir(), 'diff-'))
      writeFileSync(join(dir, 'cm.json'), CM('applied', { a: '3' }))
      const r = kr(['diff', '-f', join(dir, 'cm.json')])
      assert.equal(r.code, 1, r.stderr)
      assert.match(r.stdout, /^\+\s+a: "3"/m)
      removeDir(dir)
    })

    test('--dry-run=server validates but stores nothing', () => {
      const out = k('create', 'configmap', 'dry', '--from-literal=a=1', '--dry-run=server')
      assert.match(out, /configmap\/dry created \(server dry run\)/)
      assert.notEqual(kr(['get', 'cm', 'dry']).code, 0)
    })

    test('invalid objects are rejected with upstream messages', () => {
      const r = kr(['create', '-f', '-'], JSON.stringify({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'bad' }, spec: { replicas: -1, selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } } }))
      assert.equal(r.code, 1)
      assert.match(r.stderr, /spec\.replicas: Invalid value: -1: must be greater than or equal to 0/)
      const unknown = kr(['create', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'u' }, bogus: 1 }))
      assert.notEqual(unknown.code, 0)
      assert.match(unknown.stderr, /unknown field "bogus"/)
    })

    test('delete by name, by label and with each cascade mode', () => {
      k('create', 'configmap', 'd1', '--from-literal=a=1')
      k('label', 'configmap', 'd1', 'grp=x')
      k('create', 'configmap', 'd2', '--from-literal=a=1')
      k('label', 'configmap', 'd2', 'grp=x')
      assert.match(k('delete', 'configmap', 'patched'), /configmap "patched" deleted/)
      const byLabel = k('delete', 'configmap', '-l', 'grp=x')
      assert.match(byLabel, /configmap "d1" deleted/)
      assert.match(byLabel, /configmap "d2" deleted/)
      assert.match(k('delete', 'sts', 'ssa', '--cascade=background'), /statefulset\.apps "ssa" deleted/)
      assert.equal(kr(['get', 'sts', 'ssa']).code, 1)
    })
  })
}

async function waitFor(cond: () => boolean, ms: number, describe: () => string): Promise<void> {
  const deadline = Date.now() + ms
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out; saw: ${describe()}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}
