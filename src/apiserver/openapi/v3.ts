/**
 * OpenAPI v3 documents, one per served group-version, shaped like upstream's
 * /openapi/v3/apis/<group>/<version>: components.schemas named io.k8s.…, fields that refer to
 * another schema wrapped in `allOf` so they can carry their own description, and one path per
 * resource operation with `x-kubernetes-group-version-kind` (kubectl explain finds the kind
 * through the resource's list path; kubectl create/apply find server-side field validation
 * through the `fieldValidation` parameter of the PATCH operation).
 */
import { LEGACY_ALIASES, RESOURCES } from '../../api/index.js'
import type { ResourceInfo, SubresourceInfo } from '../../api/index.js'
import { META_SCHEMAS, schemaForGVK } from './catalog.js'
import type { GroupVersion } from './catalog.js'
import type { Catalog, FieldDef, GVK, TypeDef, TypeRef } from './model.js'

type Json = Record<string, unknown>

const V3_REF = '#/components/schemas/'

export interface SchemaStyle {
  ref: (name: string) => string
  /** v3: a referencing field is `{allOf: [{$ref}], description}`; v2: `{$ref, description}` */
  v3: boolean
}

export const V3_STYLE: SchemaStyle = { ref: (n) => V3_REF + n, v3: true }

export function typeRefSchema(t: TypeRef, style: SchemaStyle): Json {
  switch (t.t) {
    case 'string':
      return { type: 'string', ...(t.format ? { format: t.format } : {}), ...(t.enum ? { enum: t.enum } : {}) }
    case 'integer':
      return { type: 'integer', format: t.format }
    case 'number':
      return { type: 'number', format: t.format }
    case 'boolean':
      return { type: 'boolean' }
    case 'ref':
      return { $ref: style.ref(t.name) }
    case 'array':
      return { type: 'array', items: typeRefSchema(t.items, style) }
    case 'map':
      return { type: 'object', additionalProperties: typeRefSchema(t.values, style) }
    case 'any':
      return style.v3 ? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } : { type: 'object' }
  }
}

function fieldSchema(f: FieldDef, style: SchemaStyle): Json {
  const base = typeRefSchema(f.type, style)
  const extra: Json = { ...(f.description ? { description: f.description } : {}), ...(f.ext ?? {}) }
  if (f.type.t === 'ref' && Object.keys(extra).length > 0) {
    return style.v3 ? { allOf: [base], ...extra } : { ...base, ...extra }
  }
  return { ...base, ...extra }
}

export function typeSchema(def: TypeDef, gvks: GVK[] | undefined, style: SchemaStyle): Json {
  const desc = def.description ? { description: def.description } : {}
  switch (def.kind) {
    case 'int-or-string':
      return style.v3
        ? { ...desc, format: 'int-or-string', oneOf: [{ type: 'integer' }, { type: 'string' }] }
        : { ...desc, type: 'string', format: 'int-or-string' }
    case 'quantity':
      return style.v3 ? { ...desc, oneOf: [{ type: 'string' }, { type: 'number' }] } : { ...desc, type: 'string' }
    case 'time':
    case 'micro-time':
      return { ...desc, type: 'string', format: 'date-time' }
    case 'raw':
      return { ...desc, type: 'object' }
    case 'object': {
      const properties: Json = {}
      const required: string[] = []
      for (const f of def.fields ?? []) {
        properties[f.name] = fieldSchema(f, style)
        if (f.required) required.push(f.name)
      }
      return {
        ...desc,
        properties,
        ...(required.length ? { required } : {}),
        type: 'object',
        ...(gvks?.length ? { 'x-kubernetes-group-version-kind': gvks.map((g) => ({ group: g.group, kind: g.kind, version: g.version })) } : {}),
        ...(def.ext ?? {}),
      }
    }
  }
}

/** The schema names reachable from `roots`. */
export function closure(cat: Catalog, roots: Iterable<string>): Set<string> {
  const seen = new Set<string>()
  const stack = [...roots]
  const visitType = (t: TypeRef): void => {
    if (t.t === 'ref') stack.push(t.name)
    else if (t.t === 'array') visitType(t.items)
    else if (t.t === 'map') visitType(t.values)
  }
  for (let name = stack.pop(); name !== undefined; name = stack.pop()) {
    if (seen.has(name) || !cat.types[name]) continue
    seen.add(name)
    for (const f of cat.types[name]!.fields ?? []) visitType(f.type)
  }
  return seen
}

// ---- paths ----------------------------------------------------------------------------------

/** The resources served at a group-version (legacy aliases included). */
export function resourcesAt(gv: GroupVersion): ResourceInfo[] {
  const out = RESOURCES.filter((r) => r.group === gv.group && r.version === gv.version)
  for (const a of LEGACY_ALIASES) {
    if (a.group === gv.group && a.version === gv.version) out.push(a.target)
  }
  return out
}

export interface Operation {
  path: string
  method: 'get' | 'put' | 'post' | 'patch' | 'delete'
  action: string
  gvk: GVK
  /** schema name of the request / response body, if in the catalogue */
  body?: string
  response?: string
  namespaced: boolean
  named: boolean
  operationId: string
  description: string
}

const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1)

function gvTag(gv: GroupVersion): string {
  const group = gv.group === '' ? 'core' : gv.group.split('.')[0]!
  return `${group}${cap(gv.version)}`
}

/** The operations of a group-version, in upstream's path layout. */
export function operationsOf(cat: Catalog, gv: GroupVersion): Operation[] {
  const ops: Operation[] = []
  const prefix = gv.group === '' ? `/api/${gv.version}` : `/apis/${gv.group}/${gv.version}`
  const tag = gvTag(gv)
  for (const info of resourcesAt(gv)) {
    const gvk: GVK = { group: gv.group, version: gv.version, kind: info.kind }
    const listGvk: GVK = { ...gvk, kind: info.listKind }
    const schema = schemaForGVK(cat, gvk)
    const listSchema = schemaForGVK(cat, listGvk)
    const ns = info.namespaced
    const collection = ns ? `${prefix}/namespaces/{namespace}/${info.resource}` : `${prefix}/${info.resource}`
    const item = `${collection}/{name}`
    const scope = ns ? 'Namespaced' : ''
    const verbs = new Set(info.verbs)
    const op = (o: Omit<Operation, 'namespaced' | 'named' | 'description'> & { named: boolean; description: string }): void => {
      ops.push({ ...o, namespaced: ns })
    }
    const opt = (name: string | undefined): { body?: string; response?: string } =>
      name ? { body: name, response: name } : {}
    if (verbs.has('list')) {
      op({ path: collection, method: 'get', action: 'list', gvk, ...(listSchema ? { response: listSchema } : {}), named: false, operationId: `list${tag}${scope}${info.kind}`, description: `list or watch objects of kind ${info.kind}` })
      if (ns) op({ path: `${prefix}/${info.resource}`, method: 'get', action: 'list', gvk, ...(listSchema ? { response: listSchema } : {}), named: false, operationId: `list${tag}${info.kind}ForAllNamespaces`, description: `list or watch objects of kind ${info.kind}` })
    }
    if (verbs.has('create')) op({ path: collection, method: 'post', action: 'post', gvk, ...opt(schema), named: false, operationId: `create${tag}${scope}${info.kind}`, description: `create a ${info.kind}` })
    if (verbs.has('deletecollection')) op({ path: collection, method: 'delete', action: 'deletecollection', gvk, named: false, operationId: `deletecollection${tag}${scope}${info.kind}`, description: `delete collection of ${info.kind}` })
    if (verbs.has('get')) op({ path: item, method: 'get', action: 'get', gvk, ...(schema ? { response: schema } : {}), named: true, operationId: `read${tag}${scope}${info.kind}`, description: `read the specified ${info.kind}` })
    if (verbs.has('update')) op({ path: item, method: 'put', action: 'put', gvk, ...opt(schema), named: true, operationId: `replace${tag}${scope}${info.kind}`, description: `replace the specified ${info.kind}` })
    if (verbs.has('patch')) op({ path: item, method: 'patch', action: 'patch', gvk, ...(schema ? { response: schema } : {}), named: true, operationId: `patch${tag}${scope}${info.kind}`, description: `partially update the specified ${info.kind}` })
    if (verbs.has('delete')) op({ path: item, method: 'delete', action: 'delete', gvk, named: true, operationId: `delete${tag}${scope}${info.kind}`, description: `delete a ${info.kind}` })
    for (const sub of info.subresources) subresourceOps(cat, sub, info, gv, item, tag, scope, ops)
  }
  return ops
}

function subresourceOps(cat: Catalog, sub: SubresourceInfo, info: ResourceInfo, gv: GroupVersion, item: string, tag: string, scope: string, ops: Operation[]): void {
  // only subresources with an object body (status, scale, binding, eviction) have upstream paths with a GVK
  const subGvk: GVK = sub.name === 'status' ? { group: gv.group, version: gv.version, kind: info.kind } : { group: sub.group, version: sub.version, kind: sub.kind }
  const schema = schemaForGVK(cat, subGvk)
  if (!schema) return
  const path = `${item}/${sub.name}`
  const suffix = cap(sub.name)
  const base = { gvk: subGvk, namespaced: info.namespaced, named: true }
  for (const verb of sub.verbs) {
    if (verb === 'get') ops.push({ ...base, path, method: 'get', action: 'get', response: schema, operationId: `read${tag}${scope}${info.kind}${suffix}`, description: `read ${sub.name} of the specified ${info.kind}` })
    if (verb === 'update') ops.push({ ...base, path, method: 'put', action: 'put', body: schema, response: schema, operationId: `replace${tag}${scope}${info.kind}${suffix}`, description: `replace ${sub.name} of the specified ${info.kind}` })
    if (verb === 'patch') ops.push({ ...base, path, method: 'patch', action: 'patch', response: schema, operationId: `patch${tag}${scope}${info.kind}${suffix}`, description: `partially update ${sub.name} of the specified ${info.kind}` })
    if (verb === 'create') ops.push({ ...base, path, method: 'post', action: 'post', body: schema, response: schema, operationId: `create${tag}${scope}${info.kind}${suffix}`, description: `create ${sub.name} of a ${info.kind}` })
  }
}

/** Query parameters of an operation (names and types as upstream; descriptions are ours). */
export function queryParams(op: Operation): { name: string; type: 'string' | 'boolean' | 'integer'; description: string }[] {
  const write = [
    { name: 'dryRun', type: 'string' as const, description: 'When present, modifications are not persisted. Valid value: All.' },
    { name: 'fieldManager', type: 'string' as const, description: 'Name of the actor making the changes, recorded in managedFields.' },
    { name: 'fieldValidation', type: 'string' as const, description: 'How unknown and duplicate fields in the body are handled: Ignore, Warn (default) or Strict.' },
  ]
  switch (op.action) {
    case 'post':
    case 'put':
      return write
    case 'patch':
      return [...write, { name: 'force', type: 'boolean', description: 'Force an apply request, taking ownership of conflicting fields.' }]
    case 'list':
      return [
        { name: 'labelSelector', type: 'string', description: 'A selector to restrict the list of returned objects by their labels.' },
        { name: 'fieldSelector', type: 'string', description: 'A selector to restrict the list of returned objects by their fields.' },
        { name: 'limit', type: 'integer', description: 'Maximum number of items to return.' },
        { name: 'continue', type: 'string', description: 'Continue token from a previous list call.' },
        { name: 'resourceVersion', type: 'string', description: 'Resource version to serve the request from.' },
        { name: 'watch', type: 'boolean', description: 'Watch for changes instead of listing.' },
      ]
    case 'delete':
    case 'deletecollection':
      return [
        { name: 'dryRun', type: 'string', description: 'When present, modifications are not persisted. Valid value: All.' },
        { name: 'gracePeriodSeconds', type: 'integer', description: 'Seconds before the object is deleted.' },
        { name: 'propagationPolicy', type: 'string', description: 'Garbage collection policy: Orphan, Background or Foreground.' },
      ]
    default:
      return []
  }
}

const MEDIA = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf']

function v3Operation(op: Operation, tag: string): Json {
  const content = (name: string, types = MEDIA): Json => Object.fromEntries(types.map((t) => [t, { schema: { $ref: V3_REF + name } }]))
  const responses: Json = op.response ? { '200': { description: 'OK', content: content(op.response) } } : { '200': { description: 'OK' } }
  if (op.method === 'post' && op.response) {
    responses['201'] = { description: 'Created', content: content(op.response) }
    responses['202'] = { description: 'Accepted', content: content(op.response) }
  }
  responses['401'] = { description: 'Unauthorized' }
  const patchTypes = ['application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json']
  const requestBody =
    op.method === 'patch'
      ? { content: Object.fromEntries(patchTypes.map((t) => [t, { schema: { $ref: V3_REF + 'io.k8s.apimachinery.pkg.apis.meta.v1.Patch' } }])), required: true }
      : op.body
        ? { content: { '*/*': { schema: { $ref: V3_REF + op.body } } }, required: true }
        : op.method === 'delete'
          ? { content: { '*/*': { schema: { $ref: V3_REF + 'io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions' } } } }
          : undefined
  const params = queryParams(op).map((p) => ({ description: p.description, in: 'query', name: p.name, schema: { type: p.type, uniqueItems: true } }))
  return {
    description: op.description,
    operationId: op.operationId,
    ...(params.length ? { parameters: params } : {}),
    ...(requestBody ? { requestBody } : {}),
    responses,
    tags: [tag],
    'x-kubernetes-action': op.action,
    'x-kubernetes-group-version-kind': { group: op.gvk.group, kind: op.gvk.kind, version: op.gvk.version },
  }
}

function pathParams(op: Operation): Json[] {
  const params: Json[] = []
  if (op.named) params.push({ description: 'name of the object', in: 'path', name: 'name', required: true, schema: { type: 'string', uniqueItems: true } })
  if (op.path.includes('{namespace}')) params.push({ description: 'object name and auth scope, such as for teams and projects', in: 'path', name: 'namespace', required: true, schema: { type: 'string', uniqueItems: true } })
  params.push({ description: "If 'true', then the output is pretty printed.", in: 'query', name: 'pretty', schema: { type: 'string', uniqueItems: true } })
  return params
}

export function gvRoots(cat: Catalog, gv: GroupVersion, ops: Operation[]): Set<string> {
  const roots = new Set<string>()
  for (const op of ops) {
    if (op.body) roots.add(op.body)
    if (op.response) roots.add(op.response)
  }
  for (const [name, gvks] of Object.entries(cat.gvks)) {
    if (gvks.some((g) => g.group === gv.group && g.version === gv.version)) roots.add(name)
  }
  for (const rel of META_SCHEMAS) roots.add('io.k8s.apimachinery.pkg.' + rel.split('/').join('.'))
  return roots
}

export function buildV3Document(cat: Catalog, gv: GroupVersion, serverVersion: string): Json {
  const ops = operationsOf(cat, gv)
  const tag = gv.group === '' ? `core_${gv.version}` : `${gv.group.split('.')[0]}_${gv.version}`
  const paths: Record<string, Json> = {}
  for (const op of ops) {
    const item = (paths[op.path] ??= { parameters: pathParams(op) })
    item[op.method] = v3Operation(op, tag)
  }
  const schemas: Json = {}
  for (const name of [...closure(cat, gvRoots(cat, gv, ops))].sort()) {
    schemas[name] = typeSchema(cat.types[name]!, cat.gvks[name], V3_STYLE)
  }
  return {
    components: {
      schemas,
      securitySchemes: { BearerToken: { description: 'Bearer Token authentication', in: 'header', name: 'authorization', type: 'apiKey' } },
    },
    info: { title: 'Kubernetes', version: serverVersion },
    openapi: '3.0.0',
    paths,
    security: [{ BearerToken: [] }],
  }
}
