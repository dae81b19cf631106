/**
 * `kubeling agent`: one or more node agents (simulated runtime) joining a running control
 * plane over its API, like a kubelet joining with a bootstrap token.
 *
 *   kubeling agent --server URL --token T --name NODE [--runtime simulated] [--count N]
 *                  [--ca FILE | --insecure] [--kubeconfig FILE] [--stages DIR]
 *                  [--cpu 4] [--memory 16Gi] [--max-pods 110] [--node-labels k=v,…]
 *                  [--heartbeat-interval 10s]
 *
 * Every failure the user can cause (bad flags, wrong token, unreachable server, bad TLS
 * trust, invalid stage file) ends as one line on stderr via the thrown Error's message.
 */
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { parse as parseYaml } from 'yaml'
import { getResource, isApiError } from '../api/index.js'
import { Client } from '../client/index.js'
import { AgentFleet, nodeIndexFor, simulatedAddresses } from '../agent/index.js'
import type { FleetNode } from '../agent/index.js'
import { SimulatedRuntime, loadStages, parseDuration } from '../agent/runtime/simulated/index.js'
import { ApiEventRecorder } from '../scheduler/index.js'

export const AGENT_USAGE = `Usage: kubeling agent --server URL --token T --name NODE [options]
  --runtime simulated        container runtime (only 'simulated' in this build)
  --count N                  run N simulated nodes NODE-1 … NODE-N (default 1: just NODE)
  --ca FILE                  CA certificate of the API server (PEM)
  --insecure                 do not verify the server certificate
  --kubeconfig FILE          take server, token and CA from a kubeconfig
  --token-file FILE          read the token from a file
  --stages DIR               simulated runtime stage files (default: the shipped ones)
  --cpu 4  --memory 16Gi  --max-pods 110   node capacity
  --node-labels k=v,…        extra node labels
  --heartbeat-interval 10s   lease renewal interval
`

const OPTIONS = {
  server: { type: 'string' },
  token: { type: 'string' },
  'token-file': { type: 'string' },
  name: { type: 'string' },
  runtime: { type: 'string' },
  count: { type: 'string' },
  ca: { type: 'string' },
  insecure: { type: 'boolean' },
  kubeconfig: { type: 'string' },
  stages: { type: 'string' },
  cpu: { type: 'string' },
  memory: { type: 'string' },
  'max-pods': { type: 'string' },
  'node-labels': { type: 'string' },
  'heartbeat-interval': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const

const NODES = getResource('', 'nodes')
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/

interface Connection {
  server: string
  token: string | undefined
  ca: string | undefined
}

function readFile(flag: string, path: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch (e) {
    throw new Error(`${flag} ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`)
  }
}

function fromKubeconfig(path: string): Partial<Connection> {
  const doc = parseYaml(readFile('--kubeconfig', path)) as {
    'current-context'?: string
    contexts?: Array<{ name: string; context: { cluster: string; user: string } }>
    clusters?: Array<{ name: string; cluster: { server?: string; 'certificate-authority-data'?: string; 'certificate-authority'?: string } }>
    users?: Array<{ name: string; user: { token?: string } }>
  } | null
  const ctx = doc?.contexts?.find((c) => c.name === doc['current-context']) ?? doc?.contexts?.[0]
  const cluster = doc?.clusters?.find((c) => c.name === ctx?.context.cluster)?.cluster
  const user = doc?.users?.find((u) => u.name === ctx?.context.user)?.user
  if (!cluster?.server) throw new Error(`--kubeconfig ${path}: no cluster server in the current context`)
  const caData = cluster['certificate-authority-data']
  const ca = caData ? Buffer.from(caData, 'base64').toString('utf8') : cluster['certificate-authority'] ? readFile('certificate-authority', cluster['certificate-authority']) : undefined
  return { server: cluster.server, token: user?.token, ca }
}

function positiveInt(flag: string, v: string | undefined, def: number): number {
  if (v === undefined) return def
  const n = Number(v)
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag}: want a positive integer, got ${JSON.stringify(v)}`)
  return n
}

/** One line for what went wrong talking to the server. */
export function describeConnectionError(server: string, e: unknown): string {
  if (isApiError(e)) {
    if (e.code === 401) return `the API server at ${server} rejected the token (401 Unauthorized); check --token`
    if (e.code === 403) return `the API server at ${server} refused access to nodes (403 Forbidden): ${e.message}`
    return `the API server at ${server} answered ${e.code} ${e.reason}: ${e.message}`
  }
  const err = e as NodeJS.ErrnoException
  const code = err?.code ?? ''
  if (['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'EAI_AGAIN', 'ETIMEDOUT'].includes(code)) {
    return `cannot reach the API server at ${server}: ${err.message}`
  }
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(code)) {
    return `cannot verify the TLS certificate of ${server} (${err.message}); pass --ca FILE (the cluster's pki/ca.crt) or --insecure`
  }
  if (/socket hang up/.test(err?.message ?? '') && server.startsWith('http:')) {
    return `cannot reach the API server at ${server}: ${err.message} (does it serve https?)`
  }
  if (code === 'EPROTO' || /wrong version number|packet length too long/i.test(err?.message ?? '')) {
    return `cannot talk TLS to ${server} (${err.message}); is it an http:// URL?`
  }
  return `cannot reach the API server at ${server}: ${err?.message ?? String(e)}`
}

/** Parses the command line and runs the agents until SIGINT/SIGTERM. Throws one-line Errors. */
export async function runAgent(argv: string[]): Promise<void> {
  let values
  try {
    ({ values } = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false }))
  } catch (e) {
    throw new Error(`agent: ${(e as Error).message}`)
  }
  if (values.help) {
    process.stdout.write(AGENT_USAGE)
    return
  }
  const kc = values.kubeconfig ? fromKubeconfig(values.kubeconfig) : {}
  const server = values.server ?? kc.server
  if (!server) throw new Error('agent: --server URL is required (or --kubeconfig FILE)')
  let url: URL
  try {
    url = new URL(server)
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('scheme')
  } catch {
    throw new Error(`agent: --server ${JSON.stringify(server)} is not an http(s) URL`)
  }
  const token = values.token ?? (values['token-file'] ? readFile('--token-file', values['token-file']).trim() : kc.token)
  if (!token) throw new Error('agent: --token T is required (or --token-file / --kubeconfig)')
  const name = values.name
  if (!name) throw new Error('agent: --name NODE is required')
  if (!DNS_LABEL.test(name) || name.length > 63) throw new Error(`agent: --name ${JSON.stringify(name)} is not a valid node name (lowercase letters, digits, '-' and '.')`)
  const runtime = values.runtime ?? 'simulated'
  if (runtime !== 'simulated') throw new Error(`agent: --runtime ${runtime}: not available in this build (only 'simulated')`)
  const count = positiveInt('--count', values.count, 1)
  const maxPods = positiveInt('--max-pods', values['max-pods'], 110)
  const ca = values.ca ? readFile('--ca', values.ca) : kc.ca
  if (values.insecure) {
    // TODO(#4): the Client has no insecureSkipTLSVerify option yet; this process-wide switch stands in.
    process.env['NODE_TLS_REJECT_UNAUTHORIZED'] = '0'
    process.removeAllListeners('warning')
  }
  const heartbeat = values['heartbeat-interval'] !== undefined ? parseDuration(values['heartbeat-interval']) : undefined
  if (values['heartbeat-interval'] !== undefined && (heartbeat === undefined || heartbeat < 100)) {
    throw new Error(`agent: --heartbeat-interval ${JSON.stringify(values['heartbeat-interval'])}: want a duration like 10s`)
  }
  const labels: Record<string, string> = {}
  for (const pair of (values['node-labels'] ?? '').split(',').filter(Boolean)) {
    const [k, v = ''] = pair.split('=')
    if (!k) throw new Error(`agent: --node-labels: bad pair ${JSON.stringify(pair)} (want key=value)`)
    labels[k] = v
  }
  const stages = loadStages(values.stages ?? undefined) // throws StageError naming file and field

  const client = new Client({ server: url.toString().replace(/\/$/, ''), token, ca, userAgent: 'kubelet/v1.33.0 (linux/amd64) kubeling' })
  try {
    await Promise.race([
      client.list(NODES, undefined, { limit: 1 }),
      new Promise((_r, reject) => setTimeout(() => reject(Object.assign(new Error('no answer within 10s'), { code: 'ETIMEDOUT' })), 10_000).unref()),
    ])
  } catch (e) {
    client.close()
    throw new Error(`agent: ${describeConnectionError(server, e)}`)
  }

  const names = count === 1 ? [name] : Array.from({ length: count }, (_, i) => `${name}-${i + 1}`)
  const base = nodeIndexFor(name)
  const nodes: FleetNode[] = names.map((n, i) => {
    const { podCIDR, address } = simulatedAddresses(base + i)
    return {
      identity: {
        name: n, address, podCIDR, runtimeName: 'simulated', runtimeVersion: '0.1.0', labels,
        capacity: { cpu: values.cpu ?? '4', memory: values.memory ?? '16Gi', pods: String(maxPods), ephemeralStorage: '100Gi' },
      },
      runtime: new SimulatedRuntime({ stages, podCIDR }),
    }
  })
  const events = new ApiEventRecorder(client, { component: 'kubelet', qps: 50, burst: 500 })
  const fleet = new AgentFleet({
    client, nodes, events: (n) => events.forHost(n),
    ...(heartbeat !== undefined ? { heartbeat: { intervalMs: heartbeat } } : {}),
  })
  const stop = new AbortController()
  const onSignal = (sig: string): void => {
    process.stdout.write(`kubeling agent: ${sig} received, stopping\n`)
    stop.abort()
    setTimeout(() => process.exit(0), 200).unref()
  }
  process.once('SIGINT', () => onSignal('SIGINT'))
  process.once('SIGTERM', () => onSignal('SIGTERM'))
  const running = fleet.run(stop.signal)
  await Promise.race([fleet.registered(), running])
  if (!stop.signal.aborted) process.stdout.write(`kubeling agent: ${names.length === 1 ? `node ${names[0] ?? ''}` : `${names.length} nodes (${names[0] ?? ''} … ${names[names.length - 1] ?? ''})`} registered with ${server}\n`)
  await running
  client.close()
}
