/**
 * Upstream defaulting (pkg/apis/core/v1/defaults.go, pkg/apis/apps/v1/defaults.go,
 * storage/v1, discovery/v1) for objects already in their storage version, plus the
 * few server-side settings kubectl users see as defaults (namespace finalizers, the
 * DaemonSet template-generation annotation, Service clusterIPs/ipFamilies).
 *
 * Everything mutates in place and is idempotent: applying twice changes nothing.
 */
import type { Pod } from 'kubernetes-types/core/v1.js'
import type { KubeObject } from '../object.js'
import { tryParseQuantity } from '../quantity/index.js'
import { TEMPLATE_GENERATION_ANNOTATION, defaultDaemonSetStrategy } from './daemonset.js'
import { arr, deepEqual, ensure, isObj, num, obj, objs, semanticEqual, setDefault, str, type J } from '../validation/json.js'

export { TEMPLATE_GENERATION_ANNOTATION } from './daemonset.js'

/** Feature gates that change defaults. */
export const featureGates = {
  /** beta (default on) from ~1.35; the StatefulSet basics tutorials show it off */
  MaxUnavailableStatefulSet: false,
}

// ---------------------------------------------------------------- quantities

/** SetDefaults_ResourceList: round up to milli precision and store the canonical spelling. */
export function defaultResourceList(list: unknown): void {
  if (!isObj(list)) return
  for (const [k, v] of Object.entries(list)) {
    const q = tryParseQuantity(v)
    if (q) list[k] = q.roundUp(-3).toString()
  }
}

function defaultResourceRequirements(res: unknown): void {
  const r = obj(res)
  if (!r) return
  defaultResourceList(r['limits'])
  defaultResourceList(r['requests'])
}

// ---------------------------------------------------------------- pods

/** ParseImageName's tag: "latest" when the reference has neither tag nor digest. */
export function imageTag(image: string): string {
  if (image.trim() === '' || /[A-Z\s]/.test(image.split('/')[0] ?? '')) return ''
  if (image.includes('@')) {
    const beforeDigest = image.slice(0, image.indexOf('@'))
    const last = beforeDigest.slice(beforeDigest.lastIndexOf('/') + 1)
    return last.includes(':') ? last.slice(last.indexOf(':') + 1) : ''
  }
  const last = image.slice(image.lastIndexOf('/') + 1)
  return last.includes(':') ? last.slice(last.indexOf(':') + 1) : 'latest'
}

function defaultHTTPGet(h: unknown): void {
  const g = obj(h)
  if (!g) return
  setDefault(g, 'path', '/')
  setDefault(g, 'scheme', 'HTTP')
}

function defaultProbe(p: unknown): void {
  const probe = obj(p)
  if (!probe) return
  for (const [f, v] of [['timeoutSeconds', 1], ['periodSeconds', 10], ['successThreshold', 1], ['failureThreshold', 3]] as const) {
    if (!num(probe[f])) probe[f] = v
  }
  defaultHTTPGet(probe['httpGet'])
}

function defaultFieldRef(fr: unknown): void {
  const f = obj(fr)
  if (f) setDefault(f, 'apiVersion', 'v1')
}

function defaultContainer(c: J): void {
  if (!str(c['imagePullPolicy'])) c['imagePullPolicy'] = imageTag(str(c['image'])) === 'latest' ? 'Always' : 'IfNotPresent'
  setDefault(c, 'terminationMessagePath', '/dev/termination-log')
  setDefault(c, 'terminationMessagePolicy', 'File')
  for (const p of objs(c['ports'])) setDefault(p, 'protocol', 'TCP')
  for (const e of objs(c['env'])) defaultFieldRef(obj(e['valueFrom'])?.['fieldRef'])
  defaultProbe(c['livenessProbe'])
  defaultProbe(c['readinessProbe'])
  defaultProbe(c['startupProbe'])
  const lc = obj(c['lifecycle'])
  if (lc) for (const hook of ['postStart', 'preStop']) defaultHTTPGet(obj(lc[hook])?.['httpGet'])
  defaultResourceRequirements(c['resources'])
}

const VOLUME_SOURCES = [
  'hostPath', 'emptyDir', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'secret', 'nfs', 'iscsi', 'glusterfs',
  'persistentVolumeClaim', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'downwardAPI', 'fc', 'azureFile', 'configMap',
  'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'projected', 'portworxVolume', 'scaleIO', 'storageos',
  'csi', 'ephemeral', 'image',
]

function defaultVolume(v: J): void {
  if (VOLUME_SOURCES.every((s) => v[s] === undefined || v[s] === null)) v['emptyDir'] = {}
  for (const kind of ['secret', 'configMap', 'downwardAPI', 'projected']) {
    const s = obj(v[kind])
    if (s) setDefault(s, 'defaultMode', 420)
  }
  const hp = obj(v['hostPath'])
  if (hp) setDefault(hp, 'type', '', false)
  for (const item of objs(obj(v['downwardAPI'])?.['items'])) defaultFieldRef(item['fieldRef'])
  for (const src of objs(obj(v['projected'])?.['sources'])) {
    const sat = obj(src['serviceAccountToken'])
    if (sat) setDefault(sat, 'expirationSeconds', 3600)
    for (const item of objs(obj(src['downwardAPI'])?.['items'])) defaultFieldRef(item['fieldRef'])
  }
  const eph = obj(obj(v['ephemeral'])?.['volumeClaimTemplate'])
  if (eph) defaultPersistentVolumeClaimSpec(ensure(eph, 'spec'))
  const img = obj(v['image'])
  if (img && !str(img['pullPolicy'])) img['pullPolicy'] = imageTag(str(img['reference'])) === 'latest' ? 'Always' : 'IfNotPresent'
}

/** SetDefaults_PodSpec and everything nested in it (containers, volumes, probes). */
export function defaultPodSpec(spec: J): void {
  setDefault(spec, 'dnsPolicy', 'ClusterFirst')
  setDefault(spec, 'restartPolicy', 'Always')
  if (!isObj(spec['securityContext'])) spec['securityContext'] = {}
  setDefault(spec, 'terminationGracePeriodSeconds', 30)
  setDefault(spec, 'schedulerName', 'default-scheduler')
  for (const kind of ['containers', 'initContainers', 'ephemeralContainers']) for (const c of objs(spec[kind])) defaultContainer(c)
  for (const v of objs(spec['volumes'])) defaultVolume(v)
  defaultResourceRequirements(spec['resources'])
}

const SYSTEM_PRIORITIES: Readonly<Record<string, number>> = {
  'system-node-critical': 2000001000,
  'system-cluster-critical': 2000000000,
}

/** SetDefaults_Pod (pod-only defaults) and the Priority admission's defaults. */
function defaultPod(pod: J): void {
  const spec = ensure(pod, 'spec')
  defaultPodSpec(spec)
  for (const kind of ['containers', 'initContainers']) {
    for (const c of objs(spec[kind])) {
      const res = obj(c['resources'])
      const limits = obj(res?.['limits'])
      if (!res || !limits) continue
      const requests = ensure(res, 'requests')
      for (const [k, v] of Object.entries(limits)) if (!(k in requests)) requests[k] = v
    }
  }
  setDefault(spec, 'enableServiceLinks', true)
  if (spec['hostNetwork'] === true) {
    for (const kind of ['containers', 'initContainers']) {
      for (const c of objs(spec[kind])) for (const p of objs(c['ports'])) if (!num(p['hostPort'])) p['hostPort'] = p['containerPort']
    }
  }
  if (spec['priority'] === undefined || spec['priority'] === null) spec['priority'] = SYSTEM_PRIORITIES[str(spec['priorityClassName'])] ?? 0
  setDefault(spec, 'preemptionPolicy', 'PreemptLowerPriority')
}

function defaultPodTemplate(template: unknown): void {
  const t = obj(template)
  if (t) defaultPodSpec(ensure(t, 'spec'))
}

/**
 * DefaultTolerationSeconds admission (pods only, on create): tolerate the not-ready
 * and unreachable NoExecute taints for 300s unless the pod already tolerates them.
 */
export function defaultTolerationSeconds(pod: KubeObject | Pod, seconds = 300): void {
  const spec = ensure(pod as unknown as J, 'spec')
  const tolerations = objs(spec['tolerations'])
  const tolerates = (key: string) => tolerations.some((t) =>
    (str(t['key']) === key || str(t['key']) === '') && (str(t['effect']) === 'NoExecute' || str(t['effect']) === ''))
  const add: J[] = []
  if (!tolerates('node.kubernetes.io/not-ready')) add.push({ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: seconds })
  if (!tolerates('node.kubernetes.io/unreachable')) add.push({ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: seconds })
  if (add.length) spec['tolerations'] = [...tolerations, ...add]
}

/** The pod's QoS class, as upstream's ComputePodQOS. */
export function podQOSClass(pod: KubeObject | Pod): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const spec = obj((pod as unknown as J)['spec']) ?? {}
  const containers = [...objs(spec['containers']), ...objs(spec['initContainers'])]
  const requests = new Map<string, bigint>()
  const limits = new Map<string, bigint>()
  let isGuaranteed = true
  for (const c of containers) {
    const res = obj(c['resources']) ?? {}
    const req = obj(res['requests']) ?? {}
    const lim = obj(res['limits']) ?? {}
    for (const [k, v] of Object.entries(req)) {
      if (k !== 'cpu' && k !== 'memory') continue
      const q = tryParseQuantity(v)
      if (q && q.sign() !== 0) requests.set(k, (requests.get(k) ?? 0n) + q.milliValue())
    }
    const seen = new Set<string>()
    for (const [k, v] of Object.entries(lim)) {
      if (k !== 'cpu' && k !== 'memory') continue
      const q = tryParseQuantity(v)
      if (q && q.sign() !== 0) {
        seen.add(k)
        limits.set(k, (limits.get(k) ?? 0n) + q.milliValue())
      }
    }
    if (!seen.has('cpu') || !seen.has('memory')) isGuaranteed = false
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort'
  if (isGuaranteed) {
    for (const [k, v] of requests) if (limits.get(k) !== v) isGuaranteed = false
  }
  return isGuaranteed && limits.size === requests.size ? 'Guaranteed' : 'Burstable'
}

// ---------------------------------------------------------------- workloads

function defaultPersistentVolumeClaimSpec(spec: J): void {
  setDefault(spec, 'volumeMode', 'Filesystem')
  defaultResourceRequirements(spec['resources'])
}

function defaultStatefulSet(sts: J): void {
  const spec = ensure(sts, 'spec')
  setDefault(spec, 'podManagementPolicy', 'OrderedReady')
  const us = ensure(spec, 'updateStrategy')
  if (!str(us['type'])) {
    us['type'] = 'RollingUpdate'
    if (!isObj(us['rollingUpdate'])) us['rollingUpdate'] = {}
  }
  const ru = obj(us['rollingUpdate'])
  if (us['type'] === 'RollingUpdate' && ru) {
    setDefault(ru, 'partition', 0)
    if (featureGates.MaxUnavailableStatefulSet) setDefault(ru, 'maxUnavailable', 1)
  }
  const rp = ensure(spec, 'persistentVolumeClaimRetentionPolicy')
  setDefault(rp, 'whenDeleted', 'Retain')
  setDefault(rp, 'whenScaled', 'Retain')
  setDefault(spec, 'replicas', 1)
  setDefault(spec, 'revisionHistoryLimit', 10)
  defaultPodTemplate(spec['template'])
  for (const claim of objs(spec['volumeClaimTemplates'])) {
    defaultPersistentVolumeClaimSpec(ensure(claim, 'spec'))
    setDefault(ensure(claim, 'status'), 'phase', 'Pending')
  }
}

function defaultDaemonSet(ds: J): void {
  const spec = ensure(ds, 'spec')
  defaultDaemonSetStrategy(spec, 'RollingUpdate')
  defaultPodTemplate(spec['template'])
  const ann = ensure(ensure(ds, 'metadata'), 'annotations')
  setDefault(ann, TEMPLATE_GENERATION_ANNOTATION, '1')
}

function defaultDeployment(d: J): void {
  const spec = ensure(d, 'spec')
  setDefault(spec, 'replicas', 1)
  const strategy = ensure(spec, 'strategy')
  setDefault(strategy, 'type', 'RollingUpdate')
  if (strategy['type'] === 'RollingUpdate') {
    const ru = ensure(strategy, 'rollingUpdate')
    setDefault(ru, 'maxUnavailable', '25%')
    setDefault(ru, 'maxSurge', '25%')
  }
  setDefault(spec, 'revisionHistoryLimit', 10)
  setDefault(spec, 'progressDeadlineSeconds', 600)
  defaultPodTemplate(spec['template'])
}

function defaultReplicaSet(rs: J): void {
  const spec = ensure(rs, 'spec')
  setDefault(spec, 'replicas', 1)
  defaultPodTemplate(spec['template'])
}

// ---------------------------------------------------------------- services

/** Keeps clusterIP and clusterIPs in step, as the Service strategy's normalizeClusterIPs does. */
function syncClusterIPs(spec: J, oldSpec?: J): void {
  if (spec['type'] === 'ExternalName') return
  const ip = str(spec['clusterIP'])
  const ips = arr(spec['clusterIPs'])
  if (!oldSpec) {
    if (ip !== '' && ips.length === 0) spec['clusterIPs'] = [ip]
    return
  }
  const oldIP = str(oldSpec['clusterIP'])
  const sameIPs = deepEqual(ips, arr(oldSpec['clusterIPs']))
  if (oldIP !== ip && sameIPs) {
    if (ip === '') delete spec['clusterIPs']
    else spec['clusterIPs'] = [ip, ...ips.slice(1)]
  }
  if (oldIP === ip && !sameIPs && ips.length > 0 && ip === '') spec['clusterIP'] = ips[0]
}

function defaultService(svc: J): void {
  const spec = ensure(svc, 'spec')
  setDefault(spec, 'sessionAffinity', 'None')
  if (spec['sessionAffinity'] === 'None') delete spec['sessionAffinityConfig']
  if (spec['sessionAffinity'] === 'ClientIP') {
    const timeout = obj(obj(spec['sessionAffinityConfig'])?.['clientIP'])?.['timeoutSeconds']
    if (timeout === undefined || timeout === null) spec['sessionAffinityConfig'] = { clientIP: { timeoutSeconds: 10800 } }
  }
  setDefault(spec, 'type', 'ClusterIP')
  for (const p of objs(spec['ports'])) {
    setDefault(p, 'protocol', 'TCP')
    if (p['targetPort'] === undefined || p['targetPort'] === null || p['targetPort'] === 0 || p['targetPort'] === '') p['targetPort'] = p['port']
  }
  const type = spec['type']
  const externallyAccessible = type === 'LoadBalancer' || type === 'NodePort' || (type === 'ClusterIP' && arr(spec['externalIPs']).length > 0)
  if (externallyAccessible) setDefault(spec, 'externalTrafficPolicy', 'Cluster')
  if (type === 'NodePort' || type === 'LoadBalancer' || type === 'ClusterIP') setDefault(spec, 'internalTrafficPolicy', 'Cluster')
  if (type === 'LoadBalancer') setDefault(spec, 'allocateLoadBalancerNodePorts', true)
  syncClusterIPs(spec)
  if (type !== 'ExternalName') {
    const headlessNoSelector = spec['clusterIP'] === 'None' && Object.keys(obj(spec['selector']) ?? {}).length === 0
    setDefault(spec, 'ipFamilyPolicy', headlessNoSelector ? 'RequireDualStack' : 'SingleStack')
    if (arr(spec['ipFamilies']).length === 0) spec['ipFamilies'] = ['IPv4']
  }
}

// ---------------------------------------------------------------- storage and the rest

function defaultPersistentVolume(pv: J): void {
  const spec = ensure(pv, 'spec')
  setDefault(spec, 'persistentVolumeReclaimPolicy', 'Retain')
  setDefault(spec, 'volumeMode', 'Filesystem')
  const hp = obj(spec['hostPath'])
  if (hp) setDefault(hp, 'type', '', false)
  defaultResourceList(spec['capacity'])
  setDefault(ensure(pv, 'status'), 'phase', 'Pending')
}

function defaultPersistentVolumeClaim(pvc: J): void {
  defaultPersistentVolumeClaimSpec(ensure(pvc, 'spec'))
  setDefault(ensure(pvc, 'status'), 'phase', 'Pending')
  defaultResourceList(obj(pvc['status'])?.['capacity'])
}

function defaultNamespace(ns: J): void {
  const meta = ensure(ns, 'metadata')
  const name = str(meta['name'])
  if (name) ensure(meta, 'labels')['kubernetes.io/metadata.name'] = name
  const spec = ensure(ns, 'spec')
  if (!Array.isArray(spec['finalizers'])) spec['finalizers'] = ['kubernetes']
  setDefault(ensure(ns, 'status'), 'phase', 'Active')
}

function defaultNode(node: J): void {
  const status = obj(node['status'])
  if (!status) return
  defaultResourceList(status['capacity'])
  defaultResourceList(status['allocatable'])
  if (!isObj(status['allocatable']) && isObj(status['capacity'])) status['allocatable'] = { ...status['capacity'] }
}

function base64(s: string): string {
  const bytes = new TextEncoder().encode(s)
  let bin = ''
  for (const b of bytes) bin += String.fromCharCode(b)
  return btoa(bin)
}

function defaultSecret(secret: J): void {
  setDefault(secret, 'type', 'Opaque')
  const sd = obj(secret['stringData'])
  if (sd) {
    const data = ensure(secret, 'data')
    for (const [k, v] of Object.entries(sd)) data[k] = base64(str(v))
    delete secret['stringData']
  }
}

function defaultEndpoints(ep: J): void {
  for (const ss of objs(ep['subsets'])) for (const p of objs(ss['ports'])) setDefault(p, 'protocol', 'TCP')
}

function defaultEndpointSlice(es: J): void {
  for (const p of objs(es['ports'])) {
    if (p['name'] === undefined || p['name'] === null) p['name'] = ''
    setDefault(p, 'protocol', 'TCP')
  }
}

function defaultStorageClass(sc: J): void {
  setDefault(sc, 'reclaimPolicy', 'Delete')
  setDefault(sc, 'volumeBindingMode', 'Immediate')
}

/** Mutates obj in place, applying upstream's defaults for (group, resource) at the storage version. */
export function applyDefaults(group: string, resource: string, target: KubeObject): void {
  const o = target as unknown as J
  switch (`${resource}.${group}`) {
    case 'pods.': return defaultPod(o)
    case 'services.': return defaultService(o)
    case 'endpoints.': return defaultEndpoints(o)
    case 'nodes.': return defaultNode(o)
    case 'namespaces.': return defaultNamespace(o)
    case 'persistentvolumes.': return defaultPersistentVolume(o)
    case 'persistentvolumeclaims.': return defaultPersistentVolumeClaim(o)
    case 'secrets.': return defaultSecret(o)
    case 'statefulsets.apps': return defaultStatefulSet(o)
    case 'daemonsets.apps': return defaultDaemonSet(o)
    case 'deployments.apps': return defaultDeployment(o)
    case 'replicasets.apps': return defaultReplicaSet(o)
    case 'endpointslices.discovery.k8s.io': return defaultEndpointSlice(o)
    case 'storageclasses.storage.k8s.io': return defaultStorageClass(o)
    default: return undefined
  }
}

/**
 * Create-time server settings beyond defaulting (upstream's PrepareForCreate pieces
 * that are not status resets): the DaemonSet template generation starts at 1 and the
 * pod's DefaultTolerationSeconds admission.
 */
export function prepareForCreate(group: string, resource: string, target: KubeObject): void {
  const o = target as unknown as J
  switch (`${resource}.${group}`) {
    case 'daemonsets.apps': {
      const ann = ensure(ensure(o, 'metadata'), 'annotations')
      const v = Number(str(ann[TEMPLATE_GENERATION_ANNOTATION]))
      if (!Number.isInteger(v) || v < 1) ann[TEMPLATE_GENERATION_ANNOTATION] = '1'
      return
    }
    case 'pods.':
      return defaultTolerationSeconds(target)
    default:
      return undefined
  }
}

/**
 * Update-time server settings (upstream's PrepareForUpdate and the Service REST's
 * "keep allocated values"): clients cannot change the DaemonSet template generation
 * (it is bumped when the template changes), namespace spec.finalizers (only through
 * /finalize), or drop a Service's allocated clusterIP/nodePorts by omitting them.
 * Call before applyDefaults and validation.
 */
export function prepareForUpdate(group: string, resource: string, target: KubeObject, old: KubeObject): void {
  const o = target as unknown as J
  const prev = old as unknown as J
  switch (`${resource}.${group}`) {
    case 'daemonsets.apps': {
      const oldAnn = obj(obj(prev['metadata'])?.['annotations'])
      const oldGen = Number(str(oldAnn?.[TEMPLATE_GENERATION_ANNOTATION])) || 1
      const changed = !semanticEqual(obj(o['spec'])?.['template'], obj(prev['spec'])?.['template'])
      ensure(ensure(o, 'metadata'), 'annotations')[TEMPLATE_GENERATION_ANNOTATION] = String(changed ? oldGen + 1 : oldGen)
      return
    }
    case 'namespaces.': {
      const spec = ensure(o, 'spec')
      const oldFinalizers = obj(prev['spec'])?.['finalizers']
      if (oldFinalizers === undefined) delete spec['finalizers']
      else spec['finalizers'] = structuredClone(oldFinalizers)
      return
    }
    case 'services.': {
      const spec = ensure(o, 'spec')
      const oldSpec = obj(prev['spec']) ?? {}
      const needsIP = (s: J) => s['type'] !== 'ExternalName'
      if (needsIP(spec) && needsIP(oldSpec)) {
        if (!str(spec['clusterIP']) && str(oldSpec['clusterIP'])) {
          spec['clusterIP'] = oldSpec['clusterIP']
          if (arr(spec['clusterIPs']).length === 0 && oldSpec['clusterIPs'] !== undefined) spec['clusterIPs'] = structuredClone(oldSpec['clusterIPs'])
        }
        if (arr(spec['ipFamilies']).length === 0 && oldSpec['ipFamilies'] !== undefined) spec['ipFamilies'] = structuredClone(oldSpec['ipFamilies'])
        if ((spec['ipFamilyPolicy'] === undefined || spec['ipFamilyPolicy'] === null) && oldSpec['ipFamilyPolicy'] !== undefined) spec['ipFamilyPolicy'] = oldSpec['ipFamilyPolicy']
      }
      syncClusterIPs(spec, oldSpec)
      const oldPorts = objs(oldSpec['ports'])
      for (const p of objs(spec['ports'])) {
        if (num(p['nodePort'])) continue
        const match = oldPorts.find((op) => op['port'] === p['port'] && str(op['protocol'] ?? 'TCP') === str(p['protocol'] ?? 'TCP') && num(op['nodePort']))
        if (match && (spec['type'] === 'NodePort' || spec['type'] === 'LoadBalancer')) p['nodePort'] = match['nodePort']
      }
      if (!num(spec['healthCheckNodePort']) && num(oldSpec['healthCheckNodePort']) && spec['type'] === 'LoadBalancer' && spec['externalTrafficPolicy'] === 'Local') {
        spec['healthCheckNodePort'] = oldSpec['healthCheckNodePort']
      }
      return
    }
    default:
      return undefined
  }
}

