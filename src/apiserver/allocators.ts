/**
 * Service address allocation, done by the registry on create as upstream's service REST
 * does: a ClusterIP from the service CIDR (10.96.0.0/16 here; 10.96.0.1 is the
 * `kubernetes` service) and NodePorts from 30000–32767, each unique among live services.
 */
import { ApiError, isPlainObject } from '../api/index.js'
import type { KubeObject } from '../api/index.js'

export const SERVICE_CIDR = { base: [10, 96], size: 65536 } as const
export const NODE_PORT_RANGE = { min: 30000, max: 32767 } as const

function ipOf(n: number): string {
  return `${SERVICE_CIDR.base[0]}.${SERVICE_CIDR.base[1]}.${Math.floor(n / 256)}.${n % 256}`
}

/** Fills spec.clusterIP(s) and nodePorts of a new service. `existing` are the live services. */
export function allocateServiceAddresses(svc: KubeObject, existing: readonly KubeObject[]): void {
  const spec = isPlainObject(svc['spec']) ? svc['spec'] : undefined
  if (!spec) return
  const type = typeof spec['type'] === 'string' ? spec['type'] : 'ClusterIP'
  if (type === 'ExternalName') return
  const specs = existing.map((s) => (isPlainObject(s['spec']) ? s['spec'] : {}))
  const usedIPs = new Set(specs.map((s) => s['clusterIP']).filter((ip): ip is string => typeof ip === 'string'))
  const requested = spec['clusterIP']
  if (requested === undefined || requested === '' || requested === null) {
    let n = 2 + Math.floor(Math.random() * (SERVICE_CIDR.size - 3))
    for (let tries = 0; usedIPs.has(ipOf(n)); tries++) {
      if (tries > SERVICE_CIDR.size) throw new ApiError({ reason: 'InternalError', code: 500, message: 'Internal error occurred: failed to allocate a serviceIP: range is full' })
      n = n + 1 >= SERVICE_CIDR.size - 1 ? 2 : n + 1
    }
    spec['clusterIP'] = ipOf(n)
    spec['clusterIPs'] = [ipOf(n)]
  } else if (typeof requested === 'string' && requested !== 'None') {
    if (usedIPs.has(requested)) {
      throw new ApiError({
        reason: 'Invalid', code: 422,
        message: `Service "${svc.metadata.name ?? ''}" is invalid: spec.clusterIPs: Invalid value: []string{"${requested}"}: failed to allocate IP ${requested}: provided IP is already allocated`,
        details: { name: svc.metadata.name ?? '', kind: 'Service', causes: [{ reason: 'FieldValueInvalid', field: 'spec.clusterIPs', message: `Invalid value: []string{"${requested}"}: failed to allocate IP ${requested}: provided IP is already allocated` }] },
      })
    }
    if (!Array.isArray(spec['clusterIPs'])) spec['clusterIPs'] = [requested]
  } else if (requested === 'None' && !Array.isArray(spec['clusterIPs'])) spec['clusterIPs'] = ['None']
  if (type !== 'NodePort' && type !== 'LoadBalancer') return
  const usedPorts = new Set<number>()
  for (const s of specs) for (const p of Array.isArray(s['ports']) ? s['ports'] : []) if (isPlainObject(p) && typeof p['nodePort'] === 'number') usedPorts.add(p['nodePort'])
  for (const p of Array.isArray(spec['ports']) ? spec['ports'] : []) {
    if (!isPlainObject(p) || typeof p['nodePort'] === 'number') continue
    let port = NODE_PORT_RANGE.min + Math.floor(Math.random() * (NODE_PORT_RANGE.max - NODE_PORT_RANGE.min + 1))
    while (usedPorts.has(port)) port = port >= NODE_PORT_RANGE.max ? NODE_PORT_RANGE.min : port + 1
    usedPorts.add(port)
    p['nodePort'] = port
  }
}
