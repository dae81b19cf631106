/** Printers for core/v1 kinds other than Pod (upstream `printNode`, `printService`, …). */

import type {
  EndpointSubset, LoadBalancerStatus, Namespace, Node, PersistentVolume, PersistentVolumeClaim,
  Service,
} from 'kubernetes-types/core/v1.js'
import type { KubeObject } from '../../api/index.js'
import { ageColumn, ageOf, nameColumn, nameOf } from './common.js'
import { DOC } from './descriptions.js'
import { since } from './duration.js'
import { accessModesString, byCodeUnit, countKeys, formatLabels, int, rec, str } from './format.js'
import { formatQuantity } from './quantity.js'
import { col, view, type TablePrinter } from './types.js'

// ---------------------------------------------------------------------------------------------
// nodes

const NODE_ROLE_PREFIX = 'node-role.kubernetes.io/'
const NODE_ROLE_LABEL = 'kubernetes.io/role'

/** `findNodeRoles`: `node-role.kubernetes.io/<role>` keys and `kubernetes.io/role=<role>`, sorted. */
export function nodeRoles(labels: Record<string, string> | undefined): string[] {
  const roles = new Set<string>()
  for (const [k, v] of Object.entries(labels ?? {})) {
    if (k.startsWith(NODE_ROLE_PREFIX)) {
      const role = k.slice(NODE_ROLE_PREFIX.length)
      if (role) roles.add(role)
    } else if (k === NODE_ROLE_LABEL && v !== '') {
      roles.add(v)
    }
  }
  return [...roles].sort(byCodeUnit)
}

function nodeStatus(node: Node): string {
  const status: string[] = []
  // only the Ready condition is reported; the last one of that type wins, as in upstream's map
  const ready = (node.status?.conditions ?? []).filter((c) => c.type === 'Ready').at(-1)
  if (ready) status.push(ready.status === 'True' ? 'Ready' : 'NotReady')
  if (status.length === 0) status.push('Unknown')
  if (node.spec?.unschedulable) status.push('SchedulingDisabled')
  return status.join(',')
}

function nodeAddress(node: Node, type: string): string {
  return node.status?.addresses?.find((a) => a.type === type)?.address ?? '<none>'
}

export const nodePrinter: TablePrinter = {
  columns: [
    nameColumn(),
    col('Status', 'string', 'The status of the node'),
    col('Roles', 'string', 'The roles of the node'),
    ageColumn(),
    col('Version', 'string', DOC['NodeSystemInfo.kubeletVersion']),
    col('Internal-IP', 'string', DOC['NodeStatus.addresses'], { priority: 1 }),
    col('External-IP', 'string', DOC['NodeStatus.addresses'], { priority: 1 }),
    col('OS-Image', 'string', DOC['NodeSystemInfo.osImage'], { priority: 1 }),
    col('Kernel-Version', 'string', DOC['NodeSystemInfo.kernelVersion'], { priority: 1 }),
    col('Container-Runtime', 'string', DOC['NodeSystemInfo.containerRuntimeVersion'], { priority: 1 }),
  ],
  cells(obj, now) {
    const node = view<Node>(obj)
    const info = node.status?.nodeInfo
    const roles = nodeRoles(obj.metadata.labels).join(',')
    return [
      nameOf(obj), nodeStatus(node), roles || '<none>', ageOf(obj, now), info?.kubeletVersion ?? '',
      nodeAddress(node, 'InternalIP'), nodeAddress(node, 'ExternalIP'),
      info?.osImage || '<unknown>', info?.kernelVersion || '<unknown>', info?.containerRuntimeVersion || '<unknown>',
    ]
  },
}

// ---------------------------------------------------------------------------------------------
// namespaces

export const namespacePrinter: TablePrinter = {
  columns: [nameColumn(), col('Status', 'string', 'The status of the namespace'), ageColumn()],
  cells: (obj, now) => [
    // SetDefaults_NamespaceStatus: an unset phase is Active
    nameOf(obj), view<Namespace>(obj).status?.phase || 'Active', ageOf(obj, now),
  ],
}

// ---------------------------------------------------------------------------------------------
// services

/** `loadBalancerStatusStringer` (wide, so never clipped): sorted, de-duplicated IPs/hostnames. */
function loadBalancerString(s: LoadBalancerStatus | undefined): string {
  const result = new Set<string>()
  for (const ing of s?.ingress ?? []) {
    if (ing.ip) result.add(ing.ip)
    else if (ing.hostname) result.add(ing.hostname)
  }
  return [...result].sort(byCodeUnit).join(',')
}

function serviceExternalIP(svc: Service, type: string): string {
  const externalIPs = svc.spec?.externalIPs ?? []
  switch (type) {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length > 0 ? externalIPs.join(',') : '<none>'
    case 'LoadBalancer': {
      const lbIps = loadBalancerString(svc.status?.loadBalancer)
      if (externalIPs.length > 0) {
        return [...(lbIps ? lbIps.split(',') : []), ...externalIPs].join(',')
      }
      return lbIps || '<pending>'
    }
    case 'ExternalName':
      return svc.spec?.externalName ?? ''
    default:
      return '<unknown>'
  }
}

/** `makePortString`: `80/TCP`, `80:30080/TCP`, comma-joined. */
function servicePorts(svc: Service): string {
  return (svc.spec?.ports ?? []).map((p) => {
    const protocol = p.protocol || 'TCP' // SetDefaults_ServicePort
    return p.nodePort && p.nodePort > 0 ? `${p.port}:${p.nodePort}/${protocol}` : `${p.port}/${protocol}`
  }).join(',')
}

export const servicePrinter: TablePrinter = {
  columns: [
    nameColumn(),
    col('Type', 'string', DOC['ServiceSpec.type']),
    col('Cluster-IP', 'string', DOC['ServiceSpec.clusterIP']),
    col('External-IP', 'string', DOC['ServiceSpec.externalIPs']),
    col('Port(s)', 'string', DOC['ServiceSpec.ports']),
    ageColumn(),
    col('Selector', 'string', DOC['ServiceSpec.selector'], { priority: 1 }),
  ],
  cells(obj, now) {
    const svc = view<Service>(obj)
    const type = svc.spec?.type || 'ClusterIP' // SetDefaults_Service
    // clusterIPs is defaulted from clusterIP upstream; accept objects that only carry the latter
    const clusterIPs = svc.spec?.clusterIPs ?? (svc.spec?.clusterIP !== undefined ? [svc.spec.clusterIP] : [])
    const internalIP = clusterIPs.length > 0 ? clusterIPs[0] ?? '' : '<none>'
    return [
      nameOf(obj), type, internalIP, serviceExternalIP(svc, type), servicePorts(svc) || '<none>', ageOf(obj, now),
      formatLabels(svc.spec?.selector),
    ]
  },
}

// ---------------------------------------------------------------------------------------------
// endpoints

/** `net.JoinHostPort`: brackets around IPv6 hosts. */
function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`
}

/** `formatEndpoints(endpoints, nil)`: at most 3 `ip:port`s, then ` + N more...`. */
export function formatEndpoints(subsets: readonly EndpointSubset[] | undefined): string {
  if (!subsets || subsets.length === 0) return '<none>'
  const list: string[] = []
  const max = 3
  let more = false
  let count = 0
  for (const ss of subsets) {
    const addresses = ss.addresses ?? []
    const ports = ss.ports ?? []
    if (ports.length === 0) {
      // headless services may have no ports
      count += addresses.length
      for (const addr of addresses) {
        if (list.length === max) {
          more = true
          break
        }
        list.push(addr.ip)
      }
      continue
    }
    for (const port of ports) {
      count += addresses.length
      for (const addr of addresses) {
        if (list.length === max) {
          more = true
          break
        }
        list.push(joinHostPort(addr.ip, port.port))
      }
    }
  }
  const ret = list.join(',')
  return more ? `${ret} + ${count - max} more...` : ret
}

export const endpointsPrinter: TablePrinter = {
  columns: [nameColumn(), col('Endpoints', 'string', DOC['Endpoints.subsets']), ageColumn()],
  cells: (obj, now) => [nameOf(obj), formatEndpoints(view<{ subsets?: EndpointSubset[] }>(obj).subsets), ageOf(obj, now)],
}

// ---------------------------------------------------------------------------------------------
// persistent volumes and claims

const BETA_STORAGE_CLASS_ANNOTATION = 'volume.beta.kubernetes.io/storage-class'

/** `spec.volumeAttributesClassName` (a pointer upstream: set-but-empty prints empty). */
function volumeAttributesClass(spec: object): string {
  const v = rec(spec)['volumeAttributesClassName']
  return typeof v === 'string' ? v : '<unset>'
}

/** `helper.GetPersistentVolume(Claim)Class`: the beta annotation wins over the field. */
function storageClassOf(obj: KubeObject, field: string | undefined): string {
  const annotations = obj.metadata.annotations ?? {}
  if (Object.hasOwn(annotations, BETA_STORAGE_CLASS_ANNOTATION)) return annotations[BETA_STORAGE_CLASS_ANNOTATION] ?? ''
  return field ?? ''
}

export const persistentVolumePrinter: TablePrinter = {
  columns: [
    nameColumn(),
    col('Capacity', 'string', DOC['PersistentVolumeSpec.capacity']),
    col('Access Modes', 'string', DOC['PersistentVolumeSpec.accessModes']),
    col('Reclaim Policy', 'string', DOC['PersistentVolumeSpec.persistentVolumeReclaimPolicy']),
    col('Status', 'string', DOC['PersistentVolumeStatus.phase']),
    col('Claim', 'string', DOC['PersistentVolumeSpec.claimRef']),
    col('StorageClass', 'string', 'StorageClass of the pv'),
    col('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pv'),
    col('Reason', 'string', DOC['PersistentVolumeStatus.reason']),
    ageColumn(),
    col('VolumeMode', 'string', DOC['PersistentVolumeSpec.volumeMode'], { priority: 1 }),
  ],
  cells(obj, now) {
    const pv = view<PersistentVolume>(obj)
    const spec = pv.spec ?? {}
    const claimRef = spec.claimRef ? `${spec.claimRef.namespace ?? ''}/${spec.claimRef.name ?? ''}` : ''
    // SetDefaults_PersistentVolume: Pending, Retain, Filesystem
    const phase = obj.metadata.deletionTimestamp != null ? 'Terminating' : pv.status?.phase || 'Pending'
    const storageClass = storageClassOf(obj, spec.storageClassName)
    return [
      nameOf(obj),
      formatQuantity(spec.capacity?.['storage']),
      accessModesString(spec.accessModes),
      spec.persistentVolumeReclaimPolicy || 'Retain',
      phase,
      claimRef,
      storageClass,
      volumeAttributesClass(spec),
      pv.status?.reason ?? '',
      ageOf(obj, now),
      spec.volumeMode ?? 'Filesystem',
    ]
  },
}

export const persistentVolumeClaimPrinter: TablePrinter = {
  columns: [
    nameColumn(),
    col('Status', 'string', DOC['PersistentVolumeClaimStatus.phase']),
    col('Volume', 'string', DOC['PersistentVolumeClaimSpec.volumeName']),
    col('Capacity', 'string', DOC['PersistentVolumeClaimStatus.capacity']),
    col('Access Modes', 'string', DOC['PersistentVolumeClaimStatus.accessModes']),
    col('StorageClass', 'string', 'StorageClass of the pvc'),
    col('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pvc'),
    ageColumn(),
    col('VolumeMode', 'string', DOC['PersistentVolumeClaimSpec.volumeMode'], { priority: 1 }),
  ],
  cells(obj, now) {
    const pvc = view<PersistentVolumeClaim>(obj)
    const spec = pvc.spec ?? {}
    // SetDefaults_PersistentVolumeClaim(Spec): Pending, Filesystem
    const phase = obj.metadata.deletionTimestamp != null ? 'Terminating' : pvc.status?.phase || 'Pending'
    const volumeName = spec.volumeName ?? ''
    let capacity = ''
    let accessModes = ''
    if (volumeName !== '') {
      accessModes = accessModesString(pvc.status?.accessModes)
      capacity = formatQuantity(pvc.status?.capacity?.['storage'])
    }
    const storageClass = storageClassOf(obj, spec.storageClassName)
    return [
      nameOf(obj), phase, volumeName, capacity, accessModes, storageClass, volumeAttributesClass(spec),
      ageOf(obj, now),
      spec.volumeMode ?? 'Filesystem',
    ]
  },
}

// ---------------------------------------------------------------------------------------------
// events (core/v1; events.k8s.io/v1 objects are mapped onto this shape first)

/** The internal Event fields the printer reads, as core/v1 JSON names them. */
export interface CoreEventView {
  metadata?: { name?: string }
  involvedObject?: { kind?: string; name?: string; fieldPath?: string }
  reason?: string
  message?: string
  source?: { component?: string; host?: string }
  firstTimestamp?: string
  lastTimestamp?: string
  count?: number
  type?: string
  eventTime?: string
  series?: { count?: number; lastObservedTime?: string }
  reportingComponent?: string
  reportingInstance?: string
}

/**
 * events.k8s.io/v1 → the core shape (upstream converts both to the one internal Event):
 * regarding→involvedObject, note→message, deprecatedSource/FirstTimestamp/LastTimestamp/Count,
 * reportingController→reportingComponent.
 */
export function eventsV1ToCore(obj: KubeObject): CoreEventView {
  const out: CoreEventView = {
    metadata: { name: obj.metadata.name ?? '' },
    involvedObject: rec(obj['regarding']),
    reason: str(obj['reason']),
    message: str(obj['note']),
    source: rec(obj['deprecatedSource']),
    type: str(obj['type']),
    reportingComponent: str(obj['reportingController']),
    reportingInstance: str(obj['reportingInstance']),
    count: int(obj['deprecatedCount']),
  }
  if (typeof obj['deprecatedFirstTimestamp'] === 'string') out.firstTimestamp = obj['deprecatedFirstTimestamp']
  if (typeof obj['deprecatedLastTimestamp'] === 'string') out.lastTimestamp = obj['deprecatedLastTimestamp']
  if (typeof obj['eventTime'] === 'string') out.eventTime = obj['eventTime']
  const series = obj['series']
  if (series !== undefined && series !== null) {
    const s = rec(series)
    out.series = { count: int(s['count']) }
    if (typeof s['lastObservedTime'] === 'string') out.series.lastObservedTime = s['lastObservedTime']
  }
  return out
}

/** `formatEventSource`: component (or reporting controller), then `, host` (or instance) if any. */
function formatEventSource(ev: CoreEventView): string {
  const component = ev.source?.component || ev.reportingComponent || ''
  const instance = ev.source?.host || ev.reportingInstance || ''
  return instance ? `${component}, ${instance}` : component
}

export function eventCells(ev: CoreEventView, now: number): unknown[] {
  const firstTimestamp = ev.firstTimestamp ? since(ev.firstTimestamp, now) : since(ev.eventTime, now)
  let lastTimestamp = ev.lastTimestamp ? since(ev.lastTimestamp, now) : firstTimestamp
  let count = ev.count ?? 0
  if (ev.series) {
    lastTimestamp = since(ev.series.lastObservedTime, now)
    count = ev.series.count ?? 0
  } else if (count === 0) {
    // singleton events of the new API carry no count
    count = 1
  }
  const kind = (ev.involvedObject?.kind ?? '').toLowerCase()
  const target = ev.involvedObject?.name ? `${kind}/${ev.involvedObject.name}` : kind
  return [
    lastTimestamp, ev.type ?? '', ev.reason ?? '', target, ev.involvedObject?.fieldPath ?? '',
    formatEventSource(ev), (ev.message ?? '').trim(), firstTimestamp, count, ev.metadata?.name ?? '',
  ]
}

export const eventColumns = [
  col('Last Seen', 'string', DOC['Event.lastTimestamp']),
  col('Type', 'string', DOC['Event.type']),
  col('Reason', 'string', DOC['Event.reason']),
  col('Object', 'string', DOC['Event.involvedObject']),
  col('Subobject', 'string', DOC['ObjectReference.fieldPath'], { priority: 1 }),
  col('Source', 'string', DOC['Event.source'], { priority: 1 }),
  col('Message', 'string', DOC['Event.message']),
  col('First Seen', 'string', DOC['Event.firstTimestamp'], { priority: 1 }),
  col('Count', 'string', DOC['Event.count'], { priority: 1 }),
  nameColumn({ priority: 1 }),
]

export const eventPrinter: TablePrinter = {
  columns: eventColumns,
  cells: (obj, now) => eventCells(view<CoreEventView>(obj), now),
}

export const eventsV1Printer: TablePrinter = {
  columns: eventColumns,
  cells: (obj, now) => eventCells(eventsV1ToCore(obj), now),
}

// ---------------------------------------------------------------------------------------------
// config maps, secrets, service accounts

export const configMapPrinter: TablePrinter = {
  columns: [nameColumn(), col('Data', 'string', DOC['ConfigMap.data']), ageColumn()],
  cells: (obj, now) => [nameOf(obj), countKeys(obj['data']) + countKeys(obj['binaryData']), ageOf(obj, now)],
}

export const secretPrinter: TablePrinter = {
  columns: [
    nameColumn(),
    col('Type', 'string', DOC['Secret.type']),
    col('Data', 'string', DOC['Secret.data']),
    ageColumn(),
  ],
  // SetDefaults_Secret: an unset type is Opaque
  cells: (obj, now) => [nameOf(obj), str(obj['type']) || 'Opaque', countKeys(obj['data']), ageOf(obj, now)],
}

export const serviceAccountPrinter: TablePrinter = {
  columns: [nameColumn(), col('Secrets', 'string', DOC['ServiceAccount.secrets']), ageColumn()],
  cells: (obj, now) => [nameOf(obj), Array.isArray(obj['secrets']) ? obj['secrets'].length : 0, ageOf(obj, now)],
}
