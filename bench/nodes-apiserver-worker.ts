/**
 * The API server in a worker thread (same process, second core) for nodes-bench's
 * BENCH_APISERVER_THREAD=1 variant: starts it over the given store URL and posts back its URL
 * and, on request, its memory figures.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { getHeapStatistics } from 'node:v8'
import { ApiServer } from '../src/apiserver/index.js'
import { MemoryStore } from '../src/storage/memory/memory-store.js'
import { openStore } from '../src/storage/open-store.js'

const { storeUrl } = workerData as { storeUrl: string }
const store = storeUrl === 'memory://' ? new MemoryStore() : await openStore(storeUrl)
const server = new ApiServer({ store })
const url = await server.start(0, '127.0.0.1')
parentPort?.postMessage({ url })
parentPort?.on('message', (m: unknown) => {
  if (m === 'heap') parentPort?.postMessage({ heapUsed: getHeapStatistics().used_heap_size })
  if (m === 'stop') {
    void server.stop().then(() => store.close()).then(() => parentPort?.postMessage({ stopped: true }))
  }
})
