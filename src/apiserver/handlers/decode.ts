import { apiVersionOf, badRequest, isPlainObject, splitApiVersion } from '../../api/index.js'
import type { KubeObject } from '../../api/index.js'
import { convertToStorage } from '../../api/convert/index.js'
import { checkFields } from '../openapi/index.js'
import type { RequestContext } from '../context.js'
import { decodeBody, readBody } from '../http.js'

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore'

export function fieldValidation(q: URLSearchParams): FieldValidation {
  const v = q.get('fieldValidation') ?? 'Warn'
  if (v !== 'Strict' && v !== 'Warn' && v !== 'Ignore') {
    throw badRequest(`fieldValidation parameter unsupported: ${v}`)
  }
  return v
}

/**
 * Schema check of a decoded body against the served schema, by the request's fieldValidation:
 * Strict → 400 listing every unknown field; Warn → Warning headers; Ignore → nothing.
 * Type errors are always 400 (they cannot be decoded upstream either).
 */
/** @param stored the stored object `body` was patched from: the parts it shares are not checked again */
export function checkSchema(ctx: RequestContext, apiVersion: string, kind: string, body: unknown, stored?: unknown): void {
  const mode = fieldValidation(ctx.query)
  // Pruned in every mode: upstream decodes into typed structs, so unknown fields never persist.
  const { unknown, typeErrors } = checkFields(apiVersion, kind, body, { prune: true, known: stored })
  if (typeErrors.length > 0) {
    throw badRequest(`${kind} in version "${splitApiVersion(apiVersion).version}" cannot be handled as a ${kind}: ${typeErrors.join(', ')}`)
  }
  if (unknown.length === 0 || mode === 'Ignore') return
  const texts = unknown.map((f) => `unknown field "${f}"`)
  if (mode === 'Strict') throw badRequest(`strict decoding error: ${texts.join(', ')}`)
  ctx.warnings.push(...texts)
}

/** Reads and decodes a full object body (POST/PUT), converts it to the storage version. */
export async function readObject(ctx: RequestContext): Promise<KubeObject> {
  const raw = await decodeBody(await readBody(ctx.req), ctx.req.headers['content-type'], ['application/json', 'application/yaml'])
  return toStorageObject(ctx, raw)
}

export function toStorageObject(ctx: RequestContext, raw: unknown): KubeObject {
  if (!isPlainObject(raw)) throw badRequest(`Object 'Kind' is missing in '${JSON.stringify(raw)}'`)
  const { info } = ctx
  const kind = raw['kind']
  const apiVersion = typeof raw['apiVersion'] === 'string' ? raw['apiVersion'] : ctx.requestApiVersion
  if (kind !== undefined && kind !== info.kind) {
    throw badRequest(`${String(kind)} in version "${splitApiVersion(apiVersion).version}" cannot be handled as a ${info.kind}: no kind "${String(kind)}" is registered for version "${apiVersion}" in scheme`)
  }
  if (raw['metadata'] !== undefined && !isPlainObject(raw['metadata'])) {
    throw badRequest(`${info.kind} in version "${splitApiVersion(apiVersion).version}" cannot be handled as a ${info.kind}: json: cannot unmarshal ${jsonType(raw['metadata'])} into Go struct field ${info.kind}.metadata of type v1.ObjectMeta`)
  }
  checkSchema(ctx, apiVersion, info.kind, raw)
  const obj = { ...raw, metadata: (raw['metadata'] as KubeObject['metadata'] | undefined) ?? {} } as KubeObject
  const storageVersion = apiVersionOf(info)
  if (apiVersion !== storageVersion) {
    try {
      return convertToStorage(apiVersion, { ...obj, apiVersion, kind: info.kind })
    } catch (e) {
      throw badRequest((e as Error).message)
    }
  }
  return { ...obj, apiVersion: storageVersion, kind: info.kind }
}

function jsonType(v: unknown): string {
  if (Array.isArray(v)) return 'array'
  if (v === null) return 'null'
  return typeof v === 'object' ? 'object' : typeof v
}
