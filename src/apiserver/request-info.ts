/**
 * Parses a request path into what it addresses, like upstream's RequestInfoFactory:
 * `/api/v1/namespaces/default/pods/web-0/status` → {group:'', version:'v1', namespace:'default',
 * resource:'pods', name:'web-0', subresource:'status'}. Legacy `/api/v1/watch/...` paths are
 * folded into `watch=true`.
 */
export interface ResourceRequest {
  kind: 'resource'
  group: string
  version: string
  namespace: string | undefined
  resource: string
  name: string | undefined
  subresource: string | undefined
  /** the path used the legacy /watch/ prefix */
  watchPath: boolean
}

export interface OtherRequest {
  kind: 'other'
  path: string
}

export type RequestInfo = ResourceRequest | OtherRequest

export function parseRequestPath(pathname: string): RequestInfo {
  const parts = pathname.split('/').filter((p) => p !== '').map(decodeURIComponent)
  let group: string
  let version: string
  let rest: string[]
  if (parts[0] === 'api' && parts.length >= 3) {
    group = ''
    version = parts[1]!
    rest = parts.slice(2)
  } else if (parts[0] === 'apis' && parts.length >= 4) {
    group = parts[1]!
    version = parts[2]!
    rest = parts.slice(3)
  } else {
    return { kind: 'other', path: pathname }
  }
  let watchPath = false
  if (rest[0] === 'watch') {
    watchPath = true
    rest = rest.slice(1)
  }
  let namespace: string | undefined
  // `namespaces/x/pods/...` addresses a namespaced resource; `namespaces/x` and
  // `namespaces/x/status|finalize` address the namespace object itself.
  if (rest[0] === 'namespaces' && rest.length >= 3 && rest[2] !== 'status' && rest[2] !== 'finalize') {
    namespace = rest[1]
    rest = rest.slice(2)
  }
  if (rest.length === 0 || rest.length > 3) return { kind: 'other', path: pathname }
  return {
    kind: 'resource',
    group,
    version,
    namespace,
    resource: rest[0]!,
    name: rest[1],
    subresource: rest[2],
    watchPath,
  }
}
