/**
 * Controller expectations (GEN-009): after issuing N creates and M deletes for a key, the
 * controller waits until its caches have observed them (or `ttlMs` passes) before acting on
 * the key again. Needed wherever names are generated, so a lagging cache cannot cause a
 * second create.
 */
export class Expectations {
  #items = new Map<string, { adds: number; dels: number; at: number }>()

  constructor(private readonly ttlMs = 5 * 60_000, private readonly now: () => number = Date.now) {}

  expect(key: string, adds: number, dels: number): void {
    const cur = this.#items.get(key)
    if (cur && (cur.adds > 0 || cur.dels > 0)) {
      cur.adds += adds
      cur.dels += dels
      cur.at = this.now()
    } else this.#items.set(key, { adds, dels, at: this.now() })
  }

  creationObserved(key: string, n = 1): void {
    const cur = this.#items.get(key)
    if (cur) cur.adds -= n
  }

  deletionObserved(key: string, n = 1): void {
    const cur = this.#items.get(key)
    if (cur) cur.dels -= n
  }

  satisfied(key: string): boolean {
    const cur = this.#items.get(key)
    if (!cur) return true
    if (cur.adds <= 0 && cur.dels <= 0) return true
    return this.now() - cur.at > this.ttlMs
  }

  forget(key: string): void {
    this.#items.delete(key)
  }
}
