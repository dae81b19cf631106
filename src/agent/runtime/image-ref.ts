/** Image reference helpers shared by runtimes and the agent (containerd's naming). */

/** `nginx` → `docker.io/library/nginx:latest`. */
export function normalizeImage(image: string): string {
  let ref = image
  const slash = ref.indexOf('/')
  const first = slash < 0 ? '' : ref.slice(0, slash)
  if (slash < 0) ref = `docker.io/library/${ref}`
  else if (!first.includes('.') && !first.includes(':') && first !== 'localhost') ref = `docker.io/${ref}`
  const lastPart = ref.slice(ref.lastIndexOf('/') + 1)
  if (!lastPart.includes(':') && !lastPart.includes('@')) ref += ':latest'
  return ref
}

/** `docker.io/library/nginx:1.27` + `sha256:…` → `docker.io/library/nginx@sha256:…` (a pod's imageID). */
export function imageIdFor(image: string, digest: string): string {
  if (!digest) return ''
  const ref = normalizeImage(image)
  const at = ref.indexOf('@')
  if (at >= 0) return ref
  const colon = ref.lastIndexOf(':')
  const repo = colon > ref.lastIndexOf('/') ? ref.slice(0, colon) : ref
  return `${repo}@${digest}`
}
