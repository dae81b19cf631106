import { ApiError, badRequest, clone, isPlainObject } from '../../api/index.js'
import type { KubeObject } from '../../api/index.js'
import type { RequestContext } from '../context.js'
import { defaultFieldManager, isDryRun } from '../context.js'
import { decodeBody, readBody, sendJson } from '../http.js'
import type { DeleteOptions } from '../registry.js'
import { wantedTable, renderTable } from '../table.js'
import { readObject } from './decode.js'
import { readList } from './list.js'
import { parseSelection } from './selection.js'
import { toResponseVersion } from './convert.js'
import { takeJson } from '../codec.js'

function send(ctx: RequestContext, code: number, obj: KubeObject): void {
  const headers: Record<string, string> = {}
  if (ctx.warnings.length) headers['Warning'] = ctx.warnings.map((w) => `299 - ${JSON.stringify(w)}`).join(', ')
  const table = wantedTable(ctx.req.headers.accept)
  if (table && code === 200 && ctx.req.method === 'GET') {
    sendJson(ctx.res, code, renderTable(ctx.info, [obj], table, ctx.query, { resourceVersion: obj.metadata.resourceVersion ?? '' }), headers)
    return
  }
  const out = toResponseVersion(ctx, obj)
  sendJson(ctx.res, code, (out === obj ? takeJson(obj) : undefined) ?? out, headers)
}

export { send as sendObject }

export async function handleGet(ctx: RequestContext): Promise<void> {
  const obj = await ctx.registry.get(ctx.info, ctx.target.namespace, ctx.target.name ?? '')
  send(ctx, 200, obj)
}

function checkNamespace(ctx: RequestContext, obj: KubeObject): void {
  const ns = obj.metadata.namespace
  if (ctx.info.namespaced && ns && ctx.target.namespace && ns !== ctx.target.namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request')
  }
}

export async function handleCreate(ctx: RequestContext): Promise<void> {
  if (ctx.info.namespaced && !ctx.target.namespace) throw new ApiError({ reason: 'NotFound', code: 404, message: 'the server could not find the requested resource' })
  const obj = await readObject(ctx)
  checkNamespace(ctx, obj)
  if (!obj.metadata.name && !obj.metadata.generateName) {
    throw new ApiError({
      reason: 'Invalid', code: 422,
      message: `${ctx.info.kind}${ctx.info.group ? '.' + ctx.info.group : ''} "" is invalid: metadata.name: Required value: name or generateName is required`,
      details: { kind: ctx.info.resource, ...(ctx.info.group ? { group: ctx.info.group } : {}), causes: [{ reason: 'FieldValueRequired', message: 'Required value: name or generateName is required', field: 'metadata.name' }] },
    })
  }
  const created = await ctx.registry.create(ctx.info, ctx.target.namespace, obj, {
    dryRun: isDryRun(ctx), fieldManager: defaultFieldManager(ctx),
  })
  send(ctx, 201, created)
}

export async function handleUpdate(ctx: RequestContext): Promise<void> {
  const obj = await readObject(ctx)
  checkNamespace(ctx, obj)
  const name = ctx.target.name ?? ''
  if (obj.metadata.name !== undefined && obj.metadata.name !== name) {
    throw badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`)
  }
  obj.metadata.name = name
  const { obj: out, created } = await ctx.registry.update(ctx.info, ctx.target.namespace, name, obj, {
    dryRun: isDryRun(ctx), fieldManager: defaultFieldManager(ctx), subresource: ctx.target.subresource,
  })
  send(ctx, created ? 201 : 200, out)
}

/** DeleteOptions from the body (kubectl) or the query (curl), as upstream accepts both. */
export async function readDeleteOptions(ctx: RequestContext): Promise<DeleteOptions> {
  const body = await readBody(ctx.req)
  let raw: Record<string, unknown> = {}
  if (body.length > 0) {
    const decoded = await decodeBody(body, ctx.req.headers['content-type'], ['application/json', 'application/yaml'])
    if (!isPlainObject(decoded)) throw badRequest('DeleteOptions must be an object')
    raw = decoded
  }
  const q = ctx.query
  const grace = raw['gracePeriodSeconds'] ?? (q.has('gracePeriodSeconds') ? Number(q.get('gracePeriodSeconds')) : undefined)
  if (grace !== undefined && (typeof grace !== 'number' || !Number.isInteger(grace))) throw badRequest('gracePeriodSeconds must be an integer')
  let policy = raw['propagationPolicy'] ?? q.get('propagationPolicy') ?? undefined
  const orphan = raw['orphanDependents'] ?? (q.has('orphanDependents') ? q.get('orphanDependents') === 'true' : undefined)
  if (policy !== undefined && policy !== 'Foreground' && policy !== 'Background' && policy !== 'Orphan') {
    throw new ApiError({ reason: 'Invalid', code: 422, message: `DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: ${JSON.stringify(policy)}: supported values: "Foreground", "Background", "Orphan"` })
  }
  if (policy === undefined && orphan !== undefined) policy = orphan === true ? 'Orphan' : 'Background'
  // Legacy group-versions defaulted to orphaning dependents (upstream's DefaultGarbageCollectionPolicy).
  if (policy === undefined && ctx.requestApiVersion !== `${ctx.info.group ? ctx.info.group + '/' : ''}${ctx.info.version}` && ctx.info.group === 'apps') policy = 'Orphan'
  const dryRun = Array.isArray(raw['dryRun']) ? (raw['dryRun'] as unknown[]).includes('All') : isDryRun(ctx)
  const pre = isPlainObject(raw['preconditions']) ? raw['preconditions'] as { uid?: string; resourceVersion?: string } : undefined
  return {
    dryRun,
    gracePeriodSeconds: grace as number | undefined,
    propagationPolicy: policy as DeleteOptions['propagationPolicy'],
    preconditions: pre,
  }
}

/** Resources whose DELETE answers with the object rather than a Status (upstream's ReturnDeletedObject). */
const RETURNS_OBJECT = new Set(['/pods', '/services', '/namespaces'])

export async function handleDelete(ctx: RequestContext): Promise<void> {
  const opts = await readDeleteOptions(ctx)
  const name = ctx.target.name ?? ''
  const { obj, deleted } = await ctx.registry.delete(ctx.info, ctx.target.namespace, name, opts)
  if (deleted && !RETURNS_OBJECT.has(`${ctx.info.group}/${ctx.info.resource}`)) {
    sendJson(ctx.res, 200, {
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success',
      details: { name, ...(ctx.info.group ? { group: ctx.info.group } : {}), kind: ctx.info.resource, uid: obj.metadata.uid },
    })
    return
  }
  send(ctx, 200, obj)
}

export async function handleDeleteCollection(ctx: RequestContext): Promise<void> {
  const opts = await readDeleteOptions(ctx)
  const sel = parseSelection(ctx.info, ctx.query, ctx.target.namespace)
  const q = new URLSearchParams(ctx.query)
  q.delete('limit')
  q.delete('continue')
  const page = await readList({ ...ctx, query: q }, sel)
  const out: KubeObject[] = []
  for (const obj of page.items) {
    try {
      const { obj: d } = await ctx.registry.delete(ctx.info, obj.metadata.namespace, obj.metadata.name ?? '', opts)
      out.push(d)
    } catch (e) {
      if (!(e instanceof ApiError && e.reason === 'NotFound')) throw e
    }
  }
  sendJson(ctx.res, 200, { kind: ctx.info.listKind, apiVersion: ctx.requestApiVersion, metadata: { resourceVersion: String(ctx.cache.revision) }, items: out.map((o) => toResponseVersion(ctx, clone(o))) })
}
