/**
 * Discovery documents: legacy (`APIVersions`, `APIGroupList`, `APIResourceList`) and
 * aggregated (`APIGroupDiscoveryList` v2 / v2beta1), built once from the resource catalogue.
 * kubectl requires the exact aggregated Content-Type, or it reads an empty group list.
 */
import { LEGACY_ALIASES, RESOURCES } from '../api/index.js'
import type { ResourceInfo } from '../api/index.js'

interface GroupVersionResources {
  group: string
  version: string
  resources: ResourceInfo[]
}

/** Group → versions (preferred first) → resources, including the legacy aliases. */
function catalogue(): Map<string, GroupVersionResources[]> {
  const groups = new Map<string, GroupVersionResources[]>()
  const add = (group: string, version: string, info: ResourceInfo): void => {
    let versions = groups.get(group)
    if (!versions) groups.set(group, (versions = []))
    let gv = versions.find((v) => v.version === version)
    if (!gv) versions.push((gv = { group, version, resources: [] }))
    gv.resources.push(info)
  }
  for (const info of RESOURCES) add(info.group, info.version, info)
  // Legacy aliases carry no short names or categories: `ds` and `all` must resolve to apps/v1
  // alone, or kubectl warns that the short name is ambiguous.
  for (const alias of LEGACY_ALIASES) {
    const { shortNames: _s, categories: _c, ...plain } = alias.target
    add(alias.group, alias.version, plain)
  }
  return groups
}

const CATALOGUE = catalogue()

const gvString = (group: string, version: string): string => (group ? `${group}/${version}` : version)

export function apiVersions(): object {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '' }] }
}

export function apiGroupList(): object {
  const groups = [...CATALOGUE.entries()].filter(([g]) => g !== '').map(([name, versions]) => apiGroupBody(name, versions))
  return { kind: 'APIGroupList', apiVersion: 'v1', groups }
}

function apiGroupBody(name: string, versions: GroupVersionResources[]): object {
  const vs = versions.map((v) => ({ groupVersion: gvString(name, v.version), version: v.version }))
  return { name, versions: vs, preferredVersion: vs[0] }
}

export function apiGroup(name: string): object | undefined {
  const versions = CATALOGUE.get(name)
  if (!versions || name === '') return undefined
  return { kind: 'APIGroup', apiVersion: 'v1', ...apiGroupBody(name, versions) }
}

export function apiResourceList(group: string, version: string): object | undefined {
  const gv = CATALOGUE.get(group)?.find((v) => v.version === version)
  if (!gv) return undefined
  const resources: object[] = []
  for (const info of gv.resources) {
    resources.push({
      name: info.resource,
      singularName: info.singular,
      namespaced: info.namespaced,
      kind: info.kind,
      verbs: info.verbs,
      ...(info.shortNames ? { shortNames: info.shortNames } : {}),
      ...(info.categories ? { categories: info.categories } : {}),
      storageVersionHash: storageVersionHash(info),
    })
    for (const sub of info.subresources) {
      resources.push({
        name: `${info.resource}/${sub.name}`,
        singularName: '',
        namespaced: info.namespaced,
        ...(sub.group !== info.group ? { group: sub.group, version: sub.version } : {}),
        kind: sub.kind,
        verbs: sub.verbs,
      })
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: gvString(group, version), resources }
}

/** `/api` (core) or `/apis` (groups) as an aggregated APIGroupDiscoveryList. */
export function aggregated(core: boolean, version: 'v2' | 'v2beta1'): object {
  const items = [...CATALOGUE.entries()]
    .filter(([g]) => (core ? g === '' : g !== ''))
    .map(([name, versions]) => ({
      metadata: { name, creationTimestamp: null },
      versions: versions.map((gv) => ({
        version: gv.version,
        freshness: 'Current',
        resources: gv.resources.map((info) => ({
          resource: info.resource,
          responseKind: { group: info.group, version: info.version, kind: info.kind },
          scope: info.namespaced ? 'Namespaced' : 'Cluster',
          singularResource: info.singular,
          verbs: info.verbs,
          ...(info.shortNames ? { shortNames: info.shortNames } : {}),
          ...(info.categories ? { categories: info.categories } : {}),
          ...(info.subresources.length ? {
            subresources: info.subresources.map((s) => ({
              subresource: s.name,
              responseKind: { group: s.group, version: s.version, kind: s.kind },
              verbs: s.verbs,
            })),
          } : {}),
        })),
      })),
    }))
  return { kind: 'APIGroupDiscoveryList', apiVersion: `apidiscovery.k8s.io/${version}`, metadata: {}, items }
}

/** Which aggregated discovery version the Accept header asks for, if any. */
export function aggregatedVersionWanted(accept: string | undefined): 'v2' | 'v2beta1' | undefined {
  if (!accept) return undefined
  for (const part of accept.split(',')) {
    const p = part.replace(/\s/g, '')
    if (p.includes('g=apidiscovery.k8s.io') && p.includes('as=APIGroupDiscoveryList')) {
      if (p.includes('v=v2beta1')) return 'v2beta1'
      if (p.includes('v=v2')) return 'v2'
    }
  }
  return undefined
}

export function aggregatedContentType(version: 'v2' | 'v2beta1'): string {
  return `application/json;g=apidiscovery.k8s.io;v=${version};as=APIGroupDiscoveryList`
}

function storageVersionHash(info: ResourceInfo): string {
  // Upstream hashes group/version/kind; any stable short string serves clients (GC uses it only as an opaque key).
  let h = 0
  for (const ch of `${info.group}/${info.version}/${info.kind}`) h = (h * 31 + ch.charCodeAt(0)) >>> 0
  return Buffer.from(h.toString(16).padStart(8, '0')).toString('base64').slice(0, 11)
}
