/**
 * Worker-thread entry of the API server (see api-server-thread.ts): opens the store, serves,
 * and answers the parent's `heap` and `stop` requests. Start-up failures go back as data,
 * so the parent can word them (port in use …) exactly as it does in-process.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { getHeapStatistics } from 'node:v8'
import { ApiServer } from '../apiserver/index.js'
import { openStore } from '../storage/open-store.js'
import type { ApiServerThreadOptions, FromApiServerThread, ToApiServerThread } from './api-server-thread.js'

const opts = workerData as ApiServerThreadOptions
const port = parentPort!

async function main(): Promise<void> {
  const store = await openStore(opts.storeUrl)
  const server = new ApiServer({ store, tls: opts.tls, token: opts.token })
  let url: string
  try {
    url = await server.start(opts.port, opts.address)
  } catch (e) {
    await store.close()
    throw e
  }
  port.on('message', (m: ToApiServerThread) => {
    if (m === 'heap') post({ heapUsed: getHeapStatistics().used_heap_size })
    else if (m === 'stop') {
      server.stop().then(() => store.close()).then(() => post({ stopped: true }), (e: unknown) => post({ stopped: true, error: describe(e) }))
    }
  })
  post({ url })
}

function post(m: FromApiServerThread): void {
  port.postMessage(m)
}

function describe(e: unknown): { message: string; code?: string } {
  const err = e as NodeJS.ErrnoException
  return { message: err?.message ?? String(e), ...(typeof err?.code === 'string' ? { code: err.code } : {}) }
}

main().catch((e: unknown) => post({ error: describe(e) }))
