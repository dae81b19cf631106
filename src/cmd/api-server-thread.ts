/**
 * The API server in a worker thread of the same process. On this project's reference
 * machine (2 cores) the API server and the in-process clients (controllers, scheduler,
 * thousands of simulated agents) each keep a core busy at scale, so `kubeling up` gives the
 * server its own thread: one process, one data dir lock, two cores. The store lives in
 * that thread too (it is the server's alone); clients reach it over HTTP as always.
 *
 * Young generation: most objects the server allocates die within a request, but a write
 * burst keeps many alive across a scavenge; a larger young generation (192 MiB, i.e. 64 MiB
 * semi-spaces) measured +20% pods/s at 2,000 nodes / 20k pods with no growth in RSS.
 */
import { Worker } from 'node:worker_threads'
import type { EventLoopUtilization } from 'node:perf_hooks'

export const API_SERVER_YOUNG_GENERATION_MB = 192

export interface ApiServerThreadOptions {
  storeUrl: string
  port: number
  address: string
  tls?: { cert: string; key: string } | undefined
  token?: string | undefined
}

export type ToApiServerThread = 'heap' | 'stop'
export type FromApiServerThread =
  | { url: string }
  | { error: { message: string; code?: string } }
  | { heapUsed: number }
  | { stopped: true; error?: { message: string; code?: string } }

export class ApiServerThread {
  #stopping = false

  private constructor(private readonly worker: Worker, readonly url: string) {}

  /** Calls `fn` if the thread ends other than through stop() (an uncaught error in the server). */
  onFailure(fn: (err: Error) => void): void {
    let error: Error | undefined
    this.worker.on('error', (e) => { error = e })
    this.worker.on('exit', (code) => {
      if (!this.#stopping) fn(error ?? new Error(`API server thread exited with code ${code}`))
    })
  }

  /** Starts the server; rejects with an Error carrying the worker's `code` (e.g. EADDRINUSE). */
  static async start(opts: ApiServerThreadOptions): Promise<ApiServerThread> {
    const worker = new Worker(new URL('./api-server-worker.js', import.meta.url), {
      workerData: opts,
      resourceLimits: { maxYoungGenerationSizeMb: API_SERVER_YOUNG_GENERATION_MB },
    })
    const first = await new Promise<FromApiServerThread>((resolve, reject) => {
      worker.once('message', resolve)
      worker.once('error', reject)
      worker.once('exit', (code) => reject(new Error(`API server thread exited (${code}) while starting`)))
    })
    if ('url' in first) return new ApiServerThread(worker, first.url)
    await worker.terminate()
    const err = 'error' in first && first.error ? first.error : { message: 'API server thread failed to start' }
    throw Object.assign(new Error(err.message), err.code ? { code: err.code } : {})
  }

  /** The server thread's event-loop utilisation (busy share), as performance.eventLoopUtilization. */
  eventLoopUtilization(since?: EventLoopUtilization): EventLoopUtilization {
    return this.worker.performance.eventLoopUtilization(since)
  }

  /** V8 heap in use in the server's thread. */
  heapUsed(): Promise<number> {
    return this.#ask('heap', (m) => ('heapUsed' in m ? m.heapUsed : undefined))
  }

  /** Stops serving, closes the store, ends the thread. */
  async stop(): Promise<void> {
    this.#stopping = true
    const error = await this.#ask('stop', (m) => ('stopped' in m ? m.error ?? null : undefined))
    await this.worker.terminate()
    if (error) throw new Error(`API server: ${error.message}`)
  }

  #ask<T>(request: ToApiServerThread, pick: (m: FromApiServerThread) => T | undefined): Promise<T> {
    return new Promise((resolve, reject) => {
      const onMessage = (m: FromApiServerThread): void => {
        const v = pick(m)
        if (v === undefined) return
        done()
        resolve(v)
      }
      const onExit = (): void => {
        done()
        reject(new Error('API server thread exited'))
      }
      const done = (): void => {
        this.worker.off('message', onMessage)
        this.worker.off('exit', onExit)
      }
      this.worker.on('message', onMessage)
      this.worker.on('exit', onExit)
      this.worker.postMessage(request)
    })
  }
}
