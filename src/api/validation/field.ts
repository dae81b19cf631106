/**
 * Builders for upstream's field.Error values and the Go-style rendering of the
 * offending value ("map[string]string{\"app\":\"x\"}", "v1.LabelSelector{…}").
 *
 * errors.ts prints a FieldError value by type: strings quoted, numbers and booleans
 * bare, objects as JSON. Upstream prints structs and maps with Go's %#v and
 * fmt.Stringer types (IntOrString, Quantity) bare. Such values are passed as a
 * `GoValue`: a function object whose toString() returns the pre-rendered text, which
 * errors.ts's String(v) fallback prints verbatim.
 */
import type { FieldError, FieldErrorType } from '../errors.js'
import { formatFieldError } from '../errors.js'
import { isObj, type J } from './json.js'

// ---------------------------------------------------------------- paths

export const child = (path: string, ...names: string[]): string =>
  names.reduce((p, n) => (p ? `${p}.${n}` : n), path)
export const index = (path: string, i: number): string => `${path}[${i}]`
export const key = (path: string, k: string): string => `${path}[${k}]`

// ---------------------------------------------------------------- Go values

export interface GoValue {
  (): string
  readonly goText: string
}

/** A value already rendered as upstream prints it. */
export function goValue(text: string): GoValue {
  const f = (() => text) as unknown as GoValue & { toString(): string; toJSON(): string }
  Object.defineProperty(f, 'goText', { value: text })
  f.toString = () => text
  f.toJSON = () => text
  return f
}

export function isGoValue(v: unknown): v is GoValue {
  return typeof v === 'function' && typeof (v as { goText?: unknown }).goText === 'string'
}

/** Go's %q / %#v for a string. */
export const goQuote = (s: string): string => JSON.stringify(s)

/** %#v of map[string]string; `undefined` is a nil map. */
export function goStringMap(m: unknown, type = 'map[string]string'): string {
  if (!isObj(m)) return `${type}(nil)`
  const entries = Object.keys(m).sort().map((k) => `${goQuote(k)}:${goQuote(String(m[k]))}`)
  return `${type}{${entries.join(', ')}}`
}

/** %#v of []string; `undefined` is a nil slice. */
export function goStringSlice(a: unknown, type = '[]string'): string {
  if (!Array.isArray(a)) return `${type}(nil)`
  return `${type}{${a.map((x) => goQuote(String(x))).join(', ')}}`
}

/** %#v of a metav1.LabelSelector (as printed for `spec.selector` errors). */
export function goLabelSelector(sel: unknown): string {
  const s = isObj(sel) ? sel : {}
  const exprs = Array.isArray(s['matchExpressions'])
    ? `[]v1.LabelSelectorRequirement{${(s['matchExpressions'] as unknown[]).map((e) => {
      const r = isObj(e) ? e : {}
      return `v1.LabelSelectorRequirement{Key:${goQuote(String(r['key'] ?? ''))}, Operator:${goQuote(String(r['operator'] ?? ''))}, Values:${goStringSlice(r['values'])}}`
    }).join(', ')}}`
    : '[]v1.LabelSelectorRequirement(nil)'
  return `v1.LabelSelector{MatchLabels:${goStringMap(s['matchLabels'])}, MatchExpressions:${exprs}}`
}

/** An IntOrString prints through its String() method: 1 or 25%. */
export function goIntOrString(v: unknown): unknown {
  if (typeof v === 'number') return v
  return goValue(typeof v === 'string' ? v : '0')
}

const goScalar = (v: unknown, type: string): string => {
  if (v === undefined || v === null) return type === 'string' ? '""' : type.startsWith('*') ? `(${type})(nil)` : type === 'bool' ? 'false' : '0'
  if (type.startsWith('*')) return `(${type})(0xc000010000)`
  if (typeof v === 'string') return goQuote(v)
  return String(v)
}

/** %#v of a flat struct: fields given as [GoName, jsonValue, goType]. */
export function goStruct(typeName: string, fields: ReadonlyArray<readonly [string, unknown, string]>): string {
  return `${typeName}{${fields.map(([n, v, t]) => `${n}:${goScalar(v, t)}`).join(', ')}}`
}

/** metav1.Time prints through its String(): "2024-01-02 03:04:05 +0000 UTC". */
export function goTime(v: unknown): unknown {
  if (typeof v !== 'string' || v === '') return goValue('0001-01-01 00:00:00 +0000 UTC')
  const d = new Date(v)
  if (Number.isNaN(d.getTime())) return v
  const pad = (n: number, w = 2) => String(n).padStart(w, '0')
  const frac = d.getUTCMilliseconds() ? `.${String(d.getUTCMilliseconds()).padStart(3, '0').replace(/0+$/, '')}` : ''
  return goValue(`${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}${frac} +0000 UTC`)
}

// ---------------------------------------------------------------- errors

function mk(field: string, type: FieldErrorType, value: unknown, detail: string, withValue: boolean): FieldError {
  const e: FieldError = { field, type }
  if (withValue) e.value = value === undefined ? null : value
  if (detail) e.detail = detail
  return e
}

export const fe = {
  invalid: (path: string, value: unknown, detail: string): FieldError => mk(path, 'FieldValueInvalid', value, detail, true),
  required: (path: string, detail = ''): FieldError => mk(path, 'FieldValueRequired', undefined, detail, false),
  forbidden: (path: string, detail: string): FieldError => mk(path, 'FieldValueForbidden', undefined, detail, false),
  duplicate: (path: string, value: unknown): FieldError => mk(path, 'FieldValueDuplicate', value, '', true),
  notSupported: (path: string, value: unknown, valid: readonly string[]): FieldError =>
    mk(path, 'FieldValueNotSupported', value, valid.length ? `supported values: ${valid.map(goQuote).join(', ')}` : '', true),
  tooLong: (path: string, max: number): FieldError => mk(path, 'FieldValueTooLong', undefined, `must have at most ${max} bytes`, false),
  tooMany: (path: string, actual: number, max: number): FieldError => mk(path, 'FieldValueTooMany', actual, `must have at most ${max} items`, true),
  /** upstream's field.NotFound ("Not found"); errors.ts must know the FieldValueNotFound type to print it. */
  notFound: (path: string, value: unknown, detail = ''): FieldError => mk(path, 'FieldValueNotFound' as FieldErrorType, value, detail, true),
}

/** Upstream's field.Error.Error() text: errors.ts renders it (one renderer for the server and tests). */
export const upstreamFieldErrorText = formatFieldError

/** Removes errors whose printed text repeats an earlier one (upstream's ErrorList.ToAggregate). */
export function dedupe(errs: readonly FieldError[]): FieldError[] {
  const seen = new Set<string>()
  const out: FieldError[] = []
  for (const e of errs) {
    const text = upstreamFieldErrorText(e)
    if (seen.has(text)) continue
    seen.add(text)
    out.push(e)
  }
  return out
}

/** errors.ts's rendering, re-exported for callers that want both side by side. */
export { formatFieldError }

export type Errs = FieldError[]
export type { FieldError, J }
