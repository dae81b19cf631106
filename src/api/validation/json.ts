/**
 * Small helpers for reading and writing loosely-typed JSON objects. Validation must
 * cope with whatever a client sent, so it reads through these instead of trusting the
 * kubernetes-types shapes.
 */
export type J = Record<string, unknown>

export function isObj(v: unknown): v is J {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

export function obj(v: unknown): J | undefined {
  return isObj(v) ? v : undefined
}

export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : []
}

export function objs(v: unknown): J[] {
  return arr(v).map((x) => (isObj(x) ? x : {}))
}

export function str(v: unknown): string {
  return typeof v === 'string' ? v : ''
}

export function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined
}

export function strMap(v: unknown): Record<string, string> | undefined {
  if (!isObj(v)) return undefined
  const out: Record<string, string> = {}
  for (const [k, val] of Object.entries(v)) out[k] = typeof val === 'string' ? val : String(val)
  return out
}

/** Returns parent[key] as an object, creating `{}` when absent. */
export function ensure(parent: J, key: string): J {
  const cur = parent[key]
  if (isObj(cur)) return cur
  const created: J = {}
  parent[key] = created
  return created
}

export function has(o: J | undefined, key: string): boolean {
  return o !== undefined && o[key] !== undefined && o[key] !== null
}

/** Sets parent[key] = value when the field is absent (undefined or null) or, with `emptyToo`, the empty string. */
export function setDefault(parent: J, key: string, value: unknown, emptyToo = true): void {
  const cur = parent[key]
  if (cur === undefined || cur === null || (emptyToo && cur === '')) parent[key] = value
}

export const sortedKeys = (o: J | Record<string, string> | undefined): string[] => Object.keys(o ?? {}).sort()

/** Deep equality for JSON data, treating absent, null and (for convenience) nothing else alike. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (a === undefined || a === null) return b === undefined || b === null
  if (b === undefined || b === null) return false
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false
    return a.every((x, i) => deepEqual(x, b[i]))
  }
  if (isObj(a)) {
    if (!isObj(b)) return false
    const keys = new Set([...Object.keys(a), ...Object.keys(b)])
    for (const k of keys) if (!deepEqual(a[k], b[k])) return false
    return true
  }
  return false
}

/**
 * apimachinery's Semantic.DeepEqual as seen through JSON: absent, null, empty
 * object and empty array are all the zero value, and so are "", 0 and false for
 * fields Go would omit. Used for "has anything other than X changed" checks.
 */
export function semanticEqual(a: unknown, b: unknown): boolean {
  const empty = (v: unknown): boolean =>
    v === undefined || v === null || v === '' || v === 0 || v === false ||
    (Array.isArray(v) && v.length === 0) || (isObj(v) && Object.values(v).every(empty))
  if (empty(a) && empty(b)) return true
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false
    return a.every((x, i) => semanticEqual(x, b[i]))
  }
  if (isObj(a)) {
    if (!isObj(b)) return false
    const keys = new Set([...Object.keys(a), ...Object.keys(b)])
    for (const k of keys) if (!semanticEqual(a[k], b[k])) return false
    return true
  }
  return a === b
}

export function clone<T>(v: T): T {
  return structuredClone(v)
}

/** UTF-8 byte length, matching Go's len() on strings. */
export function byteLen(s: string): number {
  let n = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 0x80) n += 1
    else if (c < 0x800) n += 2
    else if (c >= 0xd800 && c <= 0xdbff) { n += 4; i++ }
    else n += 3
  }
  return n
}
