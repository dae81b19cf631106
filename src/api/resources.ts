/**
 * The catalogue of resources kubeling serves: one entry per (group, resource), with the
 * versions it is served at. Discovery, routing, storage keys and the client all read it,
 * so adding a resource starts here.
 */
export interface ResourceInfo {
  group: string // '' for core
  /** the storage (and preferred) version */
  version: string
  /** extra versions served and converted to/from `version` (legacy apps/v1beta1 …) */
  legacyVersions?: readonly string[]
  resource: string // plural
  singular: string
  kind: string
  listKind: string
  namespaced: boolean
  shortNames?: readonly string[]
  categories?: readonly string[]
  verbs: readonly string[]
  subresources: readonly SubresourceInfo[]
}

export interface SubresourceInfo {
  name: string
  /** kind returned: for `scale` it is autoscaling/v1 Scale */
  group: string
  version: string
  kind: string
  verbs: readonly string[]
}

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'] as const
const STATUS = (group: string, version: string, kind: string): SubresourceInfo => ({
  name: 'status', group, version, kind, verbs: ['get', 'patch', 'update'],
})
const SCALE: SubresourceInfo = { name: 'scale', group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] }

function r(
  group: string, version: string, resource: string, kind: string, namespaced: boolean,
  extra: Partial<Pick<ResourceInfo, 'shortNames' | 'categories' | 'subresources' | 'legacyVersions' | 'verbs' | 'singular'>> = {},
): ResourceInfo {
  return {
    group, version, resource, kind, namespaced,
    singular: extra.singular ?? kind.toLowerCase(),
    listKind: `${kind}List`,
    verbs: extra.verbs ?? ALL_VERBS,
    subresources: extra.subresources ?? [],
    ...(extra.shortNames ? { shortNames: extra.shortNames } : {}),
    ...(extra.categories ? { categories: extra.categories } : {}),
    ...(extra.legacyVersions ? { legacyVersions: extra.legacyVersions } : {}),
  }
}

const ALL = ['all'] as const

export const RESOURCES: readonly ResourceInfo[] = [
  r('', 'v1', 'namespaces', 'Namespace', false, {
    shortNames: ['ns'], verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    subresources: [STATUS('', 'v1', 'Namespace'), { name: 'finalize', group: '', version: 'v1', kind: 'Namespace', verbs: ['update'] }],
  }),
  r('', 'v1', 'nodes', 'Node', false, { shortNames: ['no'], subresources: [STATUS('', 'v1', 'Node')] }),
  r('', 'v1', 'pods', 'Pod', true, {
    shortNames: ['po'], categories: ALL,
    subresources: [
      STATUS('', 'v1', 'Pod'),
      { name: 'binding', group: '', version: 'v1', kind: 'Binding', verbs: ['create'] },
      { name: 'eviction', group: 'policy', version: 'v1', kind: 'Eviction', verbs: ['create'] },
      { name: 'log', group: '', version: 'v1', kind: 'Pod', verbs: ['get'] },
      { name: 'exec', group: '', version: 'v1', kind: 'PodExecOptions', verbs: ['create', 'get'] },
      { name: 'attach', group: '', version: 'v1', kind: 'PodAttachOptions', verbs: ['create', 'get'] },
      { name: 'portforward', group: '', version: 'v1', kind: 'PodPortForwardOptions', verbs: ['create', 'get'] },
    ],
  }),
  r('', 'v1', 'services', 'Service', true, { shortNames: ['svc'], categories: ALL, subresources: [STATUS('', 'v1', 'Service')] }),
  r('', 'v1', 'endpoints', 'Endpoints', true, { shortNames: ['ep'], singular: 'endpoints' }),
  r('', 'v1', 'persistentvolumes', 'PersistentVolume', false, { shortNames: ['pv'], subresources: [STATUS('', 'v1', 'PersistentVolume')] }),
  r('', 'v1', 'persistentvolumeclaims', 'PersistentVolumeClaim', true, { shortNames: ['pvc'], subresources: [STATUS('', 'v1', 'PersistentVolumeClaim')] }),
  r('', 'v1', 'events', 'Event', true, { shortNames: ['ev'] }),
  r('', 'v1', 'configmaps', 'ConfigMap', true, { shortNames: ['cm'] }),
  r('', 'v1', 'secrets', 'Secret', true),
  r('', 'v1', 'serviceaccounts', 'ServiceAccount', true, { shortNames: ['sa'] }),
  r('apps', 'v1', 'daemonsets', 'DaemonSet', true, {
    shortNames: ['ds'], categories: ALL, legacyVersions: ['v1beta2'], subresources: [STATUS('apps', 'v1', 'DaemonSet')],
  }),
  r('apps', 'v1', 'statefulsets', 'StatefulSet', true, {
    shortNames: ['sts'], categories: ALL, legacyVersions: ['v1beta1', 'v1beta2'],
    subresources: [STATUS('apps', 'v1', 'StatefulSet'), SCALE],
  }),
  r('apps', 'v1', 'controllerrevisions', 'ControllerRevision', true),
  r('apps', 'v1', 'deployments', 'Deployment', true, {
    shortNames: ['deploy'], categories: ALL, subresources: [STATUS('apps', 'v1', 'Deployment'), SCALE],
  }),
  r('apps', 'v1', 'replicasets', 'ReplicaSet', true, {
    shortNames: ['rs'], categories: ALL, subresources: [STATUS('apps', 'v1', 'ReplicaSet'), SCALE],
  }),
  r('discovery.k8s.io', 'v1', 'endpointslices', 'EndpointSlice', true),
  r('coordination.k8s.io', 'v1', 'leases', 'Lease', true),
  r('storage.k8s.io', 'v1', 'storageclasses', 'StorageClass', false, { shortNames: ['sc'] }),
  r('events.k8s.io', 'v1', 'events', 'Event', true, { shortNames: ['ev'] }),
]

/**
 * Legacy group-versions served only for conversion on the way in (the seed's manifests).
 * `extensions/v1beta1` daemonsets map to `apps` daemonsets.
 */
export interface LegacyAlias {
  group: string
  version: string
  resource: string
  target: ResourceInfo
}

function find(group: string, resource: string): ResourceInfo {
  const info = RESOURCES.find((x) => x.group === group && x.resource === resource)
  if (!info) throw new Error(`unknown resource ${resource}.${group}`)
  return info
}

export const LEGACY_ALIASES: readonly LegacyAlias[] = [
  { group: 'extensions', version: 'v1beta1', resource: 'daemonsets', target: find('apps', 'daemonsets') },
  ...RESOURCES.flatMap((info) =>
    (info.legacyVersions ?? []).map((version) => ({ group: info.group, version, resource: info.resource, target: info })),
  ),
]

export function lookupResource(group: string, version: string, resource: string): ResourceInfo | undefined {
  const info = RESOURCES.find((x) => x.group === group && x.resource === resource)
  if (info && info.version === version) return info
  return LEGACY_ALIASES.find((a) => a.group === group && a.version === version && a.resource === resource)?.target
}

export function resourceForKind(apiVersion: string, kind: string): ResourceInfo | undefined {
  const { group } = splitApiVersion(apiVersion)
  return RESOURCES.find((x) => x.kind === kind && (x.group === group || (group === 'extensions' && x.group === 'apps')))
}

export function apiVersionOf(info: Pick<ResourceInfo, 'group' | 'version'>): string {
  return info.group ? `${info.group}/${info.version}` : info.version
}

export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.indexOf('/')
  return i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) }
}

export function getResource(group: string, resource: string): ResourceInfo {
  return find(group, resource)
}
