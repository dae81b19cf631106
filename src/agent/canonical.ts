/** JSON with object keys sorted: equal data compares equal whatever order a server wrote it in. */
export function canonicalJson(v: unknown): string {
  return JSON.stringify(v, (_k, val: unknown) => {
    if (val === null || typeof val !== 'object' || Array.isArray(val)) return val
    const out: Record<string, unknown> = {}
    for (const k of Object.keys(val).sort()) out[k] = (val as Record<string, unknown>)[k]
    return out
  })
}

/**
 * Do two JSON values say the same thing? Key order does not matter and an undefined member
 * counts as absent (as in canonicalJson), without building either text: agents ask this
 * for every pod they sync.
 */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false
    return true
  }
  if (Array.isArray(b)) return false
  const ao = a as Record<string, unknown>
  const bo = b as Record<string, unknown>
  let defined = 0
  for (const k in ao) {
    if (ao[k] === undefined) continue
    defined++
    if (!sameJson(ao[k], bo[k])) return false
  }
  for (const k in bo) if (bo[k] !== undefined) defined--
  return defined === 0
}
