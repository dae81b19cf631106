/**
 * ControllerRevision history for StatefulSets and DaemonSets (REV-001..REV-013), as pure
 * functions over the revisions a controller owns: snapshot a template into revision data,
 * name it by hash, find equal revisions, number them, and trim history.
 */
import type { KubeObject, ObjectMeta } from '../../api/index.js'
import type { OwnerReference } from 'kubernetes-types/meta/v1.js'
import type { PodTemplateSpec } from 'kubernetes-types/core/v1.js'
import { canonicalJson, fnv32, fnv32a, safeEncodeString, utf8 } from './hash.js'

/** Label carrying a StatefulSet revision's hash (history.ControllerRevisionHashLabel). */
export const CONTROLLER_REVISION_HASH_LABEL = 'controller.kubernetes.io/hash'
/** Label carrying a DaemonSet revision's hash, also stamped on its pods (apps.DefaultDaemonSetUniqueLabelKey). */
export const DAEMONSET_HASH_LABEL = 'controller-revision-hash'

export interface ControllerRevision extends KubeObject {
  metadata: ObjectMeta
  data?: unknown
  revision?: number
}

/** `history.ControllerRevisionName`: prefix truncated to 223 bytes, then `-hash`. */
export function controllerRevisionName(prefix: string, hash: string): string {
  return `${prefix.length > 223 ? prefix.slice(0, 223) : prefix}-${hash}`
}

/**
 * The revision data: a strategic-merge patch replacing the whole pod template
 * (`{"spec":{"template":{…,"$patch":"replace"}}}`), which `kubectl rollout undo` sends back verbatim.
 */
export function templatePatch(template: PodTemplateSpec | undefined): Record<string, unknown> {
  return { spec: { template: { ...(template ?? {}), $patch: 'replace' } } }
}

/** The pod template stored in a revision's data (without the `$patch` directive), or undefined. */
export function templateOfRevision(rev: ControllerRevision): PodTemplateSpec | undefined {
  const data = rev.data as { spec?: { template?: Record<string, unknown> } } | undefined
  const t = data?.spec?.template
  if (!t || typeof t !== 'object') return undefined
  const { $patch: _p, ...rest } = t
  return rest as PodTemplateSpec
}

/** StatefulSet revision hash: FNV-32 of the patch JSON and the decimal collision count. */
export function hashStatefulSetRevision(data: unknown, collisionCount: number): string {
  return safeEncodeString(String(fnv32(utf8(canonicalJson(data)), utf8(String(collisionCount)))))
}

/** DaemonSet template hash (`controller.ComputeHash`): FNV-32a of the template, plus the collision count when set. */
export function hashDaemonSetTemplate(template: PodTemplateSpec | undefined, collisionCount: number | undefined): string {
  const chunks = [utf8(canonicalJson(template ?? {}))]
  if (collisionCount !== undefined) {
    const b = new Uint8Array(8)
    new DataView(b.buffer).setUint32(0, collisionCount >>> 0, true)
    chunks.push(b)
  }
  return safeEncodeString(String(fnv32a(...chunks)))
}

/** Revision data equality (`history.EqualRevision`: hash labels never parse as ints, so data decides). */
export function equalRevisionData(a: ControllerRevision, b: ControllerRevision): boolean {
  return canonicalJson(a.data ?? null) === canonicalJson(b.data ?? null)
}

const ts = (r: ControllerRevision): number => {
  const t = r.metadata.creationTimestamp ? Date.parse(r.metadata.creationTimestamp) : 0
  return Number.isNaN(t) ? 0 : t
}

/** `history.SortControllerRevisions`: by revision, then creation time, then name (stable). */
export function sortRevisions<T extends ControllerRevision>(revs: readonly T[]): T[] {
  return [...revs].sort((a, b) => {
    const ra = a.revision ?? 0
    const rb = b.revision ?? 0
    if (ra !== rb) return ra - rb
    const ta = ts(a)
    const tb = ts(b)
    if (ta !== tb) return ta - tb
    return (a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : (a.metadata.name ?? '') > (b.metadata.name ?? '') ? 1 : 0
  })
}

/** 1 + the highest revision number (1 for an empty history). */
export function nextRevision(revs: readonly ControllerRevision[]): number {
  let max = 0
  for (const r of revs) max = Math.max(max, r.revision ?? 0)
  return max + 1
}

// ---------------------------------------------------------------- StatefulSet

export interface RevisionOwner {
  metadata: ObjectMeta
  template: PodTemplateSpec | undefined
  ownerRef: OwnerReference
}

/** `statefulset.newRevision`: the revision a set's current template would be stored as. */
export function newStatefulSetRevision(owner: RevisionOwner, revision: number, collisionCount: number): ControllerRevision {
  const data = templatePatch(owner.template)
  const hash = hashStatefulSetRevision(data, collisionCount)
  return {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name: controllerRevisionName(owner.metadata.name ?? '', hash),
      namespace: owner.metadata.namespace,
      labels: { ...(owner.template?.metadata?.labels ?? {}), [CONTROLLER_REVISION_HASH_LABEL]: hash },
      annotations: { ...(owner.metadata.annotations ?? {}) },
      ownerReferences: [owner.ownerRef],
    },
    data,
    revision,
  }
}

export type RevisionAction =
  | { type: 'createRevision'; revision: ControllerRevision }
  | { type: 'updateRevisionNumber'; name: string; revision: number }

export interface StatefulSetRevisions {
  readonly current: ControllerRevision
  readonly update: ControllerRevision
  readonly collisionCount: number
  readonly actions: readonly RevisionAction[]
}

/**
 * `getStatefulSetRevisions`: the update revision is the current template's snapshot — the
 * newest revision if equal, an older equal one renumbered to max+1 (rollback, REV-006), or a
 * new one. The current revision is the one named in status, else the update revision.
 */
export function planStatefulSetRevisions(owner: RevisionOwner, revisions: readonly ControllerRevision[], status: { currentRevision?: string | undefined; collisionCount?: number | undefined }): StatefulSetRevisions {
  const sorted = sortRevisions(revisions)
  const collisionCount = status.collisionCount ?? 0
  const wanted = newStatefulSetRevision(owner, nextRevision(sorted), collisionCount)
  const equal = sorted.filter((r) => equalRevisionData(r, wanted))
  const last = sorted[sorted.length - 1]
  const actions: RevisionAction[] = []
  let update: ControllerRevision
  if (equal.length > 0 && last && equalRevisionData(last, wanted)) {
    update = last
  } else if (equal.length > 0) {
    const found = equal[equal.length - 1]!
    update = { ...found, revision: wanted.revision ?? 0 }
    actions.push({ type: 'updateRevisionNumber', name: found.metadata.name ?? '', revision: wanted.revision ?? 0 })
  } else {
    update = wanted
    actions.push({ type: 'createRevision', revision: wanted })
  }
  const current = sorted.find((r) => r.metadata.name === status.currentRevision) ?? update
  return { current, update, collisionCount, actions }
}

/**
 * `truncateHistory`: non-live revisions (not current, not update, not named by any pod) are
 * deleted oldest first until at most `limit` remain. Returns the names to delete.
 */
export function revisionsToTruncate(revisions: readonly ControllerRevision[], live: ReadonlySet<string>, limit: number): string[] {
  if (limit < 0) return []
  const history = sortRevisions(revisions).filter((r) => !live.has(r.metadata.name ?? ''))
  if (history.length <= limit) return []
  return history.slice(0, history.length - limit).map((r) => r.metadata.name ?? '')
}

// ---------------------------------------------------------------- DaemonSet

/** `daemon.snapshot`: a DaemonSet revision named by the template hash. */
export function newDaemonSetRevision(owner: RevisionOwner, revision: number, collisionCount: number | undefined): ControllerRevision {
  const hash = hashDaemonSetTemplate(owner.template, collisionCount)
  return {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name: `${owner.metadata.name ?? ''}-${hash}`,
      namespace: owner.metadata.namespace,
      labels: { ...(owner.template?.metadata?.labels ?? {}), [DAEMONSET_HASH_LABEL]: hash },
      annotations: { ...(owner.metadata.annotations ?? {}) },
      ownerReferences: [owner.ownerRef],
    },
    data: templatePatch(owner.template),
    revision,
  }
}

export type DaemonSetHistoryAction =
  | { type: 'labelRevision'; name: string; labels: Record<string, string>; resourceVersion: string | undefined }
  | { type: 'createRevision'; revision: ControllerRevision }
  | { type: 'updateRevisionNumber'; name: string; revision: number }
  | { type: 'relabelPod'; name: string; hash: string }
  | { type: 'deleteRevision'; name: string }

export interface DaemonSetHistory {
  readonly current: ControllerRevision
  readonly old: readonly ControllerRevision[]
  /** the current revision's hash: the `controller-revision-hash` of up-to-date pods */
  readonly hash: string
  readonly actions: readonly DaemonSetHistoryAction[]
}

/**
 * `constructHistory`: label revisions missing the hash label with their own name, split
 * revisions into current (data equal to the template snapshot) and old, create the current
 * one if missing, de-duplicate several current ones (REV-010) and renumber it to max(old)+1.
 * `podHashes` maps each owned pod name to its hash label (for relabelling during de-dup).
 */
export function planDaemonSetHistory(owner: RevisionOwner, revisions: readonly ControllerRevision[], collisionCount: number | undefined, podHashes: ReadonlyMap<string, string | undefined>): DaemonSetHistory {
  const actions: DaemonSetHistoryAction[] = []
  const wantedData = templatePatch(owner.template)
  const wantedJson = canonicalJson(wantedData)
  const current: ControllerRevision[] = []
  const old: ControllerRevision[] = []
  for (const r0 of revisions) {
    let r = r0
    if (r.metadata.labels?.[DAEMONSET_HASH_LABEL] === undefined) {
      const labels = { ...(r.metadata.labels ?? {}), [DAEMONSET_HASH_LABEL]: r.metadata.name ?? '' }
      actions.push({ type: 'labelRevision', name: r.metadata.name ?? '', labels, resourceVersion: r.metadata.resourceVersion })
      r = { ...r, metadata: { ...r.metadata, labels } }
    }
    if (canonicalJson(r.data ?? null) === wantedJson) current.push(r)
    else old.push(r)
  }
  let maxOld = 0
  for (const r of old) maxOld = Math.max(maxOld, r.revision ?? 0)
  const currRevision = maxOld + 1
  let cur: ControllerRevision
  if (current.length === 0) {
    cur = newDaemonSetRevision(owner, currRevision, collisionCount)
    actions.push({ type: 'createRevision', revision: cur })
  } else {
    let keep = current[0]!
    for (const r of current) if ((r.revision ?? 0) >= (keep.revision ?? 0)) keep = r
    if (current.length > 1) {
      const keepHash = keep.metadata.labels?.[DAEMONSET_HASH_LABEL] ?? ''
      for (const [pod, hash] of podHashes) if (hash !== keepHash) actions.push({ type: 'relabelPod', name: pod, hash: keepHash })
      for (const r of current) if (r !== keep) actions.push({ type: 'deleteRevision', name: r.metadata.name ?? '' })
    }
    cur = keep
    if ((cur.revision ?? 0) < currRevision) {
      actions.push({ type: 'updateRevisionNumber', name: cur.metadata.name ?? '', revision: currRevision })
      cur = { ...cur, revision: currRevision }
    }
  }
  return { current: cur, old, hash: cur.metadata.labels?.[DAEMONSET_HASH_LABEL] ?? '', actions }
}

/**
 * `cleanupHistory`: delete old revisions oldest first, skipping those whose hash a pod still
 * carries, until at most `limit` old revisions remain.
 */
export function daemonSetRevisionsToDelete(old: readonly ControllerRevision[], liveHashes: ReadonlySet<string>, limit: number): string[] {
  let toKill = old.length - limit
  if (toKill <= 0) return []
  const out: string[] = []
  for (const r of [...old].sort((a, b) => (a.revision ?? 0) - (b.revision ?? 0))) {
    if (toKill <= 0) break
    if (liveHashes.has(r.metadata.labels?.[DAEMONSET_HASH_LABEL] ?? '\u0000')) continue
    out.push(r.metadata.name ?? '')
    toKill--
  }
  return out
}
