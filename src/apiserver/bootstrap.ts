import { isAlreadyExists, isNotFound } from '../api/index.js'
import { getResource } from '../api/index.js'
import type { Registry } from './registry.js'

/** Namespaces that exist in every cluster (upstream's system namespaces). */
export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'] as const

/** Creates what a fresh cluster has before any client writes; harmless on restart. */
export async function bootstrap(registry: Registry): Promise<void> {
  const namespaces = getResource('', 'namespaces')
  for (const name of SYSTEM_NAMESPACES) {
    try {
      await registry.create(namespaces, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, { dryRun: false, fieldManager: 'kube-apiserver' })
    } catch (e) {
      if (!isAlreadyExists(e)) throw e
    }
  }
  // The API server's own service, at the first address of the service range, as upstream.
  const services = getResource('', 'services')
  try {
    await registry.get(services, 'default', 'kubernetes')
    return
  } catch (e) {
    if (!isNotFound(e)) throw e
  }
  try {
    await registry.create(getResource('', 'services'), 'default', {
      apiVersion: 'v1', kind: 'Service',
      metadata: { name: 'kubernetes', labels: { component: 'apiserver', provider: 'kubernetes' } },
      spec: { type: 'ClusterIP', clusterIP: '10.96.0.1', ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }] },
    }, { dryRun: false, fieldManager: 'kube-apiserver' })
  } catch (e) {
    if (!isAlreadyExists(e)) throw e
  }
}
