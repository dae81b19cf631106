/**
 * Starts what runs on nodes inside `kubeling up`: the scheduler and N simulated node agents.
 * (Owned by the nodes stage; `up.ts` calls it after the API server is listening.)
 */
import type { Client } from '../client/index.js'

export interface StartNodesOptions {
  client: Client
  /** builds another client (agents may want their own connection pool) */
  newClient: () => Client
  nodes: number
  runtime: string
  dataDir: string
  signal: AbortSignal
  progress: (line: string) => void
}

export function startNodes(opts: StartNodesOptions): Promise<void> {
  if (opts.nodes > 0) opts.progress(`kubeling: node agents (--nodes ${opts.nodes}): not yet in this build`)
  return Promise.resolve()
}
