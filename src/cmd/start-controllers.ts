/**
 * Starts the controller manager inside `kubeling up` / `kubeling server`.
 * (Owned by the workloads stage; `up.ts` calls it after the API server is listening.)
 */
import type { Client } from '../client/index.js'

export interface StartControllersOptions {
  client: Client
  dataDir: string
  signal: AbortSignal
  progress: (line: string) => void
}

export function startControllers(_opts: StartControllersOptions): Promise<void> {
  return Promise.resolve()
}
