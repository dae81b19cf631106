/**
 * Ownership bookkeeping of structured-merge-diff's merge.Updater, over one API version:
 * an update takes every changed field for its manager away from the others; an apply
 * merges the configuration, prunes what the applier dropped since its last apply (unless
 * somebody else owns it), and fails on fields other managers own unless forced.
 */
import type { Path } from '../fieldpath/element.js'
import { FieldSet } from '../fieldpath/set.js'
import { withZeroFields, type Shape } from '../schema/index.js'
import { compare, filterComparison, type Comparison } from '../typed/compare.js'
import { ensureNamedFieldsAreMembers, toFieldSet } from '../typed/field-set.js'
import { mergeValues } from '../typed/merge.js'
import { removeItems } from '../typed/remove.js'
import { deepEqual } from '../util.js'
import { copyManaged, type Managed } from './managed.js'

export interface UpdaterContext {
  readonly shape: Shape
  /** fields the strategy resets; neither owned nor conflicting */
  readonly ignore: FieldSet
}

export interface Conflict {
  /** manager identifier */
  readonly manager: string
  readonly path: Path
}

export class ConflictsError extends Error {
  constructor(readonly conflicts: readonly Conflict[]) {
    super(`${conflicts.length} conflict(s)`)
  }
}

function diff(oldObj: unknown, newObj: unknown, ctx: UpdaterContext): Comparison {
  const memo = new Map<object, unknown>()
  const c = compare(withZeroFields(oldObj, ctx.shape, memo), withZeroFields(newObj, ctx.shape, memo), ctx.shape)
  return filterComparison(c, ctx.ignore)
}

/** Updater.update: strips changed fields from every manager but `workflow`. */
function update(
  oldObj: unknown, newObj: unknown, managed: Managed, workflow: string, force: boolean, ctx: UpdaterContext,
): { managed: Managed; comparison: Comparison } {
  const comparison = diff(oldObj, newObj, ctx)
  const changed = comparison.modified.union(comparison.added)
  const conflicts = new Map<string, FieldSet>()
  for (const [id, vs] of managed.fields) {
    if (id === workflow) continue
    const c = vs.set.intersection(changed)
    if (!c.isEmpty()) conflicts.set(id, c)
  }
  if (!force && conflicts.size > 0) {
    const list: Conflict[] = []
    for (const id of [...conflicts.keys()].sort()) {
      for (const path of conflicts.get(id)?.paths() ?? []) list.push({ manager: id, path })
    }
    throw new ConflictsError(list)
  }
  const out = copyManaged(managed)
  for (const [id, vs] of managed.fields) {
    if (id === workflow) continue
    let set = vs.set
    const c = conflicts.get(id)
    if (c) set = set.difference(c)
    if (!comparison.removed.isEmpty()) set = set.difference(comparison.removed)
    if (set.isEmpty()) {
      out.fields.delete(id)
      out.times.delete(id)
    } else if (set !== vs.set) {
      out.fields.set(id, { ...vs, set })
    }
  }
  const own = out.fields.get(workflow)
  if (own && own.set.isEmpty()) {
    out.fields.delete(workflow)
    out.times.delete(workflow)
  }
  return { managed: out, comparison }
}

/** Updater.Update: `manager` gets what changed between the objects. */
export function updaterUpdate(oldObj: unknown, newObj: unknown, version: string, managed: Managed, manager: string, ctx: UpdaterContext): Managed {
  const r = update(oldObj, newObj, managed, manager, true, ctx)
  const prev = r.managed.fields.get(manager)?.set ?? new FieldSet()
  const set = prev
    .difference(r.comparison.removed)
    .union(r.comparison.modified)
    .union(r.comparison.added)
    .recursiveDifference(ctx.ignore)
  if (set.isEmpty()) r.managed.fields.delete(manager)
  else r.managed.fields.set(manager, { set, apiVersion: version, applied: false })
  return r.managed
}

/**
 * Updater.Apply. `object` is undefined when applying changes nothing; throws
 * ConflictsError unless `force`.
 */
export function updaterApply(
  live: unknown, config: unknown, version: string, managed: Managed, manager: string, force: boolean, ctx: UpdaterContext,
): { object: unknown; managed: Managed } {
  const managers = copyManaged(managed)
  let merged = mergeValues(live, config, ctx.shape)
  const lastSet = managers.fields.get(manager)?.set
  const set = toFieldSet(config, ctx.shape).recursiveDifference(ctx.ignore)
  managers.fields.set(manager, { set, apiVersion: version, applied: true })
  merged = prune(merged, managers, lastSet, ctx.shape)
  const r = update(live, merged, managers, manager, force, ctx)
  return { object: deepEqual(live, merged) ? undefined : merged, managed: r.managed }
}

/**
 * Removes what the applier owned last time and no longer applies, unless another
 * manager (or the applier's new configuration) owns it; things the applier never owned
 * stay.
 */
function prune(merged: unknown, managed: Managed, lastSet: FieldSet | undefined, shape: Shape): unknown {
  if (!lastSet || lastSet.isEmpty()) return merged
  const named = (s: FieldSet): FieldSet => ensureNamedFieldsAreMembers(s, shape)
  const last = named(lastSet)
  let pruned = removeItems(merged, last, shape) ?? {}
  // add back what anybody still owns
  let owned = new FieldSet()
  for (const vs of managed.fields.values()) owned = owned.union(vs.set)
  const mergedSet = named(toFieldSet(merged, shape))
  const prunedSet = named(toFieldSet(pruned, shape))
  pruned = removeItems(merged, mergedSet.difference(prunedSet.union(named(owned))), shape) ?? {}
  // and what the applier never owned
  const keptSet = named(toFieldSet(pruned, shape))
  return removeItems(merged, mergedSet.difference(keptSet).intersection(last), shape) ?? {}
}
