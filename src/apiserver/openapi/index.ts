/**
 * OpenAPI v2 and v3 documents of the served resources, and server-side field validation
 * against the same schemas.
 *
 * The schemas are generated, not committed: from the installed npm packages kubernetes-models
 * (types, descriptions, enums, required fields), @kubernetes/client-node (number formats) and
 * the x-kubernetes-* markers in patch-meta.ts. Generation takes ~50 ms on first use and is cached
 * in dist (catalog.ts); documents are built once per process on first request.
 */
import { createHash } from 'node:crypto'
import { splitApiVersion } from '../../api/index.js'
import { getCatalog, schemaForGVK, servedGroupVersions } from './catalog.js'
import type { GroupVersion } from './catalog.js'
import { encodeDocument } from './protobuf.js'
import { buildV2Document } from './v2.js'
import { buildV3Document } from './v3.js'
import { checkObject } from './validate.js'

/** The version reported in the documents' info block. */
export const OPENAPI_SERVER_VERSION = 'v1.33.0'

const PROTOBUF_V2 = 'application/com.github.proto-openapi.spec.v2'

let v2Json: Buffer | undefined
let v2Proto: Buffer | undefined

/**
 * GET /openapi/v2. kubectl asks for `application/com.github.proto-openapi.spec.v2@v1.0+protobuf`
 * and gets a protobuf gnostic Document, sent as application/octet-stream (kubectl's client
 * rejects the `@` media type as a response Content-Type). Other Accept values get JSON.
 */
export function openapiV2(accept: string): { contentType: string; body: Buffer } {
  if (accept.includes(PROTOBUF_V2) || accept.includes('application/octet-stream')) {
    v2Proto ??= encodeDocument(buildV2Document(getCatalog(), OPENAPI_SERVER_VERSION))
    return { contentType: 'application/octet-stream', body: v2Proto }
  }
  v2Json ??= Buffer.from(JSON.stringify(buildV2Document(getCatalog(), OPENAPI_SERVER_VERSION)))
  return { contentType: 'application/json', body: v2Json }
}

function gvPath(gv: GroupVersion): string {
  return gv.group === '' ? `api/${gv.version}` : `apis/${gv.group}/${gv.version}`
}

const v3Docs = new Map<string, { doc: object; hash: string }>()

function v3Entry(gv: GroupVersion): { doc: object; hash: string } {
  const key = gvPath(gv)
  let entry = v3Docs.get(key)
  if (!entry) {
    const doc = buildV3Document(getCatalog(), gv, OPENAPI_SERVER_VERSION)
    const hash = createHash('sha512').update(JSON.stringify(doc)).digest('hex').toUpperCase().slice(0, 128)
    entry = { doc, hash }
    v3Docs.set(key, entry)
  }
  return entry
}

/** GET /openapi/v3 → {"paths": {"api/v1": {"serverRelativeURL": "/openapi/v3/api/v1?hash=…"}, …}} */
export function openapiV3Index(): object {
  const paths: Record<string, { serverRelativeURL: string }> = {}
  for (const gv of servedGroupVersions()) {
    const key = gvPath(gv)
    paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${v3Entry(gv).hash}` }
  }
  return { paths }
}

/**
 * GET /openapi/v3/<path> ("api/v1", "apis/apps/v1", a query string is ignored) → the OpenAPI 3.0
 * document of that group-version; undefined for unknown paths.
 */
export function openapiV3(path: string): object | undefined {
  const clean = path.split('?')[0]!.replace(/^\/+|\/+$/g, '')
  const gv = servedGroupVersions().find((x) => gvPath(x) === clean)
  return gv ? v3Entry(gv).doc : undefined
}

/**
 * Server-side field validation of a decoded body against the schema of (apiVersion, kind).
 * `unknown`: paths of unknown fields in upstream's strict-decoding form ("spec.foo",
 * "spec.template.spec.containers[0].bar"), to be reported as `unknown field "<path>"`.
 * `typeErrors`: at most one message, upstream's decoding error for the first value of the wrong
 * JSON type (`json: cannot unmarshal string into Go struct field StatefulSetSpec.spec.replicas
 * of type int32`); upstream rejects the body with it whatever the fieldValidation mode.
 * Unknown (apiVersion, kind): nothing to report. With `prune`, unknown fields are also
 * deleted from `obj` (mutates it), as upstream's typed decoding drops them.
 */
export function checkFields(apiVersion: string, kind: string, obj: unknown, opts: { prune?: boolean; known?: unknown } = {}): { unknown: string[]; typeErrors: string[] } {
  const cat = getCatalog()
  const { group, version } = splitApiVersion(apiVersion)
  const schema = schemaForGVK(cat, { group, version, kind })
  if (!schema) return { unknown: [], typeErrors: [] }
  return checkObject(cat, schema, obj, opts.prune ?? false, opts.known)
}
