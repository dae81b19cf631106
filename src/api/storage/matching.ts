/**
 * Choosing a PersistentVolume for a claim: upstream's `persistentVolumeOrderedIndex.findByClaim`
 * (volumes grouped by their exact access-mode set, fewest modes first) over
 * `FindMatchingVolume` (a volume pre-bound to the claim wins outright; otherwise the smallest
 * Available volume that fits). Pure; the same function serves the binder (no node) and the
 * scheduler path (a candidate node, for WaitForFirstConsumer claims and local volumes).
 */
import type { Node, PersistentVolume, PersistentVolumeClaim } from 'kubernetes-types/core/v1.js'
import {
  accessModesSatisfied, claimClass, isVolumeBoundToClaim, requestedStorage, selectorAccepts, volumeClass,
  volumeFitsNode, volumeModeMismatch, volumeStorage,
} from './helpers.js'

export interface MatchOptions {
  /**
   * The claim's class says WaitForFirstConsumer: without a `node` only a volume pre-bound to
   * the claim may be chosen (the rest is the scheduler's decision).
   */
  readonly delayBinding?: boolean
  /** Scheduler path: the candidate node; volumes whose node affinity rejects it are skipped. */
  readonly node?: Node | undefined
  /** Volume names not to consider (already assumed for another claim of the same pod). */
  readonly excluded?: ReadonlySet<string>
}

/**
 * `FindMatchingVolume` over one list. Returns the volume pre-bound to the claim (by claimRef)
 * if there is one and it fits (size, volume mode, not deleting, node); otherwise the smallest
 * volume that is Available, unclaimed, of the claim's class, accepted by its selector and big
 * enough. Ties are broken by name, so the choice is deterministic.
 */
export function findMatchingVolume(claim: PersistentVolumeClaim, volumes: readonly PersistentVolume[], opts: MatchOptions = {}): PersistentVolume | undefined {
  const requested = requestedStorage(claim)
  const requestedClass = claimClass(claim)
  const node = opts.node
  let smallest: PersistentVolume | undefined
  for (const volume of volumes) {
    const name = volume.metadata?.name ?? ''
    if (opts.excluded?.has(name)) continue
    if (volume.spec?.claimRef && !isVolumeBoundToClaim(volume, claim)) continue
    const size = volumeStorage(volume)
    if (size.cmp(requested) < 0) continue
    if (volumeModeMismatch(claim, volume)) continue
    if (volume.metadata?.deletionTimestamp) continue
    const nodeAffinityValid = node === undefined || volumeFitsNode(volume, node)
    if (isVolumeBoundToClaim(volume, claim)) {
      // Pre-bound (by the user, or by a provisioner for this claim): this one or nothing.
      if (!nodeAffinityValid) return undefined
      return volume
    }
    // The binder does not choose for a delayed claim; the scheduler path passes a node.
    if (node === undefined && opts.delayBinding) continue
    if ((volume.status?.phase ?? '') !== 'Available') continue
    if (!selectorAccepts(claim, volume)) continue
    if (volumeClass(volume) !== requestedClass) continue
    if (!nodeAffinityValid) continue
    if (node !== undefined && !accessModesSatisfied(claim, volume)) continue
    if (!smallest) {
      smallest = volume
      continue
    }
    const c = volumeStorage(smallest).cmp(size)
    if (c > 0 || (c === 0 && name < (smallest.metadata?.name ?? ''))) smallest = volume
  }
  return smallest
}

/** A canonical key for a set of access modes ("ReadOnlyMany,ReadWriteOnce"). */
export function accessModesKey(modes: readonly string[] | undefined): string {
  return [...new Set(modes ?? [])].sort().join(',')
}

/**
 * `findByClaim`: the access-mode sets present among `volumes` that contain every mode the
 * claim asks for, fewest modes first (then by name, for determinism); the first group with a
 * match wins. So a 100Gi RWO volume beats a 10Gi RWO+ROX one for an RWO claim (PV-012).
 */
export function findBestMatchForClaim(claim: PersistentVolumeClaim, volumes: readonly PersistentVolume[], opts: MatchOptions = {}): PersistentVolume | undefined {
  const groups = new Map<string, PersistentVolume[]>()
  for (const v of volumes) {
    const key = accessModesKey(v.spec?.accessModes)
    let g = groups.get(key)
    if (!g) groups.set(key, (g = []))
    g.push(v)
  }
  const wanted = claim.spec?.accessModes ?? []
  const candidates = [...groups.keys()]
    .filter((key) => {
      const have = new Set(key === '' ? [] : key.split(','))
      return wanted.every((m) => have.has(m))
    })
    .sort((a, b) => {
      const la = a === '' ? 0 : a.split(',').length
      const lb = b === '' ? 0 : b.split(',').length
      return la - lb || (a < b ? -1 : a > b ? 1 : 0)
    })
  for (const key of candidates) {
    const best = findMatchingVolume(claim, groups.get(key) ?? [], opts)
    if (best) return best
  }
  return undefined
}

/**
 * `checkVolumeSatisfyClaim`: why a volume the claim names by `spec.volumeName` cannot be used
 * (undefined: it can). Node affinity is not checked (PV-013).
 */
export function checkVolumeSatisfyClaim(volume: PersistentVolume, claim: PersistentVolumeClaim): string | undefined {
  if (volume.metadata?.deletionTimestamp) return `the volume is marked for deletion "${volume.metadata.name ?? ''}"`
  if (volumeStorage(volume).cmp(requestedStorage(claim)) < 0) return 'requested PV is too small'
  if (volumeClass(volume) !== claimClass(claim)) return 'storageClassName does not match'
  if (volumeModeMismatch(claim, volume)) return 'incompatible volumeMode'
  if (!accessModesSatisfied(claim, volume)) return 'incompatible accessMode'
  return undefined
}
