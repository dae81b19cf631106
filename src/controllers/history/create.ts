/**
 * Writing a ControllerRevision for a DaemonSet or StatefulSet (upstream's
 * CreateControllerRevision + the owners' collision handling): AlreadyExists with equal data
 * is ours; different data is a hash collision, so the owner's status.collisionCount goes up
 * (the next sync names the revision anew) and this attempt fails.
 */
import type { KubeObject, ResourceInfo } from '../../api/index.js'
import { canonicalJson, getResource, isAlreadyExists } from '../../api/index.js'
import type { Client } from '../../client/index.js'
import type { ControllerRevision } from './revisions.js'

const REVISIONS = getResource('apps', 'controllerrevisions')

export interface CreateRevisionOptions {
  /**
   * Refuse to bump a collisionCount that moved since `owner` was read (the DaemonSet
   * controller's "found a stale collision count"; the StatefulSet controller bumps anyway).
   */
  refuseStaleCount?: boolean
}

export async function createRevision(client: Client, ownerInfo: ResourceInfo, owner: KubeObject, rev: ControllerRevision, opts: CreateRevisionOptions = {}): Promise<void> {
  const ns = owner.metadata.namespace ?? ''
  try {
    await client.create(REVISIONS, ns, rev)
    return
  } catch (e) {
    if (!isAlreadyExists(e)) throw e
  }
  const existing = await client.get<ControllerRevision>(REVISIONS, ns, rev.metadata.name ?? '')
  if (canonicalJson(existing.data ?? null) === canonicalJson(rev.data ?? null)) return
  const fresh = await client.get(ownerInfo, ns, owner.metadata.name ?? '')
  const status = (fresh['status'] ?? {}) as Record<string, unknown>
  const count = typeof status['collisionCount'] === 'number' ? status['collisionCount'] : undefined
  const known = (owner['status'] as { collisionCount?: number } | undefined)?.collisionCount
  if (opts.refuseStaleCount && count !== known) {
    throw new Error(`found a stale collision count (${String(known)}, expected ${String(count)}) of ${ownerInfo.kind} "${owner.metadata.name ?? ''}" while processing; will retry until it is updated`)
  }
  await client.updateStatus(ownerInfo, { ...fresh, status: { ...status, collisionCount: (count ?? 0) + 1 } })
  throw new Error(`hash collision on ControllerRevision ${rev.metadata.name ?? ''}; collisionCount is now ${(count ?? 0) + 1}`)
}
