/**
 * A set of field paths as a trie, with the operations of structured-merge-diff's
 * fieldpath.Set. A path is a *member* when the field/item itself is in the set; a node
 * can also (or only) have children. Sets are immutable once built by the operations
 * below (they return new sets); only `insert` mutates.
 */
import { comparePE, serializePE, type Path, type PathElement } from './element.js'

interface Child {
  readonly pe: PathElement
  readonly set: FieldSet
}

export class FieldSet {
  private readonly members = new Map<string, PathElement>()
  private readonly children = new Map<string, Child>()

  static of(...paths: Path[]): FieldSet {
    const s = new FieldSet()
    for (const p of paths) s.insert(p)
    return s
  }

  insert(path: Path): void {
    const first = path[0]
    if (!first) return
    if (path.length === 1) {
      this.members.set(serializePE(first), first)
      return
    }
    this.descend(first).insert(path.slice(1))
  }

  /** The child set under `pe`, created when missing (for building). */
  descend(pe: PathElement): FieldSet {
    const id = serializePE(pe)
    let c = this.children.get(id)
    if (!c) {
      c = { pe, set: new FieldSet() }
      this.children.set(id, c)
    }
    return c.set
  }

  /** Puts `set` under `pe` (for building): adopted as is when `pe` has no child yet. */
  attach(pe: PathElement, set: FieldSet): void {
    const id = serializePE(pe)
    const c = this.children.get(id)
    if (!c) this.children.set(id, { pe, set })
    else for (const p of set.paths()) c.set.insert(p)
  }

  addMember(pe: PathElement): void {
    this.members.set(serializePE(pe), pe)
  }

  hasMember(pe: PathElement): boolean {
    return this.members.has(serializePE(pe))
  }

  has(path: Path): boolean {
    const first = path[0]
    if (!first) return false
    if (path.length === 1) return this.hasMember(first)
    const c = this.children.get(serializePE(first))
    return c ? c.set.has(path.slice(1)) : false
  }

  /** The subset under `pe` (empty when absent). */
  withPrefix(pe: PathElement): FieldSet {
    return this.children.get(serializePE(pe))?.set ?? new FieldSet()
  }

  isEmpty(): boolean {
    if (this.members.size > 0) return false
    for (const c of this.children.values()) if (!c.set.isEmpty()) return false
    return true
  }

  /** Members of this level, sorted. */
  memberElements(): PathElement[] {
    return [...this.members.values()].sort(comparePE)
  }

  /** Non-empty children of this level, sorted. */
  childEntries(): Child[] {
    return [...this.children.values()].filter((c) => !c.set.isEmpty()).sort((a, b) => comparePE(a.pe, b.pe))
  }

  union(o: FieldSet): FieldSet {
    const out = new FieldSet()
    for (const [id, pe] of this.members) out.members.set(id, pe)
    for (const [id, pe] of o.members) out.members.set(id, pe)
    for (const [id, c] of this.children) {
      const oc = o.children.get(id)
      out.children.set(id, { pe: c.pe, set: oc ? c.set.union(oc.set) : c.set })
    }
    for (const [id, c] of o.children) if (!out.children.has(id)) out.children.set(id, c)
    return out
  }

  intersection(o: FieldSet): FieldSet {
    const out = new FieldSet()
    for (const [id, pe] of this.members) if (o.members.has(id)) out.members.set(id, pe)
    for (const [id, c] of this.children) {
      const oc = o.children.get(id)
      if (!oc) continue
      const s = c.set.intersection(oc.set)
      if (!s.isEmpty()) out.children.set(id, { pe: c.pe, set: s })
    }
    return out
  }

  difference(o: FieldSet): FieldSet {
    const out = new FieldSet()
    for (const [id, pe] of this.members) if (!o.members.has(id)) out.members.set(id, pe)
    for (const [id, c] of this.children) {
      const oc = o.children.get(id)
      const s = oc ? c.set.difference(oc.set) : c.set
      if (!s.isEmpty()) out.children.set(id, { pe: c.pe, set: s })
    }
    return out
  }

  /** Like difference, but a member of `o` also removes everything below it. */
  recursiveDifference(o: FieldSet): FieldSet {
    const out = new FieldSet()
    for (const [id, pe] of this.members) if (!o.members.has(id)) out.members.set(id, pe)
    for (const [id, c] of this.children) {
      if (o.members.has(id)) continue
      const oc = o.children.get(id)
      const s = oc ? c.set.recursiveDifference(oc.set) : c.set
      if (!s.isEmpty()) out.children.set(id, { pe: c.pe, set: s })
    }
    return out
  }

  /** Every member path: members of a level first, then each child, in sorted order. */
  paths(prefix: Path = []): PathElement[][] {
    const out: PathElement[][] = this.memberElements().map((pe) => [...prefix, pe])
    for (const c of this.childEntries()) out.push(...c.set.paths([...prefix, c.pe]))
    return out
  }

  equals(o: FieldSet): boolean {
    return this.difference(o).isEmpty() && o.difference(this).isEmpty()
  }
}
