/**
 * Watch: newline-delimited JSON events, served from the watch cache.
 *
 * resourceVersion semantics as upstream: unset or "0" → synthetic ADDED events for the
 * current state, then changes; N → every change after N (410 Expired as an ERROR event when
 * N fell out of the cache window). `sendInitialEvents=true` sends the state and then a
 * BOOKMARK annotated `k8s.io/initial-events-end`. Label/field selectors turn objects that
 * stop matching into DELETED and objects that start matching into ADDED.
 */
import type { KubeObject } from '../../api/index.js'
import { badRequest, gone } from '../../api/index.js'
import type { RequestContext } from '../context.js'
import { queryBool, queryInt } from '../http.js'
import { renderTable, wantedTable } from '../table.js'
import type { CacheEvent } from '../watch-cache.js'
import { listPrefix } from '../codec.js'
import { parseSelection } from './selection.js'
import { toResponseVersion } from './convert.js'

const BOOKMARK_INTERVAL_MS = 60_000
const MAX_BUFFERED_BYTES = 64 * 1024 * 1024

export async function handleWatch(ctx: RequestContext): Promise<void> {
  const { query: q, res, req, info } = ctx
  const sel = parseSelection(info, q, ctx.target.namespace)
  if (ctx.target.name) {
    // /watch/namespaces/ns/pods/name (legacy form) selects one object.
    const name = ctx.target.name
    const inner = sel.matches
    sel.matches = (o) => o.metadata.name === name && inner(o)
  }
  const rvParam = q.get('resourceVersion') ?? ''
  if (rvParam !== '' && !/^\d+$/.test(rvParam)) throw badRequest(`invalid resource version: "${rvParam}"`)
  const sendInitial = q.get('sendInitialEvents')
  if (sendInitial === 'true' && q.get('resourceVersionMatch') !== 'NotOlderThan') {
    throw badRequest('sendInitialEvents is forbidden when resourceVersionMatch is not set to NotOlderThan')
  }
  const bookmarks = queryBool(q, 'allowWatchBookmarks')
  const timeoutSeconds = queryInt(q, 'timeoutSeconds')
  const table = wantedTable(req.headers.accept)
  const prefix = listPrefix(info, ctx.target.namespace)

  const wantsState = sendInitial === 'true' || (sendInitial !== 'false' && (rvParam === '' || rvParam === '0'))
  if (rvParam === '' || sendInitial === 'true') await ctx.cache.fresh()
  else if (Number(rvParam) > ctx.cache.revision) await ctx.cache.waitFor(Number(rvParam))

  res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache, private' })
  res.flushHeaders()

  let headerSent = false
  const encode = (type: string, obj: KubeObject, ev?: CacheEvent): string => {
    let out: unknown = toResponseVersion(ctx, obj)
    if (table && type !== 'BOOKMARK' && type !== 'ERROR') {
      out = renderTable(info, [obj], table, q, { resourceVersion: obj.metadata.resourceVersion ?? '' }, headerSent)
      headerSent = true
    } else if (out === obj && ev) {
      const text = ev.json() // shared by every watcher of this event
      if (text !== undefined) return `{"type":"${type}","object":${text}}\n`
    }
    return JSON.stringify({ type, object: out }) + '\n'
  }
  let closed = false
  const write = (line: string): void => {
    if (closed) return
    res.write(line)
    if (res.writableLength > MAX_BUFFERED_BYTES) finish() // a reader this slow is dropped, as upstream does
  }
  const bookmark = (rv: number, initialEnd = false): string => JSON.stringify({
    type: 'BOOKMARK',
    object: {
      kind: info.kind,
      apiVersion: ctx.requestApiVersion,
      metadata: { resourceVersion: String(rv), ...(initialEnd ? { annotations: { 'k8s.io/initial-events-end': 'true' } } : {}) },
    },
  }) + '\n'

  const onEvent = (ev: CacheEvent): void => {
    const now = sel.matches(ev.obj)
    const before = ev.prev !== undefined && sel.matches(ev.prev)
    if (ev.type === 'DELETED') {
      if (before) write(encode('DELETED', ev.obj, ev))
    } else if (now && (before || ev.type === 'ADDED')) write(encode(ev.type === 'ADDED' && !before ? 'ADDED' : 'MODIFIED', ev.obj, ev))
    else if (now) write(encode('ADDED', ev.obj, ev))
    else if (before) write(encode('DELETED', ev.obj, ev))
  }

  // Snapshot and subscription happen in one synchronous step, so no event is missed or doubled.
  const from = wantsState ? ctx.cache.revision : Number(rvParam)
  const initial = wantsState ? ctx.cache.list(prefix).map((c) => c.obj).filter((o) => sel.matches(o)) : []
  const sub = ctx.cache.subscribe(prefix, from, onEvent)
  if (sub === 'expired') {
    const err = gone(`too old resource version: ${rvParam} (${ctx.cache.oldestRevision})`)
    res.end(JSON.stringify({ type: 'ERROR', object: err.status }) + '\n')
    return
  }
  const timers: NodeJS.Timeout[] = []
  function finish(): void {
    if (closed) return
    closed = true
    sub !== 'expired' && sub.cancel()
    for (const t of timers) clearTimeout(t)
    res.end()
  }
  req.on('close', finish)
  res.on('error', finish)
  for (const obj of initial) write(encode('ADDED', obj))
  if (sendInitial === 'true') write(bookmark(from, true))
  for (const ev of sub.backlog) onEvent(ev)
  if (bookmarks) {
    const tick = (): void => {
      write(bookmark(ctx.cache.revision))
      timers[0] = setTimeout(tick, BOOKMARK_INTERVAL_MS)
    }
    timers[0] = setTimeout(tick, BOOKMARK_INTERVAL_MS)
  }
  if (timeoutSeconds !== undefined && timeoutSeconds > 0) timers.push(setTimeout(finish, timeoutSeconds * 1000))
  await new Promise<void>((resolve) => res.on('close', resolve))
  finish()
}
