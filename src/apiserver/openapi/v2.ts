/**
 * The OpenAPI v2 (swagger 2.0) document: all definitions and all paths in one document, as
 * upstream's /openapi/v2. kubectl asks for it protobuf-encoded (gnostic openapi_v2.Document,
 * see protobuf.ts) and uses it for client-side validation, `explain --output=plaintext-openapiv2`
 * and, before 1.29, strategic-merge-patch metadata.
 */
import { servedGroupVersions } from './catalog.js'
import type { Catalog } from './model.js'
import { operationsOf, queryParams, typeSchema } from './v3.js'
import type { Operation, SchemaStyle } from './v3.js'

type Json = Record<string, unknown>

export const V2_STYLE: SchemaStyle = { ref: (n) => `#/definitions/${n}`, v3: false }

const PRODUCES = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf']

function v2Operation(op: Operation, tag: string): Json {
  const params: Json[] = []
  if (op.method === 'patch') {
    params.push({ name: 'body', in: 'body', required: true, schema: { $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Patch' } })
  } else if (op.body) {
    params.push({ name: 'body', in: 'body', required: true, schema: { $ref: `#/definitions/${op.body}` } })
  }
  for (const q of queryParams(op)) params.push({ uniqueItems: true, type: q.type, description: q.description, name: q.name, in: 'query' })
  const responses: Json = { '200': op.response ? { description: 'OK', schema: { $ref: `#/definitions/${op.response}` } } : { description: 'OK' } }
  if (op.method === 'post' && op.response) responses['201'] = { description: 'Created', schema: { $ref: `#/definitions/${op.response}` } }
  responses['401'] = { description: 'Unauthorized' }
  return {
    description: op.description,
    consumes: op.method === 'patch'
      ? ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml']
      : ['*/*'],
    produces: PRODUCES,
    schemes: ['https'],
    tags: [tag],
    operationId: op.operationId,
    parameters: params,
    responses,
    'x-kubernetes-action': op.action,
    'x-kubernetes-group-version-kind': { group: op.gvk.group, kind: op.gvk.kind, version: op.gvk.version },
  }
}

export function buildV2Document(cat: Catalog, serverVersion: string): Json {
  const paths: Record<string, Json> = {}
  for (const gv of servedGroupVersions()) {
    const tag = gv.group === '' ? `core_${gv.version}` : `${gv.group.split('.')[0]}_${gv.version}`
    for (const op of operationsOf(cat, gv)) {
      const item = (paths[op.path] ??= {
        parameters: [
          ...(op.named ? [{ uniqueItems: true, type: 'string', description: 'name of the object', name: 'name', in: 'path', required: true }] : []),
          ...(op.path.includes('{namespace}') ? [{ uniqueItems: true, type: 'string', description: 'object name and auth scope, such as for teams and projects', name: 'namespace', in: 'path', required: true }] : []),
          { uniqueItems: true, type: 'string', description: "If 'true', then the output is pretty printed.", name: 'pretty', in: 'query' },
        ],
      })
      item[op.method] = v2Operation(op, tag)
    }
  }
  const definitions: Json = {}
  for (const name of Object.keys(cat.types).sort()) definitions[name] = typeSchema(cat.types[name]!, cat.gvks[name], V2_STYLE)
  return {
    swagger: '2.0',
    info: { title: 'Kubernetes', version: serverVersion },
    paths,
    definitions,
    securityDefinitions: { BearerToken: { description: 'Bearer Token authentication', type: 'apiKey', name: 'authorization', in: 'header' } },
    security: [{ BearerToken: [] }],
  }
}
