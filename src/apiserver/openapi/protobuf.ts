/**
 * Encodes a swagger 2.0 document (as built by v2.ts) as a protobuf `openapi.v2.Document` of
 * gnostic (github.com/google/gnostic-models/openapiv2/OpenAPIv2.proto), which is what kubectl
 * asks /openapi/v2 for. Encoding only, and only the messages and fields the document uses, so a
 * few lines of wire format replace a protobuf library; the field numbers are gnostic's.
 * Vendor extensions and enum values travel as YAML text (`Any.yaml`); JSON is valid YAML.
 */

type Json = Record<string, unknown>

// ---- wire format ----------------------------------------------------------------------------

function varint(n: number): number[] {
  const out: number[] = []
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80)
    n = Math.floor(n / 128)
  }
  out.push(n)
  return out
}

/** A message under construction: a list of encoded fields. */
class Msg {
  readonly parts: Buffer[] = []
  private size = 0

  private push(b: Buffer): this {
    this.parts.push(b)
    this.size += b.length
    return this
  }

  private key(field: number, wire: number): void {
    this.push(Buffer.from(varint(field * 8 + wire)))
  }

  str(field: number, s: string | undefined): this {
    if (s === undefined || s === '') return this
    const b = Buffer.from(s, 'utf8')
    this.key(field, 2)
    this.push(Buffer.from(varint(b.length)))
    return this.push(b)
  }

  strs(field: number, list: readonly string[] | undefined): this {
    for (const s of list ?? []) {
      const b = Buffer.from(s, 'utf8')
      this.key(field, 2)
      this.push(Buffer.from(varint(b.length)))
      this.push(b)
    }
    return this
  }

  bool(field: number, v: boolean | undefined): this {
    if (!v) return this
    this.key(field, 0)
    return this.push(Buffer.from([1]))
  }

  msg(field: number, m: Msg | undefined): this {
    if (!m) return this
    this.key(field, 2)
    this.push(Buffer.from(varint(m.size)))
    for (const p of m.parts) this.push(p)
    return this
  }

  bytes(): Buffer {
    return Buffer.concat(this.parts, this.size)
  }
}

// ---- openapi.v2 messages ----------------------------------------------------------------------

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)

/** NamedAny { name = 1; Any value = 2 }, Any { yaml = 2 } */
function namedAny(name: string, value: unknown): Msg {
  return new Msg().str(1, name).msg(2, new Msg().str(2, JSON.stringify(value) + '\n'))
}

function vendorExtensions(obj: Json, field: number, m: Msg): void {
  for (const [k, v] of Object.entries(obj)) if (k.startsWith('x-')) m.msg(field, namedAny(k, v))
}

/** Schema (fields: _ref 1, format 2, description 4, required 19, enum 20, additional_properties 21,
 *  type 22, items 23, all_of 24, properties 25, vendor_extension 31) */
export function encodeSchema(s: Json): Msg {
  const m = new Msg()
  m.str(1, s['$ref'] as string | undefined)
  m.str(2, s['format'] as string | undefined)
  m.str(4, s['description'] as string | undefined)
  m.strs(19, s['required'] as string[] | undefined)
  for (const e of (s['enum'] as unknown[] | undefined) ?? []) m.msg(20, new Msg().str(2, JSON.stringify(e) + '\n'))
  const ap = s['additionalProperties']
  if (isObj(ap)) m.msg(21, new Msg().msg(1, encodeSchema(ap)))
  else if (ap === true) m.msg(21, new Msg().bool(2, true))
  const type = s['type']
  if (typeof type === 'string') m.msg(22, new Msg().strs(1, [type]))
  const items = s['items']
  if (isObj(items)) m.msg(23, new Msg().msg(1, encodeSchema(items)))
  for (const a of (s['allOf'] as Json[] | undefined) ?? []) m.msg(24, encodeSchema(a))
  const props = s['properties']
  if (isObj(props)) {
    const p = new Msg()
    for (const [name, sub] of Object.entries(props)) p.msg(1, new Msg().str(1, name).msg(2, encodeSchema(sub as Json)))
    m.msg(25, p)
  }
  vendorExtensions(s, 31, m)
  return m
}

/** ParametersItem { Parameter parameter = 1 }; Parameter { BodyParameter = 1; NonBodyParameter = 2 } */
function encodeParameter(p: Json): Msg {
  const inn = p['in'] as string
  let param: Msg
  if (inn === 'body') {
    // BodyParameter { description 1, name 2, in 3, required 4, schema 5 }
    param = new Msg().msg(1, new Msg()
      .str(1, p['description'] as string | undefined).str(2, p['name'] as string).str(3, inn)
      .bool(4, p['required'] as boolean | undefined).msg(5, encodeSchema(p['schema'] as Json)))
  } else if (inn === 'path') {
    // PathParameterSubSchema { required 1, in 2, description 3, name 4, type 5, unique_items 19 }
    param = new Msg().msg(2, new Msg().msg(4, new Msg()
      .bool(1, true).str(2, inn).str(3, p['description'] as string | undefined).str(4, p['name'] as string)
      .str(5, p['type'] as string | undefined).bool(19, p['uniqueItems'] as boolean | undefined)))
  } else {
    // QueryParameterSubSchema { required 1, in 2, description 3, name 4, type 6, unique_items 20 }
    param = new Msg().msg(2, new Msg().msg(3, new Msg()
      .bool(1, p['required'] as boolean | undefined).str(2, inn).str(3, p['description'] as string | undefined)
      .str(4, p['name'] as string).str(6, p['type'] as string | undefined).bool(20, p['uniqueItems'] as boolean | undefined)))
  }
  return new Msg().msg(1, param)
}

/** Operation { tags 1, description 3, operation_id 5, produces 6, consumes 7, parameters 8,
 *  responses 9, schemes 10, vendor_extension 13 } */
function encodeOperation(op: Json): Msg {
  const m = new Msg()
  m.strs(1, op['tags'] as string[] | undefined)
  m.str(3, op['description'] as string | undefined)
  m.str(5, op['operationId'] as string | undefined)
  m.strs(6, op['produces'] as string[] | undefined)
  m.strs(7, op['consumes'] as string[] | undefined)
  for (const p of (op['parameters'] as Json[] | undefined) ?? []) m.msg(8, encodeParameter(p))
  const responses = op['responses']
  if (isObj(responses)) {
    // Responses { response_code 1: NamedResponseValue { name 1, value 2: ResponseValue { response 1:
    //   Response { description 1, schema 2: SchemaItem { schema 1 } } } } }
    const r = new Msg()
    for (const [code, resp] of Object.entries(responses)) {
      const rv = resp as Json
      const response = new Msg().str(1, rv['description'] as string | undefined)
      if (isObj(rv['schema'])) response.msg(2, new Msg().msg(1, encodeSchema(rv['schema'])))
      r.msg(1, new Msg().str(1, code).msg(2, new Msg().msg(1, response)))
    }
    m.msg(9, r)
  }
  m.strs(10, op['schemes'] as string[] | undefined)
  vendorExtensions(op, 13, m)
  return m
}

const METHOD_FIELDS: Record<string, number> = { get: 2, put: 3, post: 4, delete: 5, options: 6, head: 7, patch: 8 }

/** Document { swagger 1, info 2, paths 8, definitions 9 } */
export function encodeDocument(doc: Json): Buffer {
  const m = new Msg()
  m.str(1, doc['swagger'] as string)
  const info = doc['info'] as Json | undefined
  if (info) m.msg(2, new Msg().str(1, info['title'] as string | undefined).str(2, info['version'] as string | undefined))
  const paths = doc['paths']
  if (isObj(paths)) {
    const pm = new Msg()
    for (const [path, item] of Object.entries(paths)) {
      const it = item as Json
      const pi = new Msg()
      for (const [method, field] of Object.entries(METHOD_FIELDS)) {
        if (isObj(it[method])) pi.msg(field, encodeOperation(it[method]))
      }
      for (const p of (it['parameters'] as Json[] | undefined) ?? []) pi.msg(9, encodeParameter(p))
      pm.msg(2, new Msg().str(1, path).msg(2, pi))
    }
    m.msg(8, pm)
  }
  const defs = doc['definitions']
  if (isObj(defs)) {
    const dm = new Msg()
    for (const [name, schema] of Object.entries(defs)) dm.msg(1, new Msg().str(1, name).msg(2, encodeSchema(schema as Json)))
    m.msg(9, dm)
  }
  return m.bytes()
}
