/** JSON with object keys sorted: equal data compares equal whatever order a server wrote it in. */
export function canonicalJson(v: unknown): string {
  return JSON.stringify(v, (_k, val: unknown) => {
    if (val === null || typeof val !== 'object' || Array.isArray(val)) return val
    const out: Record<string, unknown> = {}
    for (const k of Object.keys(val).sort()) out[k] = (val as Record<string, unknown>)[k]
    return out
  })
}

/** Order-insensitive equality of JSON values (shared with the API server). */
export { sameJson } from '../api/index.js'
