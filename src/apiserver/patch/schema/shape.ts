/**
 * The vocabulary of the merge schema: what the Go struct tags (`patchStrategy`,
 * `patchMergeKey`) and the openapi list/map/struct markers (`+listType`, `+listMapKey`,
 * `+structType=atomic`) say about a field. Only what changes merging is written down;
 * every field not listed behaves as a plain struct field (objects merge key by key,
 * lists are atomic and replaced).
 */

export type SsaListType = 'atomic' | 'set' | 'map'

export interface ListShape {
  /** server-side apply: `+listType` */
  readonly ssa: SsaListType
  /** server-side apply: `+listMapKey`s, in declaration order */
  readonly keys?: readonly string[]
  /** defaults the openapi schema gives key fields (ports' `protocol: TCP`) */
  readonly keyDefaults?: Readonly<Record<string, string | number>>
  /** strategic merge patch: `patchStrategy:"merge"`; otherwise the list is replaced */
  readonly smp?: 'merge'
  /** strategic merge patch: `patchMergeKey` (absent for merged lists of scalars) */
  readonly mergeKey?: string
  readonly elem: Shape
}

export interface Shape {
  /** a named struct type of the table */
  readonly type?: string
  /** `+structType=atomic` / `+mapType=atomic`: replaced and owned as a whole */
  readonly atomic?: boolean
  readonly list?: ListShape
  /**
   * How the field appears in a Go zero value converted to JSON: non-pointer structs as
   * `{}`, non-omitempty slices as null. Server-side apply compares against these, so a
   * field that is always there is never "added".
   */
  readonly zero?: 'object' | 'null'
}

export interface TypeDef {
  readonly atomic?: boolean
  readonly fields: Readonly<Record<string, Shape>>
}

export const UNTYPED: Shape = {}

/** A struct field of named type; `always` for non-pointer structs. */
export function struct(type: string, always = false): Shape {
  return always ? { type, zero: 'object' } : { type }
}

export const ATOMIC: Shape = { atomic: true }

/** `+listType=map` with `+listMapKey`s; `smpKey` when the Go tag also says merge. */
export function mapList(
  keys: readonly string[], elem: Shape,
  opts: { smpKey?: string; keyDefaults?: Record<string, string | number>; zero?: 'null' } = {},
): Shape {
  const list: ListShape = {
    ssa: 'map', keys, elem,
    ...(opts.smpKey ? { smp: 'merge' as const, mergeKey: opts.smpKey } : {}),
    ...(opts.keyDefaults ? { keyDefaults: opts.keyDefaults } : {}),
  }
  return opts.zero ? { list, zero: opts.zero } : { list }
}

/** `+listType=set` of scalars; `smp` when the Go tag says `patchStrategy:"merge"`. */
export function setList(smp: boolean): Shape {
  return { list: smp ? { ssa: 'set', smp: 'merge', elem: UNTYPED } : { ssa: 'set', elem: UNTYPED } }
}

/** `+listType=atomic` (the default for any list not in the table). */
export function atomicList(elem: Shape = UNTYPED, smp?: { mergeKey: string }, zero?: 'null'): Shape {
  const list: ListShape = smp ? { ssa: 'atomic', smp: 'merge', mergeKey: smp.mergeKey, elem } : { ssa: 'atomic', elem }
  return zero ? { list, zero } : { list }
}
