/**
 * A small typed HTTP client for the Kubernetes API, used by every in-tree component
 * (controllers, scheduler, agents, DNS) exactly as an external client would use it.
 * Errors come back as the same `ApiError` the server threw (`isNotFound(err)` works).
 *
 * @example
 *   const c = new Client({ server: 'https://127.0.0.1:6443', token, ca })
 *   const pod = await c.get(PODS, 'default', 'web-0')
 */
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https'
import { Agent as HttpAgent, request as httpRequest } from 'node:http'
import type { IncomingMessage } from 'node:http'
import { fromStatus, apiVersionOf } from '../api/index.js'
import type { KubeList, KubeObject, ResourceInfo, WatchEvent } from '../api/index.js'

export interface ClientOptions {
  server: string
  token?: string | undefined
  /** PEM of the CA that signed the server's certificate */
  ca?: string | Buffer | undefined
  /** sent as User-Agent (upstream derives the default field manager from it) */
  userAgent?: string
  /** max sockets per host (default 64) */
  maxSockets?: number
}

export type PatchType = 'merge' | 'strategic' | 'json' | 'apply'
const PATCH_CONTENT_TYPES: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  json: 'application/json-patch+json',
  apply: 'application/apply-patch+yaml',
}

export interface ListOptions {
  labelSelector?: string
  fieldSelector?: string
  limit?: number
  continue?: string
  resourceVersion?: string
}

export interface WatchOptions {
  labelSelector?: string
  fieldSelector?: string
  resourceVersion?: string
  allowWatchBookmarks?: boolean
  timeoutSeconds?: number
}

export interface DeleteOptions {
  gracePeriodSeconds?: number
  propagationPolicy?: 'Foreground' | 'Background' | 'Orphan'
  preconditions?: { uid?: string; resourceVersion?: string }
}

export interface RawResponse {
  status: number
  body: Buffer
}

export class Client {
  readonly server: URL
  #agent: HttpAgent | HttpsAgent
  #headers: Record<string, string>
  #https: boolean

  constructor(readonly opts: ClientOptions) {
    this.server = new URL(opts.server)
    this.#https = this.server.protocol === 'https:'
    const agentOpts = { keepAlive: true, maxSockets: opts.maxSockets ?? 64 }
    this.#agent = this.#https ? new HttpsAgent({ ...agentOpts, ...(opts.ca ? { ca: opts.ca } : {}) }) : new HttpAgent(agentOpts)
    this.#headers = { 'User-Agent': opts.userAgent ?? 'kubeling/v0', Accept: 'application/json' }
    if (opts.token) this.#headers['Authorization'] = `Bearer ${opts.token}`
  }

  /** Path of a collection or object: `/apis/apps/v1/namespaces/default/statefulsets/web`. */
  path(info: ResourceInfo, namespace?: string, name?: string, subresource?: string): string {
    let p = info.group ? `/apis/${info.group}/${info.version}` : `/api/${info.version}`
    if (info.namespaced && namespace) p += `/namespaces/${encodeURIComponent(namespace)}`
    p += `/${info.resource}`
    if (name !== undefined) p += `/${encodeURIComponent(name)}`
    if (subresource) p += `/${subresource}`
    return p
  }

  /** Sends one request; resolves with the raw response (any status). */
  raw(method: string, path: string, body?: Buffer | string, headers: Record<string, string> = {}): Promise<RawResponse> {
    const url = new URL(path, this.server)
    const doRequest = this.#https ? httpsRequest : httpRequest
    return new Promise((resolve, reject) => {
      // An explicit length: Node sends DELETE bodies neither chunked nor sized otherwise.
      const sized = body === undefined ? {} : { 'Content-Length': String(Buffer.byteLength(body)) }
      const req = doRequest(url, { method, agent: this.#agent, headers: { ...this.#headers, ...sized, ...headers } }, (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }))
        res.on('error', reject)
      })
      req.on('error', reject)
      if (body !== undefined) req.end(body)
      else req.end()
    })
  }

  /** Sends a JSON request and decodes the JSON answer; throws ApiError for non-2xx. */
  async json<T>(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<T> {
    const payload = body === undefined ? undefined : JSON.stringify(body)
    const res = await this.raw(method, path, payload, payload === undefined ? {} : { 'Content-Type': contentType })
    const text = res.body.toString('utf8')
    let decoded: unknown = text
    try {
      decoded = text ? JSON.parse(text) : undefined
    } catch {
      /* not JSON: keep text */
    }
    if (res.status < 200 || res.status > 299) throw fromStatus(decoded, res.status)
    return decoded as T
  }

  get<T extends KubeObject = KubeObject>(info: ResourceInfo, namespace: string | undefined, name: string): Promise<T> {
    return this.json<T>('GET', this.path(info, namespace, name))
  }

  list<T extends KubeObject = KubeObject>(info: ResourceInfo, namespace: string | undefined, opts: ListOptions = {}): Promise<KubeList<T>> {
    return this.json<KubeList<T>>('GET', this.path(info, namespace) + query(opts as Record<string, unknown>))
  }

  create<T extends KubeObject = KubeObject>(info: ResourceInfo, namespace: string | undefined, obj: KubeObject, opts: { fieldManager?: string; dryRun?: boolean } = {}): Promise<T> {
    return this.json<T>('POST', this.path(info, namespace) + query({ fieldManager: opts.fieldManager, dryRun: opts.dryRun ? 'All' : undefined }), withTypeMeta(info, obj))
  }

  update<T extends KubeObject = KubeObject>(info: ResourceInfo, obj: KubeObject, subresource?: string): Promise<T> {
    return this.json<T>('PUT', this.path(info, obj.metadata.namespace, obj.metadata.name ?? '', subresource), withTypeMeta(info, obj))
  }

  updateStatus<T extends KubeObject = KubeObject>(info: ResourceInfo, obj: KubeObject): Promise<T> {
    return this.update<T>(info, obj, 'status')
  }

  patch<T extends KubeObject = KubeObject>(
    info: ResourceInfo, namespace: string | undefined, name: string, patch: unknown,
    opts: { type?: PatchType; subresource?: string; fieldManager?: string; force?: boolean } = {},
  ): Promise<T> {
    const type = opts.type ?? 'merge'
    const q = query({ fieldManager: opts.fieldManager ?? (type === 'apply' ? 'kubeling' : undefined), force: opts.force ? 'true' : undefined })
    return this.json<T>('PATCH', this.path(info, namespace, name, opts.subresource) + q, patch, PATCH_CONTENT_TYPES[type])
  }

  delete(info: ResourceInfo, namespace: string | undefined, name: string, opts: DeleteOptions = {}): Promise<KubeObject> {
    return this.json<KubeObject>('DELETE', this.path(info, namespace, name), { kind: 'DeleteOptions', apiVersion: 'v1', ...opts })
  }

  /** POST to a subresource such as pods/binding or pods/eviction. */
  createSubresource(info: ResourceInfo, namespace: string | undefined, name: string, subresource: string, body: unknown): Promise<unknown> {
    return this.json('POST', this.path(info, namespace, name, subresource), body)
  }

  /**
   * Streams watch events until `signal` aborts or the server ends the stream. A 410 arrives
   * as an ERROR event whose object is a Status; callers relist.
   */
  async *watch<T extends KubeObject = KubeObject>(info: ResourceInfo, namespace: string | undefined, opts: WatchOptions, signal: AbortSignal): AsyncGenerator<WatchEvent<T>> {
    const path = this.path(info, namespace) + query({ ...opts, watch: 'true' } as Record<string, unknown>)
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      const doRequest = this.#https ? httpsRequest : httpRequest
      const req = doRequest(new URL(path, this.server), { method: 'GET', agent: this.#agent, headers: this.#headers, signal }, resolve)
      req.on('error', reject)
      req.end()
    })
    if ((res.statusCode ?? 0) >= 300) {
      const chunks: Buffer[] = []
      for await (const c of res as AsyncIterable<Buffer>) chunks.push(c)
      let body: unknown
      try { body = JSON.parse(Buffer.concat(chunks).toString('utf8')) } catch { body = undefined }
      throw fromStatus(body, res.statusCode ?? 0)
    }
    let buffer = ''
    try {
      for await (const chunk of res as AsyncIterable<Buffer>) {
        buffer += chunk.toString('utf8')
        let nl: number
        while ((nl = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, nl)
          buffer = buffer.slice(nl + 1)
          if (line.trim()) yield JSON.parse(line) as WatchEvent<T>
        }
      }
    } catch (e) {
      if (!signal.aborted) throw e
    }
  }

  close(): void {
    this.#agent.destroy()
  }
}

function withTypeMeta(info: ResourceInfo, obj: KubeObject): KubeObject {
  return { ...obj, apiVersion: obj.apiVersion ?? apiVersionOf(info), kind: obj.kind ?? info.kind }
}

function query(params: Record<string, unknown>): string {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v))
  const s = q.toString()
  return s ? `?${s}` : ''
}
