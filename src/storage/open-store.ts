import { MemoryStore } from './memory/memory-store.js'
import { SqliteStore } from './sqlite/sqlite-store.js'
import type { Store } from './store.js'

/**
 * Opens the Store a URL names; the one place that picks a concrete backend.
 * - `memory://` — empty, in-process, lost on exit (tests)
 * - `sqlite://PATH` — durable file; `sqlite://state.db` is relative to the working
 *   directory, `sqlite:///var/lib/kubeling/state.db` absolute
 * - `etcd://HOST:PORT[,HOST:PORT…]` — not implemented yet
 *
 * Fails with an Error naming the URL when the scheme is unknown or the path is missing.
 *
 * @example
 * const store = await openStore(`sqlite://${join(dataDir, 'state.db')}`)
 */
export async function openStore(url: string): Promise<Store> {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1]?.toLowerCase() ?? ''
  const rest = url.slice(scheme.length + 3)
  switch (scheme) {
    case 'memory':
      return new MemoryStore()
    case 'sqlite':
      // not `new URL()`: it would read the first segment of a relative path as a host
      if (rest === '') throw new Error(`store URL ${url}: missing the database path (sqlite://PATH)`)
      return SqliteStore.open(rest)
    case 'etcd':
      throw new Error('etcd store: not yet implemented (see roadmap)')
    default:
      throw new Error(`store URL ${url}: unsupported; use memory://, sqlite://PATH or etcd://HOST:PORT`)
  }
}
