/**
 * Starts what runs on nodes inside `kubeling up`: the scheduler, the node lifecycle
 * controller (with pod GC) and N simulated node agents, all in-process and all sharing ONE
 * set of informers (pods, nodes, leases) so the process holds one pod cache, not three.
 * (Owned by the nodes stage; `up.ts` calls it after the API server is listening.)
 *
 * Environment overrides (until `up` grows the flags):
 *   KUBELING_NODE_MONITOR_GRACE_PERIOD  e.g. `8s` (default 40s)
 *   KUBELING_STAGES                     a directory of stage YAML files for the simulated runtime
 */
import type { Client } from '../client/index.js'
import { getResource } from '../api/index.js'
import { AgentFleet, simulatedAddresses } from '../agent/index.js'
import type { FleetNode, NodeObject, PodObject } from '../agent/index.js'
import { SimulatedRuntime, loadStages, parseDuration } from '../agent/runtime/simulated/index.js'
import type { Stage } from '../agent/runtime/simulated/index.js'
import { EventRecorder, SharedInformers } from '../controllers/common/index.js'
import { NodeLifecycleController } from '../controllers/nodelifecycle/index.js'
import { ApiEventRecorder, Scheduler } from '../scheduler/index.js'
import type { ClaimObject, ClassObject, VolumeObject } from '../scheduler/index.js'
import { logger } from '../lib/log.js'

const log = logger('nodes')

export interface StartNodesOptions {
  client: Client
  /** builds another client for a component (its user agent names it: `kubelet`, `kube-scheduler`) */
  newClient: (component?: string) => Client
  nodes: number
  runtime: string
  dataDir: string
  signal: AbortSignal
  progress: (line: string) => void
  /** a directory of simulated-runtime stage files (default: the shipped ones) */
  stagesDir?: string | undefined
  /** node-monitor-grace-period in ms (default 40 s) */
  nodeMonitorGracePeriodMs?: number | undefined
  /** informers shared with other components in the process (default: a new set) */
  informers?: SharedInformers | undefined
}

const PODS = getResource('', 'pods')
const NODES = getResource('', 'nodes')

/** Simulated nodes `node-1` … `node-N` (index-derived pod CIDRs and addresses). */
export function simulatedNodes(count: number, stages: readonly Stage[], opts: { prefix?: string; first?: number } = {}): FleetNode[] {
  const out: FleetNode[] = []
  for (let i = 0; i < count; i++) {
    const n = (opts.first ?? 1) + i
    const { podCIDR, address } = simulatedAddresses(n)
    out.push({
      identity: {
        name: `${opts.prefix ?? 'node'}-${n}`, address, podCIDR, runtimeName: 'simulated', runtimeVersion: '0.1.0',
        capacity: { cpu: '4', memory: '16Gi', pods: '110', ephemeralStorage: '100Gi' },
      },
      runtime: new SimulatedRuntime({ stages, podCIDR }),
    })
  }
  return out
}

export interface NodeComponents {
  scheduler: Scheduler
  lifecycle: NodeLifecycleController
  fleet: AgentFleet | undefined
  informers: SharedInformers
}

export async function startNodes(opts: StartNodesOptions): Promise<void> {
  await startNodeComponents(opts)
}

/** Like startNodes, and hands back the components (benchmarks read their counters). */
export async function startNodeComponents(opts: StartNodesOptions & { kubeletEventQps?: number; schedulerEventQps?: number }): Promise<NodeComponents> {
  const { client, signal } = opts
  const envGrace = process.env['KUBELING_NODE_MONITOR_GRACE_PERIOD']
  const graceMs = opts.nodeMonitorGracePeriodMs ?? (envGrace ? parseDuration(envGrace) : undefined)
  if (envGrace && graceMs === undefined) throw new Error(`KUBELING_NODE_MONITOR_GRACE_PERIOD: invalid duration ${JSON.stringify(envGrace)} (want e.g. 40s)`)
  const stages = opts.nodes > 0 ? loadStages(opts.stagesDir ?? process.env['KUBELING_STAGES'] ?? undefined) : []

  const informers = opts.informers ?? new SharedInformers(client)
  const podInformer = informers.informer<PodObject>(PODS)
  const nodeInformer = informers.informer<NodeObject>(NODES)

  // Claims, volumes and classes come from the shared set too (one watch each in the process).
  const claimInformer = informers.informer<ClaimObject>(getResource('', 'persistentvolumeclaims'))
  const volumeInformer = informers.informer<VolumeObject>(getResource('', 'persistentvolumes'))
  const classInformer = informers.informer<ClassObject>(getResource('storage.k8s.io', 'storageclasses'))
  const schedulerClient = opts.newClient('kube-scheduler')
  const scheduler = new Scheduler({
    client: schedulerClient, podInformer, nodeInformer, claimInformer, volumeInformer, classInformer,
    events: new ApiEventRecorder(schedulerClient, { component: 'default-scheduler', ...(opts.schedulerEventQps !== undefined ? { qps: opts.schedulerEventQps, burst: opts.schedulerEventQps * 10 } : {}) }),
  })
  const lifecycle = new NodeLifecycleController({
    client, informers, recorder: new EventRecorder(client, 'node-controller'),
    ...(graceMs !== undefined ? { gracePeriodMs: graceMs } : {}),
  })
  const kubeletQps = opts.kubeletEventQps ?? 200
  const kubelet = new ApiEventRecorder(opts.newClient('kubelet'), { component: 'kubelet', qps: kubeletQps, burst: kubeletQps * 10 })
  const fleet = opts.nodes > 0
    ? new AgentFleet({
      client: opts.newClient('kubelet'), nodes: simulatedNodes(opts.nodes, stages), podInformer, nodeInformer, claimInformer, volumeInformer,
      events: (node) => kubelet.forHost(node),
      ...(graceMs !== undefined ? { heartbeat: { intervalMs: Math.max(1000, Math.min(10_000, Math.floor(graceMs / 4))) } } : {}),
    })
    : undefined

  informers.start(signal)
  scheduler.run(signal).catch((e: unknown) => log.error('scheduler stopped', { err: e }))
  informers.synced()
    .then(() => { if (!signal.aborted) lifecycle.start(signal) })
    .catch((e: unknown) => log.error('node lifecycle controller failed', { err: e }))
  opts.progress(`kubeling: scheduler and node lifecycle controller (grace period ${Math.round((graceMs ?? 40_000) / 1000)}s)`)
  const components = { scheduler, lifecycle, fleet, informers }
  if (!fleet) return components
  fleet.run(signal).catch((e: unknown) => log.error('node agents stopped', { err: e }))
  await fleet.registered()
  const names = fleet.nodeNames
  opts.progress(`kubeling: ${names.length} simulated node${names.length === 1 ? '' : 's'} (${names.length > 3 ? `${names[0] ?? ''} … ${names[names.length - 1] ?? ''}` : names.join(', ')})`)
  return components
}
