/**
 * Path elements of structured-merge-diff: a struct/map member (`f:name`), an item of a
 * keyed list (`k:{"name":"x"}`, key fields sorted by name), an item of a set
 * (`v:"x"`) or a list index (`i:0`). They print as in conflict messages
 * (`.spec`, `[name="x"]`, `[=x]`, `[0]`) and order as upstream's PathElement.Compare.
 */
import { compareStrings, goJson, goQuote, isObject } from '../util.js'

export interface KeyField {
  readonly name: string
  readonly value: unknown
}

export type PathElement =
  | { readonly field: string }
  | { readonly key: readonly KeyField[] }
  | { readonly value: unknown }
  | { readonly index: number }

export type Path = readonly PathElement[]

export function fieldPE(name: string): PathElement {
  return { field: name }
}

export function keyPE(fields: KeyField[]): PathElement {
  return { key: [...fields].sort((a, b) => compareStrings(a.name, b.name)) }
}

function typeRank(v: unknown): number {
  if (typeof v === 'number') return 0
  if (typeof v === 'string') return 1
  if (typeof v === 'boolean') return 2
  if (Array.isArray(v)) return 3
  if (isObject(v)) return 4
  return 5 // null
}

/** value.Compare: numbers < strings < bools < lists < maps < null. */
export function compareValues(a: unknown, b: unknown): number {
  const ra = typeRank(a)
  const rb = typeRank(b)
  if (ra !== rb) return ra < rb ? -1 : 1
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b)
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const c = compareValues(a[i], b[i])
      if (c !== 0) return c
    }
    return a.length - b.length < 0 ? -1 : a.length > b.length ? 1 : 0
  }
  return compareStrings(goJson(a), goJson(b))
}

function compareKeys(a: readonly KeyField[], b: readonly KeyField[]): number {
  for (let i = 0; ; i++) {
    const fa = a[i]
    const fb = b[i]
    if (!fa && !fb) return 0
    if (!fa) return -1
    if (!fb) return 1
    const c = compareStrings(fa.name, fb.name) || compareValues(fa.value, fb.value)
    if (c !== 0) return c
  }
}

/** PathElement.Compare: field names, then keys, then values, then indices. */
export function comparePE(a: PathElement, b: PathElement): number {
  if ('field' in a) return 'field' in b ? compareStrings(a.field, b.field) : -1
  if ('field' in b) return 1
  if ('key' in a) return 'key' in b ? compareKeys(a.key, b.key) : -1
  if ('key' in b) return 1
  if ('value' in a) return 'value' in b ? compareValues(a.value, b.value) : -1
  if ('value' in b) return 1
  return a.index < b.index ? -1 : a.index > b.index ? 1 : 0
}

/** The FieldsV1 spelling, also used as the identity of an element. */
// Key and value elements spell their JSON out Go's way, which is not cheap and asked for
// many times per write (every set operation keys its maps by it): remembered per element.
const spelled = new WeakMap<PathElement, string>()

export function serializePE(pe: PathElement): string {
  if ('field' in pe) return `f:${pe.field}`
  if ('index' in pe) return `i:${pe.index}`
  let s = spelled.get(pe)
  if (s === undefined) {
    s = 'key' in pe ? 'k:{' + pe.key.map((f) => `${goJson(f.name)}:${goJson(f.value)}`).join(',') + '}' : `v:${goJson(pe.value)}`
    spelled.set(pe, s)
  }
  return s
}

export class PathElementSyntaxError extends Error {}

export function deserializePE(s: string): PathElement | undefined {
  if (s.length < 2) throw new PathElementSyntaxError('key must be 2 characters long:')
  if (s[1] !== ':') throw new PathElementSyntaxError(`missing colon: ${s}`)
  const rest = s.slice(2)
  switch (s.charAt(0)) {
    case 'f':
      return { field: rest }
    case 'v':
      return { value: parseJson(rest) }
    case 'k': {
      const v = parseJson(rest)
      if (!isObject(v)) throw new PathElementSyntaxError(`invalid key: ${s}`)
      return keyPE(Object.entries(v).map(([name, value]) => ({ name, value })))
    }
    case 'i': {
      if (!/^[+-]?\d+$/.test(rest)) throw new PathElementSyntaxError(`strconv.Atoi: parsing ${goQuote(rest)}: invalid syntax`)
      return { index: Number(rest) }
    }
    default:
      return undefined // unknown element types are dropped, as upstream
  }
}

function parseJson(s: string): unknown {
  try {
    return JSON.parse(s) as unknown
  } catch (e) {
    throw new PathElementSyntaxError((e as Error).message)
  }
}

/** value.ToString */
function valueString(v: unknown): string {
  if (v === null || v === undefined) return 'null'
  if (typeof v === 'string') return goQuote(v)
  if (typeof v === 'number' || typeof v === 'boolean') return String(v)
  if (Array.isArray(v)) return '[' + v.map(valueString).join(',') + ']'
  if (isObject(v)) return Object.entries(v).map(([k, x]) => `${k}=${valueString(x)}`).join('')
  return '{{undefined}}'
}

export function peString(pe: PathElement): string {
  if ('field' in pe) return `.${pe.field}`
  if ('key' in pe) return '[' + pe.key.map((f) => `${f.name}=${valueString(f.value)}`).join(',') + ']'
  if ('value' in pe) return `[=${valueString(pe.value)}]`
  return `[${pe.index}]`
}

/** fieldpath.Path.String(): `.spec.template.spec.containers[name="nginx"].image` */
export function pathString(path: Path): string {
  return path.map(peString).join('')
}
