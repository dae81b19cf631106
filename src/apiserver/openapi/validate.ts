/**
 * Server-side field validation: walks a decoded request body against the schema of its kind the
 * way upstream's strict JSON decoder (sigs.k8s.io/json) walks it into the Go struct, and reports
 *
 * - unknown fields by their path (`spec.template.spec.containers[0].foo`), as the decoder's
 *   strict errors (`unknown field "…"` is the caller's wrapping);
 * - the first type mismatch in the decoder's words: `json: cannot unmarshal string into Go struct
 *   field StatefulSetSpec.spec.replicas of type int32` (struct = the Go type holding the field,
 *   path = field names from the root without list indexes or map keys), or the error of a custom
 *   decoder (Quantity, IntOrString, Time).
 *
 * Like upstream, null is accepted anywhere; decoding goes on after a type error, but only the
 * first one is reported. Go names of named scalar types (v1.Protocol …) are not known here;
 * such fields report their underlying type (string).
 */
import type { Catalog, TypeDef, TypeRef } from './model.js'

export interface FieldProblems {
  unknown: string[]
  typeErrors: string[]
}

const INT32_MIN = -2147483648
const INT32_MAX = 2147483647

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return 'array'
  if (v === null) return 'null'
  if (typeof v === 'object') return 'object'
  if (typeof v === 'boolean') return 'bool'
  return typeof v // string, number
}

/** The Go package name of a schema name: io.k8s.api.apps.v1.X → v1; …api.resource.Quantity → resource */
function goTypeName(schema: string): string {
  const parts = schema.split('.')
  return `${parts[parts.length - 2]}.${parts[parts.length - 1]}`
}

function goType(t: TypeRef): string {
  switch (t.t) {
    case 'string': return t.format === 'byte' ? '[]uint8' : 'string'
    case 'integer': return t.format
    case 'number': return 'float64'
    case 'boolean': return 'bool'
    case 'ref': return goTypeName(t.name)
    case 'array': return `[]${goType(t.items)}`
    case 'map': return `map[string]${goType(t.values)}`
    case 'any': return 'interface {}'
  }
}

/** time.RFC3339 as Go's time.Parse accepts it */
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/
const QUANTITY = /^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$/
const QUANTITY_ERROR = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
const SUFFIXES = new Set(['', 'n', 'u', 'm', 'k', 'M', 'G', 'T', 'P', 'E', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'])

/** resource.ParseQuantity's acceptance, close enough: number, then a known suffix or exponent */
function validQuantity(s: string): boolean {
  const t = s.trim()
  const m = QUANTITY.exec(t)
  if (!m) return false
  const num = m[1]!
  if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(num)) return false
  const suffix = m[2]!
  return SUFFIXES.has(suffix) || /^[eE][-+]?\d+$/.test(suffix)
}

/** Where Go's base64.StdEncoding rejects `s` (-1: it decodes), approximately. */
export function base64ErrorAt(s: string): number {
  const chars = s.replace(/[\r\n]/g, '')
  const bad = /[^A-Za-z0-9+/=]/.exec(chars)
  if (bad) return bad.index
  const pad = chars.indexOf('=')
  if (pad >= 0 && (!/^=+$/.test(chars.slice(pad)) || chars.length % 4 !== 0 || chars.length - pad > 2)) return pad
  if (chars.length % 4 !== 0) return chars.length - (chars.length % 4)
  return -1
}

class Walker {
  readonly unknown: string[] = []
  readonly typeErrors: string[] = []

  /** @param prune delete unknown fields from the walked object (typed decoding drops them) */
  constructor(private readonly cat: Catalog, private readonly prune = false) {}

  private typeError(value: string, struct: string, fieldPath: string, type: string): void {
    if (this.typeErrors.length > 0) return
    this.typeErrors.push(struct || fieldPath
      ? `json: cannot unmarshal ${value} into Go struct field ${struct}.${fieldPath} of type ${type}`
      : `json: cannot unmarshal ${value} into Go value of type ${type}`)
  }

  private customError(message: string): void {
    if (this.typeErrors.length === 0) this.typeErrors.push(message)
  }

  /**
   * @param strictPath the strict decoder's path (with [i] and map keys)
   * @param struct Go name of the struct holding the innermost field
   * @param fieldPath the field names from the root, dot-joined
   * @param known the same place in an object already checked: a shared subtree is skipped
   */
  value(v: unknown, t: TypeRef, strictPath: string, struct: string, fieldPath: string, known?: unknown): void {
    if (v === null || v === undefined || v === known) return
    const kind = jsonKind(v)
    switch (t.t) {
      case 'any':
        return
      case 'string':
        if (kind !== 'string') this.typeError(kind, struct, fieldPath, goType(t))
        else if (t.format === 'byte') {
          const at = base64ErrorAt(v as string)
          if (at >= 0) this.customError(`illegal base64 data at input byte ${at}`)
        }
        return
      case 'boolean':
        if (kind !== 'bool') this.typeError(kind, struct, fieldPath, 'bool')
        return
      case 'integer': {
        if (kind !== 'number') return this.typeError(kind, struct, fieldPath, t.format)
        const n = v as number
        const out = !Number.isInteger(n) || (t.format === 'int32' ? n < INT32_MIN || n > INT32_MAX : !Number.isSafeInteger(n))
        if (out) this.typeError(`number ${String(n)}`, struct, fieldPath, t.format)
        return
      }
      case 'number':
        if (kind !== 'number') this.typeError(kind, struct, fieldPath, 'float64')
        return
      case 'array':
        if (kind !== 'array') return this.typeError(kind, struct, fieldPath, goType(t))
        ;(v as unknown[]).forEach((item, i) => this.value(item, t.items, `${strictPath}[${i}]`, struct, fieldPath, Array.isArray(known) ? known[i] : undefined))
        return
      case 'map':
        if (kind !== 'object') return this.typeError(kind, struct, fieldPath, goType(t))
        for (const [k, item] of Object.entries(v as Record<string, unknown>)) {
          this.value(item, t.values, strictPath ? `${strictPath}.${k}` : k, struct, fieldPath, isObj(known) ? known[k] : undefined)
        }
        return
      case 'ref': {
        const def = this.cat.types[t.name]
        if (def) this.ref(v, kind, def, strictPath, struct, fieldPath, known)
        return
      }
    }
  }

  private ref(v: unknown, kind: string, def: TypeDef, strictPath: string, struct: string, fieldPath: string, known: unknown): void {
    switch (def.kind) {
      case 'raw':
        return
      case 'quantity':
        if ((kind === 'string' || kind === 'number') && validQuantity(String(v))) return
        return this.customError(QUANTITY_ERROR)
      case 'int-or-string':
        if (kind === 'string') return
        if (kind !== 'number') return this.customError(`json: cannot unmarshal ${kind} into Go value of type int32`)
        if (!Number.isInteger(v) || (v as number) < INT32_MIN || (v as number) > INT32_MAX) {
          this.customError(`json: cannot unmarshal number ${String(v)} into Go value of type int32`)
        }
        return
      case 'time':
      case 'micro-time': {
        if (kind !== 'string') return this.customError(`json: cannot unmarshal ${kind} into Go value of type string`)
        const s = v as string
        if (!RFC3339.test(s)) this.customError(`parsing time ${JSON.stringify(s)} as "2006-01-02T15:04:05Z07:00": cannot parse ${JSON.stringify(s)} as "2006"`)
        return
      }
      case 'object':
        if (kind !== 'object') return this.typeError(kind, struct, fieldPath, goTypeName(def.name))
        return this.object(v as Record<string, unknown>, def, strictPath, fieldPath, known)
    }
  }

  object(obj: Record<string, unknown>, def: TypeDef, strictPath: string, fieldPath: string, known?: unknown): void {
    const structName = def.name.slice(def.name.lastIndexOf('.') + 1)
    const fields = fieldsOf(def)
    const knownObj = isObj(known) ? known : undefined
    for (const [key, val] of Object.entries(obj)) {
      const f = fields.get(key)
      const path = strictPath ? `${strictPath}.${key}` : key
      if (!f) {
        if (this.unknown.length < 100 && !this.unknown.includes(path)) this.unknown.push(path)
        if (this.prune) delete obj[key]
        continue
      }
      this.value(val, f.type, path, structName, fieldPath ? `${fieldPath}.${key}` : key, knownObj?.[key])
    }
  }
}

const fieldMaps = new WeakMap<TypeDef, ReadonlyMap<string, NonNullable<TypeDef['fields']>[number]>>()
function fieldsOf(def: TypeDef): ReadonlyMap<string, NonNullable<TypeDef['fields']>[number]> {
  let m = fieldMaps.get(def)
  if (!m) {
    m = new Map((def.fields ?? []).map((f) => [f.name, f]))
    fieldMaps.set(def, m)
  }
  return m
}

/** @param known an object already checked (the stored one): parts `obj` shares with it are skipped */
export function checkObject(cat: Catalog, schema: string, obj: unknown, prune = false, known?: unknown): FieldProblems {
  const def = cat.types[schema]
  const walker = new Walker(cat, prune)
  if (!def) return { unknown: [], typeErrors: [] }
  if (!isObj(obj)) {
    walker.value(obj, { t: 'ref', name: schema }, '', '', '')
  } else {
    walker.object(obj, def, '', '', known)
  }
  return { unknown: walker.unknown, typeErrors: walker.typeErrors }
}
