import type { IncomingMessage, ServerResponse } from 'node:http'
import { canDecode, decodeProtobufObject, protobufTypeMeta } from './protobuf/index.js'
import type * as Yaml from 'yaml' // loaded lazily: ~40 ms that start-up does not need
import { ApiError, badRequest, internalError, requestEntityTooLarge, unsupportedMediaType } from '../api/index.js'

/** Upstream's limit for a request body (3 MiB). */
export const MAX_BODY_BYTES = 3 * 1024 * 1024

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0)
  if (declared > MAX_BODY_BYTES) {
    req.resume()
    throw requestEntityTooLarge()
  }
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > MAX_BODY_BYTES) {
      req.resume()
      throw requestEntityTooLarge()
    }
    chunks.push(chunk)
  }
  return Buffer.concat(chunks)
}

export function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0]!.trim().toLowerCase()
}

type YamlModule = typeof Yaml
let yamlModule: YamlModule | undefined
async function loadYaml(): Promise<YamlModule> {
  yamlModule ??= await import('yaml')
  return yamlModule
}

/** Decodes a JSON or YAML request body. 415 for other media types, 400 for malformed input. */
export async function decodeBody(body: Buffer, contentType: string | undefined, allowed: readonly string[]): Promise<unknown> {
  const type = mediaType(contentType) || 'application/json'
  if (type === PROTOBUF && allowed.includes('application/json')) return decodeProtobuf(body)
  if (!allowed.includes(type)) throw unsupportedMediaType(type)
  const text = body.toString('utf8')
  if (text.trim() === '') throw badRequest('Object \'Kind\' is missing in \'\'')
  if (type.endsWith('yaml')) {
    const YAML = await loadYaml()
    try {
      return YAML.parse(text, { schema: 'core', uniqueKeys: false, maxAliasCount: 100 }) as unknown
    } catch (e) {
      throw badRequest(`error converting YAML to JSON: ${(e as Error).message.split('\n')[0]}`)
    }
  }
  try {
    return JSON.parse(text) as unknown
  } catch (e) {
    throw badRequest(`couldn't get version/kind; json parse error: ${(e as Error).message}`)
  }
}

const PROTOBUF = 'application/vnd.kubernetes.protobuf'

/** kubectl 1.33's typed commands (`create configmap`, `create namespace`, …) send protobuf. */
function decodeProtobuf(body: Buffer): unknown {
  const meta = protobufTypeMeta(body)
  if (meta && !canDecode(meta.apiVersion, meta.kind)) throw unsupportedMediaType(PROTOBUF)
  try {
    return decodeProtobufObject(body)
  } catch (e) {
    throw badRequest(`failed to decode protobuf body: ${(e as Error).message.replace(/^protobuf: /, '')}`)
  }
}

export const JSON_TYPES = ['application/json'] as const
export const OBJECT_TYPES = ['application/json', 'application/yaml'] as const

export function sendJson(res: ServerResponse, code: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body)
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers })
  res.end(text)
}

/** Writes any thrown value as a metav1.Status response. */
export function sendError(res: ServerResponse, err: unknown): void {
  const apiErr = err instanceof ApiError ? err : internalError((err as Error)?.message ?? String(err), err)
  if (res.headersSent) {
    res.destroy()
    return
  }
  sendJson(res, apiErr.code, apiErr.status)
}

export type Query = URLSearchParams
export function queryBool(q: Query, name: string): boolean {
  const v = q.get(name)
  return v === 'true' || v === '1'
}
export function queryInt(q: Query, name: string): number | undefined {
  const v = q.get(name)
  if (v === null || v === '') return undefined
  const n = Number(v)
  if (!Number.isInteger(n)) throw badRequest(`invalid value for ${name}: ${JSON.stringify(v)}: must be an integer`)
  return n
}
