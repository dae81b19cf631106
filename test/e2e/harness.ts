/**
 * End-to-end harness: starts the real `bin/kubeling up` in a fresh data dir and runs the
 * real kubectl binaries against it, each cluster with its own HOME (kubectl's discovery
 * cache would otherwise hide a changed server).
 */
import { spawn, spawnSync, execFileSync } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, realpathSync, rmSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'

export const REPO = resolve(dirname(new URL(import.meta.url).pathname), '../../..')
export const BIN = join(REPO, 'bin/kubeling')

/** Directory holding kubectl.1.27 … kubectl.1.33. */
export function kubectlDir(): string {
  const which = execFileSync('sh', ['-c', 'command -v kubectl'], { encoding: 'utf8' }).trim()
  return dirname(realpathSync(which))
}

export function kubectlPath(version: string): string {
  return join(kubectlDir(), `kubectl.${version}`)
}

export interface KubectlResult {
  code: number
  stdout: string
  stderr: string
}

export interface Cluster {
  dataDir: string
  kubeconfig: string
  server: string
  token: string
  home: string
  process: ChildProcess
  output: () => string
  /** runs kubectl `version` (e.g. '1.33') with args; never throws on a non-zero exit */
  kubectl(version: string, args: string[], opts?: { input?: string; env?: Record<string, string>; timeoutMs?: number }): KubectlResult
  /** like kubectl() but fails the test (throws) on a non-zero exit */
  ok(version: string, args: string[], opts?: { input?: string; env?: Record<string, string> }): string
  /** an HTTPS request with the admin token */
  request(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: unknown; text: string; headers: Record<string, string | string[] | undefined> }>
  stop(signal?: NodeJS.Signals): Promise<number | null>
}

export interface StartOptions {
  args?: string[]
  dataDir?: string
}

export async function startCluster(opts: StartOptions = {}): Promise<Cluster> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'kubeling-e2e-'))
  const home = mkdtempSync(join(tmpdir(), 'kubeling-home-'))
  mkdirSync(home, { recursive: true })
  const child = spawn(process.execPath, ['--max-semi-space-size=64', BIN, 'up', '--data-dir', dataDir, '--port', '0', ...(opts.args ?? [])], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, HOME: home },
  })
  let out = ''
  child.stdout.on('data', (d: Buffer) => { out += d.toString() })
  child.stderr.on('data', (d: Buffer) => { out += d.toString() })
  const kubeconfig = await new Promise<string>((resolvePath, reject) => {
    const timer = setTimeout(() => reject(new Error(`kubeling up did not become ready:\n${out}`)), 30_000)
    const check = (): void => {
      const m = /export KUBECONFIG=(\S+)/.exec(out)
      if (m) {
        clearTimeout(timer)
        resolvePath(m[1]!)
      }
    }
    child.stdout.on('data', check)
    child.on('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`kubeling up exited with ${code}:\n${out}`))
    })
  })
  const cfg = readFileSync(kubeconfig, 'utf8')
  const server = /server: (\S+)/.exec(cfg)![1]!
  const token = /token: (\S+)/.exec(cfg)![1]!
  const env = (extra?: Record<string, string>): NodeJS.ProcessEnv => ({ ...process.env, HOME: home, KUBECONFIG: kubeconfig, ...extra })
  const kubectl: Cluster['kubectl'] = (version, args, o = {}) => {
    const res = spawnSync(kubectlPath(version), args, { input: o.input ?? '', env: env(o.env), encoding: 'utf8', timeout: o.timeoutMs ?? 60_000 })
    return { code: res.status ?? -1, stdout: res.stdout ?? '', stderr: res.stderr ?? '' }
  }
  return {
    dataDir, kubeconfig, server, token, home, process: child,
    output: () => out,
    kubectl,
    ok(version, args, o) {
      const r = kubectl(version, args, o)
      if (r.code !== 0) throw new Error(`kubectl.${version} ${args.join(' ')} exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`)
      return r.stdout
    },
    async request(method, path, body, headers = {}) {
      const { request } = await import('node:https')
      const ca = readFileSync(join(dataDir, 'pki/ca.crt'))
      return new Promise((resolveReq, reject) => {
        const url = new URL(path, server)
        const payload = body === undefined ? undefined : typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body)
        const req = request(url, {
          method, ca,
          headers: { Authorization: `Bearer ${token}`, ...(payload !== undefined ? { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(payload)) } : {}), ...headers },
        }, (res) => {
          let text = ''
          res.on('data', (d: Buffer) => { text += d.toString() })
          res.on('end', () => {
            let parsed: unknown = text
            try { parsed = JSON.parse(text) } catch { /* not JSON */ }
            resolveReq({ status: res.statusCode ?? 0, body: parsed, text, headers: res.headers })
          })
        })
        req.on('error', reject)
        if (payload !== undefined) req.write(payload)
        req.end()
      })
    },
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null) return child.exitCode
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)))
      child.kill(signal)
      const code = await exited
      return code
    },
  }
}

/**
 * Polls `kubectl.<version> args` until `check` accepts its stdout; throws with the last
 * output after `timeoutMs`.
 */
export async function pollKubectl(c: Cluster, version: string, what: string, args: string[], check: (out: string) => boolean, timeoutMs = 60_000, intervalMs = 250): Promise<string> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const r = c.kubectl(version, args)
    if (r.code === 0 && check(r.stdout)) return r.stdout
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last output of kubectl ${args.join(' ')}:\n${r.stdout}${r.stderr}`)
    await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true })
}

/** The seed tutorial's manifests, byte for byte (copied from shared/seed/manifests). */
export const SEED_MANIFESTS = join(REPO, 'test/fixtures/seed')
