import { isAlreadyExists } from '../api/index.js'
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
}
