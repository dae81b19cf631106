import { badRequest, gone, splitApiVersion } from '../../api/index.js'
import type { KubeObject } from '../../api/index.js'
import { isStoreError } from '../../storage/index.js'
import { decodeEntry, listPrefix } from '../codec.js'
import type { RequestContext } from '../context.js'
import { queryInt, sendJson } from '../http.js'
import { renderTable, wantedTable } from '../table.js'
import { parseSelection } from './selection.js'
import type { Selection } from './selection.js'
import { toResponseVersion } from './convert.js'

interface ContinueToken {
  v: 'meta.k8s.io/v1'
  rv: number
  start: string
}

function encodeContinue(rv: number, lastKey: string, prefix: string): string {
  const token: ContinueToken = { v: 'meta.k8s.io/v1', rv, start: lastKey.slice(prefix.length) + '\u0000' }
  return Buffer.from(JSON.stringify(token)).toString('base64url')
}

function decodeContinue(text: string): ContinueToken {
  try {
    const t = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as ContinueToken
    if (t.v !== 'meta.k8s.io/v1' || typeof t.rv !== 'number' || typeof t.start !== 'string') throw new Error('bad token')
    return t
  } catch {
    throw badRequest(`continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)`)
  }
}

const CONTINUE_EXPIRED = 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.'

export interface ListPage {
  items: KubeObject[]
  resourceVersion: string
  continue?: string
  remainingItemCount?: number
}

/** Reads one page of a list: from the watch cache when unpaginated, from the store otherwise. */
export async function readList(ctx: RequestContext, sel: Selection): Promise<ListPage> {
  const { query: q, info, target } = ctx
  const limit = queryInt(q, 'limit') ?? 0
  if (limit < 0) throw badRequest('limit must be non-negative')
  const cont = q.get('continue')
  const rvParam = q.get('resourceVersion') ?? ''
  if (rvParam !== '' && !/^\d+$/.test(rvParam)) throw badRequest(`invalid resource version: "${rvParam}"`)
  const prefix = listPrefix(info, target.namespace)
  if (!cont && (limit === 0 || rvParam === '0')) {
    if (rvParam !== '0') await ctx.cache.fresh()
    else if (Number(rvParam) > ctx.cache.revision) await ctx.cache.waitFor(Number(rvParam))
    const rev = ctx.cache.revision
    const items = ctx.cache.list(prefix).map((c) => c.obj).filter((o) => sel.matches(o))
    return { items, resourceVersion: String(rev) }
  }
  let revision = 0
  let after: string | undefined
  if (cont) {
    if (rvParam !== '') throw badRequest('specifying resource version is not allowed when using continue')
    const t = decodeContinue(cont)
    revision = t.rv
    after = prefix + t.start.replace(/\u0000$/, '')
  } else if (rvParam !== '' && q.get('resourceVersionMatch') === 'Exact') {
    revision = Number(rvParam)
  }
  const items: KubeObject[] = []
  let lastKey: string | undefined
  let more = false
  try {
    for (;;) {
      const page = await ctx.store.list(prefix, { limit: limit || 500, ...(after !== undefined ? { after } : {}), ...(revision ? { revision } : {}) })
      revision = page.revision
      for (const e of page.entries) {
        lastKey = e.key
        const obj = decodeEntry(e)
        if (sel.matches(obj)) items.push(obj)
        if (limit && items.length >= limit) break
      }
      after = lastKey
      if (limit && items.length >= limit) {
        more = page.more || lastKey !== page.entries[page.entries.length - 1]?.key
        break
      }
      if (!page.more) break
    }
  } catch (e) {
    if (isStoreError(e, 'Compacted')) throw gone(CONTINUE_EXPIRED)
    throw e
  }
  const out: ListPage = { items, resourceVersion: String(revision) }
  if (more && lastKey) {
    out.continue = encodeContinue(revision, lastKey, prefix)
    if (sel.all) {
      const total = ctx.cache.count(prefix)
      const remaining = total - items.length - (cont ? 0 : 0)
      if (remaining > 0 && !cont) out.remainingItemCount = remaining
    }
  }
  return out
}

export async function handleList(ctx: RequestContext): Promise<void> {
  const sel = parseSelection(ctx.info, ctx.query, ctx.target.namespace)
  const page = await readList(ctx, sel)
  const meta: { resourceVersion: string; continue?: string; remainingItemCount?: number } = { resourceVersion: page.resourceVersion }
  if (page.continue) meta.continue = page.continue
  if (page.remainingItemCount !== undefined) meta.remainingItemCount = page.remainingItemCount
  const table = wantedTable(ctx.req.headers.accept)
  if (table) {
    sendJson(ctx.res, 200, renderTable(ctx.info, page.items, table, ctx.query, meta))
    return
  }
  const { group } = splitApiVersion(ctx.requestApiVersion)
  void group
  const items = page.items.map((o) => toResponseVersion(ctx, o))
  sendJson(ctx.res, 200, { kind: ctx.info.listKind, apiVersion: ctx.requestApiVersion, metadata: meta, items })
}
