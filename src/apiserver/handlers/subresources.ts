import { ApiError, apiVersionOf, badRequest, conflict, fromLabelSelector, formatSelector, isPlainObject, methodNotAllowed, rfc3339 } from '../../api/index.js'
import type { KubeObject } from '../../api/index.js'
import type { RequestContext } from '../context.js'
import { defaultFieldManager, isDryRun } from '../context.js'
import { decodeBody, readBody, sendJson } from '../http.js'
import { applyPatch, readPatch } from './patch.js'
import { handleGet, handleUpdate, sendObject } from './crud.js'
import { handlePatch } from './patch.js'

/** autoscaling/v1 Scale view of a workload. */
export function toScale(obj: KubeObject): KubeObject {
  const spec = isPlainObject(obj['spec']) ? obj['spec'] : {}
  const status = isPlainObject(obj['status']) ? obj['status'] : {}
  const selector = isPlainObject(spec['selector']) ? formatSelector(fromLabelSelector(spec['selector'])) : ''
  const m = obj.metadata
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, creationTimestamp: m.creationTimestamp,
    } as KubeObject['metadata'],
    spec: { replicas: typeof spec['replicas'] === 'number' ? spec['replicas'] : 0 },
    status: { replicas: typeof status['replicas'] === 'number' ? status['replicas'] : 0, selector },
  }
}

async function handleScale(ctx: RequestContext): Promise<void> {
  const { info, target } = ctx
  const name = target.name ?? ''
  const method = ctx.req.method
  if (method === 'GET') {
    sendJson(ctx.res, 200, toScale(await ctx.registry.get(info, target.namespace, name)))
    return
  }
  let change: (scale: KubeObject) => KubeObject
  if (method === 'PUT') {
    const body = await decodeBody(await readBody(ctx.req), ctx.req.headers['content-type'], ['application/json', 'application/yaml'])
    if (!isPlainObject(body)) throw badRequest('Scale must be an object')
    change = () => body as KubeObject
  } else if (method === 'PATCH') {
    const { type, patch } = await readPatch(ctx)
    if (type === 'application/apply-patch+yaml') throw badRequest('server-side apply is not supported on /scale')
    change = (scale) => applyPatch(type, scale, patch, { group: 'autoscaling', version: 'v1', kind: 'Scale' })
  } else throw methodNotAllowed()
  const updated = await ctx.registry.guaranteedUpdate(info, target.namespace, name, (current) => {
    const scale = change(toScale(current))
    const spec = isPlainObject(scale['spec']) ? scale['spec'] : {}
    const replicas = spec['replicas']
    if (typeof replicas !== 'number' || !Number.isInteger(replicas)) {
      throw new ApiError({ reason: 'BadRequest', code: 400, message: `Scale in version "v1" cannot be handled as a Scale: spec.replicas must be an integer` })
    }
    if (replicas < 0) {
      throw new ApiError({
        reason: 'Invalid', code: 422,
        message: `Scale.autoscaling "${name}" is invalid: spec.replicas: Invalid value: ${replicas}: must be greater than or equal to 0`,
        details: { name, group: 'autoscaling', kind: 'Scale', causes: [{ reason: 'FieldValueInvalid', message: `Invalid value: ${replicas}: must be greater than or equal to 0`, field: 'spec.replicas' }] },
      })
    }
    const rv = scale.metadata?.resourceVersion
    if (rv && rv !== current.metadata.resourceVersion) {
      throw conflict(info, name, 'the object has been modified; please apply your changes to the latest version and try again')
    }
    const next = { ...current, spec: { ...(isPlainObject(current['spec']) ? current['spec'] : {}), replicas } }
    return next
  }, { dryRun: isDryRun(ctx), fieldManager: defaultFieldManager(ctx), subresource: 'scale' })
  sendJson(ctx.res, 200, toScale(updated))
}

/** POST pods/NAME/binding: the scheduler's write. Conflicts when the pod is already bound. */
async function handleBinding(ctx: RequestContext): Promise<void> {
  const body = await decodeBody(await readBody(ctx.req), ctx.req.headers['content-type'], ['application/json', 'application/yaml'])
  const target = isPlainObject(body) && isPlainObject(body['target']) ? body['target'] : undefined
  const node = target?.['name']
  if (typeof node !== 'string' || node === '') {
    throw new ApiError({ reason: 'Invalid', code: 422, message: `Binding "${ctx.target.name ?? ''}" is invalid: target.name: Required value` })
  }
  const name = ctx.target.name ?? ''
  // Copy-on-write: the bound pod shares all but what binding changes with the stored one
  // (the registry runs no defaulting on binding, as upstream's assignPod does not).
  await ctx.registry.guaranteedUpdate(ctx.info, ctx.target.namespace, name, (pod) => {
    const spec = isPlainObject(pod['spec']) ? pod['spec'] : {}
    if (pod.metadata.deletionTimestamp) throw conflict(ctx.info, name, 'pod is being deleted, cannot be assigned to a host')
    if (spec['nodeName']) throw conflict(ctx.info, name, `pod ${name} is already assigned to node "${String(spec['nodeName'])}"`)
    const status = isPlainObject(pod['status']) ? pod['status'] : {}
    const conditions = (Array.isArray(status['conditions']) ? status['conditions'] : []).filter((c) => !(isPlainObject(c) && c['type'] === 'PodScheduled'))
    conditions.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: rfc3339() })
    return { ...pod, metadata: { ...pod.metadata }, spec: { ...spec, nodeName: node }, status: { ...status, conditions } }
  }, { dryRun: isDryRun(ctx), fieldManager: defaultFieldManager(ctx), subresource: 'binding', allowStatusAndSpec: true }, true)
  sendJson(ctx.res, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 })
}

/** POST pods/NAME/eviction: a delete that respects disruption budgets (none exist here yet). */
async function handleEviction(ctx: RequestContext): Promise<void> {
  const body = await decodeBody(await readBody(ctx.req), ctx.req.headers['content-type'], ['application/json', 'application/yaml'])
  const opts = isPlainObject(body) && isPlainObject(body['deleteOptions']) ? body['deleteOptions'] : {}
  const grace = opts['gracePeriodSeconds']
  await ctx.registry.delete(ctx.info, ctx.target.namespace, ctx.target.name ?? '', {
    dryRun: isDryRun(ctx),
    gracePeriodSeconds: typeof grace === 'number' ? grace : undefined,
    propagationPolicy: undefined,
    preconditions: undefined,
  })
  sendJson(ctx.res, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 })
}

export type PodStreamHandler = (ctx: RequestContext, pod: KubeObject) => Promise<void>

/** Routes a subresource request; `streams` serves log/exec/attach/portforward when the cluster has nodes that can. */
export async function handleSubresource(ctx: RequestContext, streams: PodStreamHandler | undefined): Promise<void> {
  const sub = ctx.target.subresource ?? ''
  const info = ctx.info
  const method = ctx.req.method ?? 'GET'
  if (!info.subresources.some((s) => s.name === sub)) {
    throw new ApiError({ reason: 'NotFound', code: 404, message: 'the server could not find the requested resource' })
  }
  switch (sub) {
    case 'status':
      if (method === 'GET') return handleGet(ctx)
      if (method === 'PUT') return handleUpdate(ctx)
      if (method === 'PATCH') return handlePatch(ctx)
      throw methodNotAllowed()
    case 'scale':
      return handleScale(ctx)
    case 'finalize':
      if (method !== 'PUT') throw methodNotAllowed()
      return handleUpdate(ctx)
    case 'binding':
      if (method !== 'POST') throw methodNotAllowed()
      return handleBinding(ctx)
    case 'eviction':
      if (method !== 'POST') throw methodNotAllowed()
      return handleEviction(ctx)
    case 'log': case 'exec': case 'attach': case 'portforward': {
      const pod = await ctx.registry.get(info, ctx.target.namespace, ctx.target.name ?? '')
      if (!streams) throw badRequest(`${sub} is not available: no node agent serves this pod yet`)
      return streams(ctx, pod)
    }
    default:
      throw methodNotAllowed()
  }
}

export { apiVersionOf, sendObject }
