import { ApiError, apiVersionOf, badRequest, isPlainObject, notFound, rfc3339 } from '../../api/index.js'
import type { KubeObject, ResourceInfo } from '../../api/index.js'
import { convertToStorage } from '../../api/convert/index.js'
import type { RequestContext } from '../context.js'
import { defaultFieldManager, isDryRun } from '../context.js'
import { decodeBody, mediaType, readBody, queryBool } from '../http.js'
import { applyJsonPatch, applyMergePatch, applyStrategicMergePatch, serverSideApply } from '../patch/index.js'
import { checkSchema } from './decode.js'
import { sendObject } from './crud.js'

export const PATCH_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
] as const

type PatchType = (typeof PATCH_TYPES)[number]

function now(): string {
  return rfc3339()
}

/** Applies a non-apply patch document to an object (pure; used by PATCH and /scale). */
export function applyPatch(type: PatchType, obj: KubeObject, patch: unknown, info: Pick<ResourceInfo, 'group' | 'version' | 'kind'>): KubeObject {
  switch (type) {
    case 'application/json-patch+json':
      return applyJsonPatch(obj, patch)
    case 'application/merge-patch+json':
      return applyMergePatch(obj, patch)
    case 'application/strategic-merge-patch+json':
      return applyStrategicMergePatch(obj, patch, { group: info.group, version: info.version, kind: info.kind })
    case 'application/apply-patch+yaml':
      throw badRequest('apply patches are handled by server-side apply')
  }
}

export async function readPatch(ctx: RequestContext): Promise<{ type: PatchType; patch: unknown }> {
  const type = mediaType(ctx.req.headers['content-type']) as PatchType
  if (!PATCH_TYPES.includes(type)) {
    throw new ApiError({ reason: 'UnsupportedMediaType', code: 415, message: `the body of the request was in an unknown format - accepted media types include: ${PATCH_TYPES.join(', ')}` })
  }
  const body = await readBody(ctx.req)
  const patch = await decodeBody(body, type === 'application/apply-patch+yaml' ? 'application/yaml' : 'application/json', ['application/json', 'application/yaml'])
  if (type === 'application/json-patch+json' ? !Array.isArray(patch) : !isPlainObject(patch)) {
    throw badRequest(type === 'application/json-patch+json'
      ? `json: cannot unmarshal ${typeof patch} into Go value of type jsonpatch.Patch`
      : 'json: cannot unmarshal non-object into Go value of type map[string]interface {}')
  }
  return { type, patch }
}

export async function handlePatch(ctx: RequestContext): Promise<void> {
  const { info, target } = ctx
  const name = target.name ?? ''
  const { type, patch } = await readPatch(ctx)
  const opts = { dryRun: isDryRun(ctx), fieldManager: defaultFieldManager(ctx), subresource: target.subresource }
  if (type === 'application/apply-patch+yaml') {
    await serverSideApplyPatch(ctx, patch as KubeObject, opts)
    return
  }
  const updated = await ctx.registry.guaranteedUpdate(info, target.namespace, name, (current) => {
    const patched = applyPatch(type, current, stripTypeMeta(patch, type), info)
    if (!isPlainObject(patched.metadata)) throw badRequest('metadata must be an object')
    checkSchema(ctx, apiVersionOf(info), info.kind, patched, current)
    patched.apiVersion = apiVersionOf(info)
    patched.kind = info.kind
    if (patched.metadata.name !== undefined && patched.metadata.name !== name) {
      throw badRequest(`the name of the object (${patched.metadata.name}) does not match the name on the URL (${name})`)
    }
    return patched
  }, opts, type === 'application/merge-patch+json' && target.subresource === 'status')
  sendObject(ctx, 200, updated)
}

/** kubectl's client-side apply puts the object's apiVersion/kind in SMP bodies: they are not changes. */
function stripTypeMeta(patch: unknown, type: PatchType): unknown {
  if (type === 'application/json-patch+json' || !isPlainObject(patch)) return patch
  const { apiVersion: _a, kind: _k, ...rest } = patch
  return rest
}

async function serverSideApplyPatch(ctx: RequestContext, applied: KubeObject, opts: { dryRun: boolean; fieldManager: string; subresource: string | undefined }): Promise<void> {
  const { info, target } = ctx
  const name = target.name ?? ''
  if (!ctx.query.get('fieldManager')) throw badRequest('PATCH /apply requires fieldManager to be set')
  if (!isPlainObject(applied.metadata)) throw badRequest('metadata must be an object')
  const force = queryBool(ctx.query, 'force')
  const apiVersion = typeof applied.apiVersion === 'string' ? applied.apiVersion : ctx.requestApiVersion
  checkSchema(ctx, apiVersion, info.kind, applied)
  let intent = applied
  if (apiVersion !== apiVersionOf(info)) intent = convertToStorage(apiVersion, { ...applied, kind: info.kind })
  if (intent.metadata.name !== undefined && intent.metadata.name !== name) {
    throw badRequest(`the name of the object (${intent.metadata.name}) does not match the name on the URL (${name})`)
  }
  const gvk = { group: info.group, version: info.version, kind: info.kind }
  const sub = opts.subresource ? { subresource: opts.subresource } : {}
  try {
    const out = await ctx.registry.guaranteedUpdate(info, target.namespace, name, (current) => {
      return serverSideApply(current, intent, { manager: opts.fieldManager, force, gvk, now: now(), ...sub })
    }, { ...opts, skipFieldTracking: true })
    sendObject(ctx, 200, out)
  } catch (e) {
    if (!(e instanceof ApiError && e.reason === 'NotFound' && e.status.details?.name === name) || opts.subresource) {
      if (e instanceof ApiError && e.reason === 'NotFound' && opts.subresource) throw notFound(info, name)
      throw e
    }
    const created = serverSideApply(undefined, { ...intent, metadata: { ...intent.metadata, name } }, { manager: opts.fieldManager, force, gvk, now: now() })
    const obj = await ctx.registry.create(info, target.namespace, created, { ...opts, skipFieldTracking: true })
    sendObject(ctx, 201, obj)
  }
}
