/**
 * A tiny host-local IPAM for runtimes that simulate CNI: hands out addresses of the node's
 * pod CIDR (`10.244.3.0/24` → .2 … .254, skipping the gateway .1), releasing on sandbox
 * removal. Pure apart from its own state.
 */
export class HostLocalIpam {
  #base = 0
  #size = 0
  #next = 2
  readonly #used = new Set<number>()

  constructor(cidr?: string) {
    if (cidr) this.setRange(cidr)
  }

  setRange(cidr: string): void {
    const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr)
    if (!m) throw new Error(`invalid pod CIDR ${JSON.stringify(cidr)}: want a.b.c.d/nn`)
    const prefix = Number(m[5])
    if (prefix < 8 || prefix > 30) throw new Error(`invalid pod CIDR ${JSON.stringify(cidr)}: prefix must be 8…30`)
    const ip = ((Number(m[1]) << 24) >>> 0) + (Number(m[2]) << 16) + (Number(m[3]) << 8) + Number(m[4])
    this.#size = 2 ** (32 - prefix)
    this.#base = ip - (ip % this.#size)
    this.#used.clear()
    this.#next = 2
  }

  get configured(): boolean {
    return this.#size > 0
  }

  /** The next free address, or undefined when exhausted / unconfigured. */
  allocate(): string | undefined {
    const usable = this.#size - 3 // network, gateway, broadcast
    if (usable <= 0 || this.#used.size >= usable) return undefined
    for (;;) {
      const off = this.#next
      this.#next = this.#next + 1 >= this.#size - 1 ? 2 : this.#next + 1
      if (!this.#used.has(off)) {
        this.#used.add(off)
        return toIp(this.#base + off)
      }
    }
  }

  release(ip: string | undefined): void {
    if (!ip || !this.#size) return
    const parts = ip.split('.').map(Number)
    const n = ((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!
    this.#used.delete(n - this.#base)
  }
}

export function toIp(n: number): string {
  return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`
}
