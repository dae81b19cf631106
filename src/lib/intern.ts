/**
 * Shares equal short strings among long-lived JSON objects (the API server's cache of every
 * object, the informers' caches). A parsed object gets a fresh copy of every string value,
 * though most of them ("True", "Running", image names, node names, timestamps of the same
 * second) repeat across thousands of objects: pooling them measured a third off a cached
 * pod's heap. The pool forgets everything when it is full, so one-off values (uids, names)
 * cannot make it grow without bound.
 */
const MAX_LENGTH = 64

export class StringInterner {
  #pool = new Map<string, string>()

  constructor(private readonly capacity = 50_000) {}

  /**
   * Replaces, in place, the string values inside `value` (an object or array) with pooled
   * equal strings, skipping the members named in `skip`; returns `value`.
   */
  intern<T>(value: T, skip?: ReadonlySet<string>): T {
    if (value === null || typeof value !== 'object' || Array.isArray(value) || !skip) {
      this.#walk(value)
      return value
    }
    const o = value as Record<string, unknown>
    for (const k in o) {
      if (skip.has(k)) continue
      const x = o[k]
      if (typeof x === 'string') o[k] = this.string(x)
      else this.#walk(x)
    }
    return value
  }

  /** The pooled string equal to `s`. */
  string(s: string): string {
    if (s.length > MAX_LENGTH) return s
    const pooled = this.#pool.get(s)
    if (pooled !== undefined) return pooled
    if (this.#pool.size >= this.capacity) this.#pool.clear()
    this.#pool.set(s, s)
    return s
  }

  #walk(v: unknown): void {
    if (v === null || typeof v !== 'object') return
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const x: unknown = v[i]
        if (typeof x === 'string') v[i] = this.string(x)
        else if (x !== null && typeof x === 'object') this.#walk(x)
      }
      return
    }
    const o = v as Record<string, unknown>
    for (const k in o) {
      const x = o[k]
      if (typeof x === 'string') o[k] = this.string(x)
      else if (x !== null && typeof x === 'object') this.#walk(x)
    }
  }
}
