/**
 * `kubeling up` / `kubeling server`: open the store, start the API server over TLS, write
 * the kubeconfig, then (for `up`) the components of later roadmap stages. Stops cleanly on
 * SIGINT/SIGTERM so a restart on the same data dir resumes everything.
 */
import { setMaxListeners } from 'node:events'
import { mkdirSync, writeFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import { ApiServerThread } from './api-server-thread.js'
import { loadOrCreateCredentials } from './data-dir.js'
import { renderKubeconfig } from './kubeconfig.js'
import { Client } from '../client/index.js'
import { SharedInformers } from '../controllers/index.js'
import { startControllers } from './start-controllers.js'
import { startNodes } from './start-nodes.js'

export interface UpOptions {
  controlPlaneOnly: boolean
  dataDir: string | undefined
  port: string | undefined
  store: string | undefined
  address: string | undefined
  nodes: string | undefined
  runtime: string | undefined
  dnsAddr: string | undefined
  stagesDir: string | undefined
  /** e.g. `40s` */
  nodeMonitorGracePeriod: string | undefined
}

/** `40s`, `2m`, `500ms` → milliseconds. */
function parseDuration(text: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text.trim())
  if (!m) throw new Error(`${flag}: invalid duration ${JSON.stringify(text)} (want e.g. 40s)`)
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h']
  return Math.round(Number(m[1]) * unit)
}

function progress(line: string): void {
  process.stdout.write(`${line}\n`)
}

export async function runUp(opts: UpOptions): Promise<void> {
  const started = performance.now()
  const dataDir = resolve(opts.dataDir ?? join(homedir(), '.kubeling'))
  const port = opts.port === undefined ? 6443 : Number(opts.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port: invalid port ${JSON.stringify(opts.port)}`)
  const address = opts.address ?? '127.0.0.1'
  if (opts.runtime && opts.runtime !== 'simulated') throw new Error(`--runtime ${opts.runtime}: not yet available (only 'simulated' is planned for this stage)`)
  const nodes = opts.nodes === undefined ? 3 : Number(opts.nodes)
  if (!Number.isInteger(nodes) || nodes < 0) throw new Error(`--nodes: invalid count ${JSON.stringify(opts.nodes)}`)
  const graceMs = opts.nodeMonitorGracePeriod === undefined ? undefined : parseDuration(opts.nodeMonitorGracePeriod, '--node-monitor-grace-period')
  mkdirSync(dataDir, { recursive: true })
  const storeUrl = opts.store ?? `sqlite://${join(dataDir, 'state.db')}`
  progress(`kubeling: data dir ${dataDir}`)
  const creds = await loadOrCreateCredentials(dataDir, address === '0.0.0.0' ? [] : [address])
  let server: ApiServerThread
  try {
    server = await ApiServerThread.start({ storeUrl, port, address, tls: { cert: creds.pki.serverCert, key: creds.pki.serverKey }, token: creds.token })
  } catch (e) {
    const err = e as NodeJS.ErrnoException
    if (err.code === 'EADDRINUSE') throw new Error(`port ${port} on ${address} is already in use (is another kubeling running? pick another with --port)`)
    throw e
  }
  server.onFailure((err) => {
    process.stderr.write(`kubeling: API server failed: ${err.message}\n`)
    process.exit(1)
  })
  progress(`kubeling: store ${storeUrl}`)
  const publicUrl = server.url.replace('0.0.0.0', '127.0.0.1')
  progress(`kubeling: API server listening on ${publicUrl}`)
  const components = new AbortController()
  setMaxListeners(0, components.signal) // every informer and worker listens on it
  // User agents as upstream's components send them: their first word names the field
  // manager of their writes (managedFields say kubelet, kube-scheduler …).
  const newClient = (component = 'kube-controller-manager'): Client =>
    new Client({ server: publicUrl, token: creds.token, ca: creds.pki.caCert, userAgent: `${component}/v1.33.0 (linux/amd64) kubeling` })
  const client = newClient()
  // One set of informers for every in-process component: one cache per resource.
  const informers = new SharedInformers(client)
  await startControllers({ client, dataDir, signal: components.signal, progress, informers })
  // `server` runs the scheduler and node lifecycle controller too; only `up` adds agents.
  await startNodes({
    client, newClient, nodes: opts.controlPlaneOnly ? 0 : nodes, runtime: opts.runtime ?? 'simulated', dataDir,
    signal: components.signal, progress, informers,
    stagesDir: opts.stagesDir, nodeMonitorGracePeriodMs: graceMs,
  })
  const kubeconfig = join(dataDir, 'kubeconfig.yaml')
  writeFileSync(kubeconfig, renderKubeconfig({ server: publicUrl, caCert: creds.pki.caCert, token: creds.token }), { mode: 0o600 })
  progress(`kubeling: ready in ${Math.round(performance.now() - started)} ms`)
  progress(`kubeconfig: ${kubeconfig}`)
  progress(`export KUBECONFIG=${kubeconfig}`)

  let stopping = false
  const stop = (signal: string): void => {
    if (stopping) return
    stopping = true
    progress(`kubeling: ${signal} received, stopping`)
    const force = setTimeout(() => process.exit(1), 10_000)
    force.unref()
    components.abort()
    client.close()
    server.stop()
      .then(() => {
        progress('kubeling: stopped')
        process.exit(0)
      })
      .catch((e: unknown) => {
        process.stderr.write(`kubeling: error while stopping: ${(e as Error).message}\n`)
        process.exit(1)
      })
  }
  process.on('SIGINT', () => stop('SIGINT'))
  process.on('SIGTERM', () => stop('SIGTERM'))
}
