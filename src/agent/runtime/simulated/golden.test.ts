/**
 * Golden traces of the shipped stages: each scenario drives a SimulatedRuntime (fake clock,
 * fixed jitter) through what the agent does and prints every state change with its time.
 * `UPDATE_GOLDEN=1` rewrites testdata/default-stages.golden.txt — read the diff first.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { FakeClock } from '../clock.js'
import { PROBE_ANNOTATION_PREFIX } from '../types.js'
import type { RuntimeEvent } from '../types.js'
import { loadStages } from './load.js'
import { SimulatedRuntime } from './runtime.js'

function goldenPath(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); dirname(dir) !== dir; dir = dirname(dir)) {
    const p = join(dir, 'src/agent/runtime/simulated/testdata/default-stages.golden.txt')
    if (existsSync(dirname(p))) return p
  }
  throw new Error('testdata directory not found')
}

interface Scenario {
  name: string
  annotations?: Record<string, string>
  readiness?: { initialDelaySeconds: number }
  /** ms after start to request a stop, with this grace */
  stopAt?: { ms: number; grace: number }
  runFor: number
}

const scenarios: Scenario[] = [
  { name: 'plain container', runFor: 10_000 },
  { name: 'fast start by annotation', annotations: { 'kubeling.dev/start-delay': '0' }, runFor: 1000 },
  { name: 'readiness probe with initialDelaySeconds 5', readiness: { initialDelaySeconds: 5 }, runFor: 10_000 },
  { name: 'ready-after overrides the probe delay', readiness: { initialDelaySeconds: 5 }, annotations: { 'kubeling.dev/ready-after': '8s' }, runFor: 12_000 },
  { name: 'never ready', readiness: { initialDelaySeconds: 1 }, annotations: { 'kubeling.dev/never-ready': '' }, runFor: 10_000 },
  { name: 'completes after 3s with exit code 7', annotations: { 'kubeling.dev/exit-after': '3s', 'kubeling.dev/exit-code': '7' }, runFor: 10_000 },
  { name: 'crashes after 2s', annotations: { 'kubeling.dev/crash-after': '2s' }, runFor: 10_000 },
  { name: 'start error', annotations: { 'kubeling.dev/start-error': 'exec: "app": executable file not found in $PATH' }, runFor: 5000 },
  { name: 'graceful stop', stopAt: { ms: 5000, grace: 30 }, runFor: 10_000 },
  { name: 'stop slower than the grace period is killed', annotations: { 'kubeling.dev/stop-delay': '10s' }, stopAt: { ms: 5000, grace: 2 }, runFor: 20_000 },
  { name: 'image pull error', annotations: { 'kubeling.dev/image-pull-error': 'not found' }, runFor: 5000 },
]

async function trace(s: Scenario): Promise<string[]> {
  const clock = new FakeClock(0)
  const rt = new SimulatedRuntime({ stages: loadStages(), clock, random: () => 0.5, podCIDR: '10.244.0.0/24' })
  const lines: string[] = []
  const log = (what: string): void => { lines.push(`  +${String(clock.now()).padStart(6)}ms  ${what}`) }
  const sb = { metadata: { name: 'p', namespace: 'default', uid: 'u', attempt: 0 }, labels: {}, annotations: s.annotations ?? {} }
  rt.onEvent((e: RuntimeEvent) => {
    if (!e.containerId) return
    void rt.listContainers({ id: e.containerId }).then(([c]) => {
      if (c) log(`${e.type.padEnd(18)} state=${c.state}${c.ready !== undefined ? ` ready=${c.ready}` : ''}${c.exitCode !== undefined ? ` exitCode=${c.exitCode} reason=${c.reason ?? ''}` : ''}${c.message ? ` message=${JSON.stringify(c.message)}` : ''}`)
    })
  })
  const sandboxId = await rt.runPodSandbox(sb)
  const pulling = rt.pullImage('app:1', sb).then(() => log('pulled app:1'), (e: Error) => log(`pull failed: ${e.message}`))
  await clock.advance(2000)
  await pulling
  if (!(await rt.imageStatus('app:1'))) return lines
  const annotations = s.readiness ? { [`${PROBE_ANNOTATION_PREFIX}readiness`]: JSON.stringify(s.readiness) } : {}
  const id = await rt.createContainer(sandboxId, { name: 'app', attempt: 0, image: 'app:1', labels: {}, annotations })
  await rt.startContainer(id)
  log('start requested')
  const started = clock.now()
  if (s.stopAt) {
    await clock.advance(started + s.stopAt.ms - clock.now())
    log(`stop requested (grace ${s.stopAt.grace}s)`)
    const stopped = rt.stopContainer(id, s.stopAt.grace).then(() => log('stop returned'))
    await clock.advance(started + s.runFor - clock.now())
    await stopped
  } else {
    await clock.advance(s.runFor)
  }
  await rt.close()
  return lines
}

test('default stages match the golden traces', async () => {
  const out: string[] = []
  for (const s of scenarios) out.push(`== ${s.name}`, ...(await trace(s)), '')
  const text = out.join('\n')
  const path = goldenPath()
  if (process.env['UPDATE_GOLDEN'] === '1' || !existsSync(path)) writeFileSync(path, text)
  assert.equal(text, readFileSync(path, 'utf8'))
})
