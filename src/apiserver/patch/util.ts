/**
 * Small JSON helpers shared by the patch engines: structural equality, null pruning,
 * and Go-compatible text (encoding/json output, `%v`/`%q` formatting) so that
 * messages and annotations read as upstream's do.
 */
import { clone } from '../../api/index.js'
import { isPlainObject } from '../../api/index.js'

export type JsonObject = Record<string, unknown>

export const isObject = isPlainObject

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false
    return true
  }
  if (isObject(a)) {
    if (!isObject(b)) return false
    const ka = Object.keys(a)
    if (ka.length !== Object.keys(b).length) return false
    for (const k of ka) {
      if (!Object.hasOwn(b, k) || !deepEqual(a[k], b[k])) return false
    }
    return true
  }
  return false
}

/** Deep copy of JSON data (no functions, dates or cycles expected). */
export function cloneJson<T>(v: T): T {
  return clone(v)
}

/**
 * Drops object members whose value is null, at any depth (list elements are kept).
 * A typed decode upstream turns such members into zero values, i.e. absent fields.
 * The input is untouched; the result shares every part that had no null with it.
 */
export function withoutNullFields(v: unknown): unknown {
  // copy-on-write: a part without nulls comes back as it is (shared, not copied)
  if (Array.isArray(v)) {
    let out: unknown[] | undefined
    for (let i = 0; i < v.length; i++) {
      const x = withoutNullFields(v[i])
      if (x !== v[i]) (out ??= v.slice())[i] = x
    }
    return out ?? v
  }
  if (isObject(v)) {
    let out: JsonObject | undefined
    for (const k in v) {
      const x = v[k]
      if (x === null || x === undefined) {
        out ??= { ...v }
        delete out[k]
        continue
      }
      const y = withoutNullFields(x)
      if (y !== x) (out ??= { ...v })[k] = y
    }
    return out ?? v
  }
  return v
}

const escapes: Record<string, string> = {
  '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t',
  '<': '\\u003c', '>': '\\u003e', '&': '\\u0026', '\u2028': '\\u2028', '\u2029': '\\u2029',
}

function goString(s: string): string {
  return '"' + s.replace(/["\\\n\r\t<>&\u2028\u2029\u0000-\u001f]/g, (c) =>
    escapes[c] ?? '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0')) + '"'
}

/** encoding/json's output: compact, map keys sorted, HTML characters escaped. */
export function goJson(v: unknown): string {
  if (v === null || v === undefined) return 'null'
  if (typeof v === 'string') return goString(v)
  if (typeof v === 'number') return Number.isFinite(v) ? JSON.stringify(v) : 'null'
  if (typeof v === 'boolean') return v ? 'true' : 'false'
  if (Array.isArray(v)) return '[' + v.map(goJson).join(',') + ']'
  if (isObject(v)) {
    const keys = Object.keys(v).filter((k) => v[k] !== undefined).sort(compareStrings)
    return '{' + keys.map((k) => goString(k) + ':' + goJson(v[k])).join(',') + '}'
  }
  return 'null'
}

/** Byte-wise (UTF-8) string order, as Go's strings.Compare. */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const ca = a.codePointAt(i) ?? 0
    const cb = b.codePointAt(i) ?? 0
    if (ca !== cb) return ca < cb ? -1 : 1
    if (ca > 0xffff) i++
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0
}

/** Go's `%q` for a string (close enough: JSON quoting without HTML escapes). */
export function goQuote(s: string): string {
  return JSON.stringify(s)
}

/** Go's `%v` for decoded JSON (`map[a:1 b:[x y]]`, `<nil>`). */
export function goFmt(v: unknown): string {
  if (v === null || v === undefined) return '<nil>'
  if (typeof v === 'string') return v
  if (typeof v === 'number' || typeof v === 'boolean') return String(v)
  if (Array.isArray(v)) return '[' + v.map(goFmt).join(' ') + ']'
  if (isObject(v)) {
    return 'map[' + Object.keys(v).sort(compareStrings).map((k) => `${k}:${goFmt(v[k])}`).join(' ') + ']'
  }
  return String(v)
}

/** Go's reflect type name for decoded JSON, as printed in upstream error texts. */
export function goTypeName(v: unknown): string {
  if (v === null || v === undefined) return '<nil>'
  if (typeof v === 'string') return 'string'
  if (typeof v === 'number') return Number.isInteger(v) ? 'int64' : 'float64'
  if (typeof v === 'boolean') return 'bool'
  if (Array.isArray(v)) return '[]interface {}'
  return 'map[string]interface {}'
}

/** The JSON kind word encoding/json uses in "cannot unmarshal X into …". */
export function jsonKindWord(v: unknown): string {
  if (v === null || v === undefined) return 'null'
  if (typeof v === 'string') return 'string'
  if (typeof v === 'number') return 'number'
  if (typeof v === 'boolean') return 'bool'
  if (Array.isArray(v)) return 'array'
  return 'object'
}
