/**
 * Decodes Kubernetes protobuf request bodies (`application/vnd.kubernetes.protobuf`), as sent by
 * client-go typed clients (kubectl create configmap/secret/namespace/..., drain's evictions), into
 * the plain object the same client would have sent as JSON.
 *
 * The body is the magic `k8s\0` followed by a `runtime.Unknown` {typeMeta{apiVersion, kind}, raw,
 * contentEncoding, contentType} whose `raw` is the object's message. Field numbers and JSON shapes
 * come from schema.ts, generated from upstream's generated.proto and Go types. Decoding follows
 * what the Go side does: gogo-protobuf unmarshal into the Go struct (unknown fields skipped,
 * absent non-pointer fields left zero) and then encoding/json marshal of that struct (omitempty,
 * omitzero, null for nil slices/maps/pointers without omitempty, embedded structs inlined, bytes
 * as base64, and the custom JSON of Time, MicroTime, Duration, FieldsV1, RawExtension,
 * IntOrString and Quantity).
 */

import {
  F_INLINE,
  F_MAP,
  F_OMITEMPTY,
  F_OMITZERO,
  F_POINTER,
  F_REPEATED,
  KINDS,
  LIST_WRAPPERS,
  MESSAGES,
  type FieldRow,
} from './schema.js'

/** The 4-byte prefix of every Kubernetes protobuf body: "k8s\0". */
export const PROTOBUF_MAGIC: Buffer = Buffer.from([0x6b, 0x38, 0x73, 0x00])

export const PROTOBUF_CONTENT_TYPE = 'application/vnd.kubernetes.protobuf'

const MAX_DEPTH = 100

function fail(message: string): never {
  throw new Error(`protobuf: ${message}`)
}

// ---- wire format ------------------------------------------------------------------------------

const WIRE_VARINT = 0
const WIRE_FIXED64 = 1
const WIRE_BYTES = 2
const WIRE_START_GROUP = 3
const WIRE_END_GROUP = 4
const WIRE_FIXED32 = 5

/** One occurrence of a field on the wire: a varint value, or the bytes of a length-delimited field. */
interface Occurrence {
  readonly wire: number
  readonly n: bigint
  readonly b: Buffer
}

const EMPTY = Buffer.alloc(0)

class Reader {
  pos = 0
  constructor(readonly buf: Buffer) {}

  get done(): boolean {
    return this.pos >= this.buf.length
  }

  varint(): bigint {
    let result = 0n
    let shift = 0n
    for (let i = 0; i < 10; i++) {
      const b = this.buf[this.pos++]
      if (b === undefined) fail('unexpected end of data in varint')
      result |= BigInt(b & 0x7f) << shift
      if (b < 0x80) return BigInt.asUintN(64, result)
      shift += 7n
    }
    fail('varint overflows 64 bits')
  }

  take(n: number): Buffer {
    if (n < 0 || this.pos + n > this.buf.length) fail('unexpected end of data')
    const out = this.buf.subarray(this.pos, this.pos + n)
    this.pos += n
    return out
  }

  lengthDelimited(): Buffer {
    const len = this.varint()
    if (len > BigInt(this.buf.length - this.pos)) fail('length-delimited field runs past the end of data')
    return this.take(Number(len))
  }

  /** Skips the value of a field of the given wire type (after its key was read). */
  skip(wire: number, field: number, depth = 0): void {
    switch (wire) {
      case WIRE_VARINT:
        this.varint()
        return
      case WIRE_FIXED64:
        this.take(8)
        return
      case WIRE_BYTES:
        this.lengthDelimited()
        return
      case WIRE_FIXED32:
        this.take(4)
        return
      case WIRE_START_GROUP: {
        if (depth > MAX_DEPTH) fail('groups nested too deeply')
        for (;;) {
          if (this.done) fail('unterminated group')
          const [f, w] = this.key()
          if (w === WIRE_END_GROUP) {
            if (f !== field) fail(`mismatched end of group ${f}`)
            return
          }
          this.skip(w, f, depth + 1)
        }
      }
      default:
        fail(`illegal wire type ${wire}`)
    }
  }

  key(): [field: number, wire: number] {
    const key = this.varint()
    const field = Number(key >> 3n)
    const wire = Number(key & 7n)
    if (field <= 0 || field > 0x1fffffff) fail(`illegal field number ${field}`)
    return [field, wire]
  }
}

/**
 * Splits a message into its fields' occurrences, keeping those in `wanted` (all others are
 * skipped, as generated Go code does with unknown fields).
 */
function readFields(buf: Buffer, wanted: ReadonlySet<number> | null): Map<number, Occurrence[]> {
  const out = new Map<number, Occurrence[]>()
  const r = new Reader(buf)
  while (!r.done) {
    const [field, wire] = r.key()
    if (wire === WIRE_END_GROUP) fail(`unexpected end of group ${field}`)
    if (wanted && !wanted.has(field)) {
      r.skip(wire, field)
      continue
    }
    let occ: Occurrence
    if (wire === WIRE_VARINT) occ = { wire, n: r.varint(), b: EMPTY }
    else if (wire === WIRE_BYTES) occ = { wire, n: 0n, b: r.lengthDelimited() }
    else if (wire === WIRE_FIXED64) occ = { wire, n: 0n, b: r.take(8) }
    else if (wire === WIRE_FIXED32) occ = { wire, n: 0n, b: r.take(4) }
    else {
      r.skip(wire, field)
      occ = { wire, n: 0n, b: EMPTY }
    }
    const list = out.get(field)
    if (list) list.push(occ)
    else out.set(field, [occ])
  }
  return out
}

// ---- scalars ----------------------------------------------------------------------------------

const SCALARS = new Set(['string', 'int32', 'int64', 'bool', 'bytes'])
const VARINT_SCALARS = new Set(['int32', 'int64', 'bool'])

function wireError(where: string, wire: number): never {
  fail(`wrong wire type ${wire} for ${where}`)
}

function varintScalar(type: string, n: bigint): number | boolean {
  if (type === 'bool') return n !== 0n
  if (type === 'int32') return Number(BigInt.asIntN(32, n))
  return Number(BigInt.asIntN(64, n))
}

/** The JSON value of one non-packed scalar occurrence. */
function scalar(type: string, occ: Occurrence, where: string): string | number | boolean {
  if (type === 'string' || type === 'bytes') {
    if (occ.wire !== WIRE_BYTES) wireError(where, occ.wire)
    return type === 'string' ? occ.b.toString('utf8') : occ.b.toString('base64')
  }
  if (occ.wire !== WIRE_VARINT) wireError(where, occ.wire)
  return varintScalar(type, occ.n)
}

function zeroScalar(type: string): string | number | boolean {
  return type === 'string' ? '' : type === 'bool' ? false : 0
}

// ---- messages ---------------------------------------------------------------------------------

/** A field left out of the JSON object. */
const OMIT = Symbol('omit')

const wantedCache = new Map<string, ReadonlySet<number>>()
function wantedFields(name: string, rows: readonly FieldRow[]): ReadonlySet<number> {
  let set = wantedCache.get(name)
  if (!set) {
    set = new Set(rows.map((r) => r[0]))
    wantedCache.set(name, set)
  }
  return set
}

/** All occurrences of a singular message field merged, as protobuf does, by concatenation. */
function merged(occs: readonly Occurrence[], where: string): Buffer {
  for (const o of occs) if (o.wire !== WIRE_BYTES) wireError(where, o.wire)
  const only = occs.length === 1 ? occs[0] : undefined
  return only ? only.b : Buffer.concat(occs.map((o) => o.b))
}

function messageFields(name: string): readonly FieldRow[] | null {
  const rows = MESSAGES[name]
  if (rows === undefined) fail(`no schema for message ${name}`)
  return rows
}

/** The JSON form of message `name` encoded in `buf`. */
function messageJSON(name: string, buf: Buffer, depth: number): unknown {
  if (depth > MAX_DEPTH) fail('message nested too deeply')
  const rows = messageFields(name)
  if (rows === null) return specialJSON(name, buf, depth)
  if (LIST_WRAPPERS.has(name)) {
    const row = rows[0]
    if (!row) fail(`bad list wrapper ${name}`)
    const v = fieldJSON(name, row, readFields(buf, wantedFields(name, rows)).get(1), depth)
    return v === OMIT ? null : v
  }
  const fields = readFields(buf, wantedFields(name, rows))
  const out: Record<string, unknown> = {}
  let direct: Set<string> | undefined
  for (const row of rows) {
    const [number, json, type, flags] = row
    const occs = fields.get(number)
    if (flags & F_INLINE) {
      // an embedded struct: its fields are promoted, unless the outer struct has a field of that name
      if (!occs && flags & F_POINTER) continue
      const inner = messageJSON(type, occs ? merged(occs, `${name}.${type}`) : EMPTY, depth + 1)
      if (!isObject(inner)) continue
      direct ??= new Set(rows.filter((r) => !(r[3] & F_INLINE)).map((r) => r[1]))
      for (const [k, v] of Object.entries(inner)) if (!direct.has(k) && !(k in out)) out[k] = v
      continue
    }
    const v = fieldJSON(name, row, occs, depth)
    if (v !== OMIT) out[json] = v
  }
  return out
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** JSON of a nil pointer, slice or map. */
function nil(flags: number): null | typeof OMIT {
  return flags & (F_OMITEMPTY | F_OMITZERO) ? OMIT : null
}

function isEmptyJSON(v: unknown): boolean {
  return v === '' || v === 0 || v === false || (Array.isArray(v) && v.length === 0) || (isObject(v) && Object.keys(v).length === 0)
}

/** The JSON value (or OMIT) of one field of message `owner`, given its occurrences on the wire. */
function fieldJSON(owner: string, row: FieldRow, occs: readonly Occurrence[] | undefined, depth: number): unknown {
  const [, json, type, flags] = row
  const where = `${owner}.${json}`
  const isScalar = SCALARS.has(type)

  if (flags & F_MAP) {
    if (!occs) return nil(flags)
    const m: Record<string, unknown> = {}
    for (const o of occs) {
      if (o.wire !== WIRE_BYTES) wireError(where, o.wire)
      const entry = readFields(o.b, ENTRY_FIELDS)
      const k = entry.get(1)
      const key = k ? (scalar('string', lastOf(k), `${where} key`) as string) : ''
      const v = entry.get(2)
      let value: unknown
      if (isScalar) value = v ? scalar(type, lastOf(v), `${where}[${key}]`) : type === 'bytes' ? '' : zeroScalar(type)
      else value = messageJSON(type, v ? merged(v, `${where}[${key}]`) : EMPTY, depth + 1)
      m[key] = value
    }
    return m
  }

  if (flags & F_REPEATED) {
    if (!occs) return nil(flags)
    const list: unknown[] = []
    for (const o of occs) {
      if (isScalar) {
        if (o.wire === WIRE_BYTES && VARINT_SCALARS.has(type)) {
          // packed
          const r = new Reader(o.b)
          while (!r.done) list.push(varintScalar(type, r.varint()))
        } else list.push(scalar(type, o, where))
      } else {
        if (o.wire !== WIRE_BYTES) wireError(where, o.wire)
        list.push(messageJSON(type, o.b, depth + 1))
      }
    }
    if (list.length === 0 && flags & (F_OMITEMPTY | F_OMITZERO)) return OMIT
    return list
  }

  if (isScalar) {
    const last = occs ? occs[occs.length - 1] : undefined
    if (!last) {
      if (flags & F_POINTER || type === 'bytes') return nil(flags)
      return flags & (F_OMITEMPTY | F_OMITZERO) ? OMIT : zeroScalar(type)
    }
    const v = scalar(type, last, where)
    if (flags & F_POINTER) return v
    if (flags & (F_OMITEMPTY | F_OMITZERO) && (v === '' || v === 0 || v === false)) return OMIT
    return v
  }

  // a message
  if (LIST_WRAPPERS.has(type)) {
    // a Go named slice type: nil unless present
    if (!occs) return nil(flags)
    const v = messageJSON(type, merged(occs, where), depth + 1)
    if (flags & (F_OMITEMPTY | F_OMITZERO) && (v === null || isEmptyJSON(v))) return OMIT
    return v
  }
  if (!occs) {
    if (flags & F_POINTER) return nil(flags)
    // a non-pointer struct is never empty for omitempty; omitzero drops its zero value
    if (flags & F_OMITZERO) return OMIT
    return messageJSON(type, EMPTY, depth + 1)
  }
  const v = messageJSON(type, merged(occs, where), depth + 1)
  if (!(flags & F_POINTER) && flags & F_OMITZERO && isZeroMessage(type, v, depth)) return OMIT
  return v
}

const ENTRY_FIELDS: ReadonlySet<number> = new Set([1, 2])

function lastOf(occs: readonly Occurrence[]): Occurrence {
  const o = occs[occs.length - 1]
  if (!o) fail('internal: empty occurrence list')
  return o
}

/** Whether a decoded struct is its type's zero value (what `omitzero` tests). */
function isZeroMessage(type: string, v: unknown, depth: number): boolean {
  if (v === null) return true // Time, MicroTime, RawExtension, FieldsV1 zero values
  return JSON.stringify(v) === JSON.stringify(messageJSON(type, EMPTY, depth + 1))
}

// ---- messages with their own JSON form ----------------------------------------------------------

/** Seconds of Go's zero time.Time (0001-01-01T00:00:00Z) since the Unix epoch. */
const GO_ZERO_TIME_SECONDS = -62135596800n

function int64Field(fields: Map<number, Occurrence[]>, n: number, where: string): bigint {
  const occs = fields.get(n)
  if (!occs) return 0n
  const o = lastOf(occs)
  if (o.wire !== WIRE_VARINT) wireError(where, o.wire)
  return BigInt.asIntN(64, o.n)
}

function stringField(fields: Map<number, Occurrence[]>, n: number, where: string): string | undefined {
  const occs = fields.get(n)
  return occs ? (scalar('string', lastOf(occs), where) as string) : undefined
}

function bytesField(fields: Map<number, Occurrence[]>, n: number, where: string): Buffer | undefined {
  const occs = fields.get(n)
  if (!occs) return undefined
  const o = lastOf(occs)
  if (o.wire !== WIRE_BYTES) wireError(where, o.wire)
  return o.b
}

/** "2006-01-02T15:04:05" of a Unix time in seconds, UTC. */
function isoSeconds(seconds: bigint): string {
  const ms = Number(seconds) * 1000
  const d = new Date(ms)
  if (Number.isNaN(d.getTime())) fail(`time out of range: ${seconds}s`)
  return d.toISOString().slice(0, 19).replace(/^\+0*(\d{4,})/, '$1')
}

function specialJSON(name: string, buf: Buffer, depth: number): unknown {
  switch (name) {
    case 'meta/v1.Time': {
      // Time.Unmarshal: empty data is the zero time; nanos are dropped. JSON: RFC 3339 in UTC, or null.
      if (buf.length === 0) return null
      const f = readFields(buf, null)
      const seconds = int64Field(f, 1, 'Time.seconds')
      if (seconds === GO_ZERO_TIME_SECONDS) return null
      return `${isoSeconds(seconds)}Z`
    }
    case 'meta/v1.MicroTime': {
      if (buf.length === 0) return null
      const f = readFields(buf, null)
      const nanos = Number(BigInt.asIntN(32, int64Field(f, 2, 'MicroTime.nanos')))
      let seconds = int64Field(f, 1, 'MicroTime.seconds')
      // time.Unix normalizes nanoseconds outside [0, 1e9); MicroTime keeps microseconds
      let ns = BigInt(Math.trunc(nanos / 1000) * 1000)
      seconds += ns / 1_000_000_000n
      ns %= 1_000_000_000n
      if (ns < 0n) {
        ns += 1_000_000_000n
        seconds -= 1n
      }
      if (seconds === GO_ZERO_TIME_SECONDS && ns === 0n) return null
      return `${isoSeconds(seconds)}.${String(ns / 1000n).padStart(6, '0')}Z`
    }
    case 'meta/v1.Duration':
      return goDuration(int64Field(readFields(buf, null), 1, 'Duration.duration'))
    case 'meta/v1.FieldsV1': {
      const raw = bytesField(readFields(buf, null), 1, 'FieldsV1.Raw')
      if (!raw || raw.length === 0) return null
      return parseJSON(raw, 'FieldsV1')
    }
    case 'runtime.RawExtension': {
      const raw = bytesField(readFields(buf, null), 1, 'RawExtension.raw')
      if (!raw || raw.length === 0) return null
      if (raw.subarray(0, 4).equals(PROTOBUF_MAGIC)) return decodeObject(raw, depth + 1)
      return parseJSON(raw, 'RawExtension')
    }
    case 'intstr.IntOrString': {
      const f = readFields(buf, null)
      const type = int64Field(f, 1, 'IntOrString.type')
      if (type === 0n) {
        const iv = f.get(2)
        if (!iv) return 0
        const o = lastOf(iv)
        if (o.wire !== WIRE_VARINT) wireError('IntOrString.intVal', o.wire)
        return varintScalar('int32', o.n)
      }
      if (type === 1n) return stringField(f, 3, 'IntOrString.strVal') ?? ''
      fail(`impossible IntOrString type ${type}`)
    }
    case 'resource.Quantity': {
      // Quantity.Unmarshal parses `string` (absent: the zero quantity, whose JSON is "0")
      const s = stringField(readFields(buf, null), 1, 'Quantity.string')
      if (s === undefined) return '0'
      if (s === '') fail('quantities must match the regular expression')
      return s
    }
    default:
      fail(`no decoder for ${name}`)
  }
}

function parseJSON(raw: Buffer, what: string): unknown {
  try {
    return JSON.parse(raw.toString('utf8')) as unknown
  } catch {
    fail(`${what} does not hold JSON`)
  }
}

/** Go's time.Duration.String() of a number of nanoseconds. */
export function goDuration(d: bigint): string {
  if (d === 0n) return '0s'
  const neg = d < 0n
  let u = neg ? -d : d
  const frac = (v: bigint, prec: number): [string, bigint] => {
    let digits = ''
    let print = false
    for (let i = 0; i < prec; i++) {
      const digit = v % 10n
      print ||= digit !== 0n
      if (print) digits = `${digit}${digits}`
      v /= 10n
    }
    return [print ? `.${digits}` : '', v]
  }
  let s: string
  if (u < 1_000_000_000n) {
    const [prec, unit] = u < 1000n ? [0, 'ns'] : u < 1_000_000n ? [3, 'µs'] : [6, 'ms']
    const [f, whole] = frac(u, prec)
    s = `${whole}${f}${unit}`
  } else {
    const [f, whole] = frac(u, 9)
    u = whole
    s = `${u % 60n}${f}s`
    u /= 60n
    if (u > 0n) {
      s = `${u % 60n}m${s}`
      u /= 60n
      if (u > 0n) s = `${u}h${s}`
    }
  }
  return neg ? `-${s}` : s
}

// ---- objects ----------------------------------------------------------------------------------

function messageFor(apiVersion: string, kind: string): string | undefined {
  const kinds = Object.hasOwn(KINDS, apiVersion) ? KINDS[apiVersion] : undefined
  return kinds && Object.hasOwn(kinds, kind) ? kinds[kind] : undefined
}

function decodeObject(body: Buffer, depth: number): Record<string, unknown> {
  if (body.length < PROTOBUF_MAGIC.length || !body.subarray(0, PROTOBUF_MAGIC.length).equals(PROTOBUF_MAGIC)) {
    fail('body does not start with the Kubernetes protobuf prefix "k8s\\x00"')
  }
  // runtime.Unknown {TypeMeta typeMeta = 1; bytes raw = 2; string contentEncoding = 3; string contentType = 4}
  const unknown = readFields(body.subarray(PROTOBUF_MAGIC.length), null)
  const tmOccs = unknown.get(1)
  const typeMeta = tmOccs ? readFields(merged(tmOccs, 'Unknown.typeMeta'), null) : new Map<number, Occurrence[]>()
  const apiVersion = stringField(typeMeta, 1, 'TypeMeta.apiVersion') ?? ''
  const kind = stringField(typeMeta, 2, 'TypeMeta.kind') ?? ''
  const encoding = stringField(unknown, 3, 'Unknown.contentEncoding') ?? ''
  const contentType = stringField(unknown, 4, 'Unknown.contentType') ?? ''
  if (kind === '') fail("Object 'Kind' is missing")
  if (apiVersion === '') fail("Object 'apiVersion' is missing")
  if (encoding !== '') fail(`unsupported content encoding "${encoding}"`)
  if (contentType !== '' && contentType !== PROTOBUF_CONTENT_TYPE) fail(`unsupported content type "${contentType}"`)
  const name = messageFor(apiVersion, kind)
  if (!name) fail(`no kind "${kind}" is registered for version "${apiVersion}"`)
  const raw = bytesField(unknown, 2, 'Unknown.raw') ?? EMPTY
  const obj = messageJSON(name, raw, depth)
  if (!isObject(obj)) fail(`internal: ${name} did not decode to an object`)
  return { kind, apiVersion, ...obj }
}

/**
 * Decodes a Kubernetes protobuf-encoded body (magic "k8s\0" + runtime.Unknown envelope
 * {typeMeta{apiVersion,kind}, raw, contentEncoding, contentType}) into a plain JSON-shaped object
 * (apiVersion/kind from the envelope's typeMeta). Throws an Error with a clear message for an
 * unknown type or malformed input (the server turns it into 400 BadRequest).
 */
export function decodeProtobufObject(body: Buffer): Record<string, unknown> {
  return decodeObject(body, 0)
}

/** true if `Type` is decodable (so the server can answer 415 for the rest). */
export function canDecode(apiVersion: string, kind: string): boolean {
  return messageFor(apiVersion, kind) !== undefined
}

/**
 * The apiVersion and kind in a protobuf body's envelope, without decoding the object; undefined
 * if the body is not a well-formed envelope. Lets the server pick 415 vs 400 before decoding.
 */
export function protobufTypeMeta(body: Buffer): { apiVersion: string; kind: string } | undefined {
  try {
    if (!body.subarray(0, PROTOBUF_MAGIC.length).equals(PROTOBUF_MAGIC)) return undefined
    const unknown = readFields(body.subarray(PROTOBUF_MAGIC.length), new Set([1]))
    const tm = unknown.get(1)
    const typeMeta = tm ? readFields(merged(tm, 'Unknown.typeMeta'), null) : new Map<number, Occurrence[]>()
    return {
      apiVersion: stringField(typeMeta, 1, 'TypeMeta.apiVersion') ?? '',
      kind: stringField(typeMeta, 2, 'TypeMeta.kind') ?? '',
    }
  } catch {
    return undefined
  }
}
