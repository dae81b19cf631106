/**
 * The hashes behind ControllerRevision names (REV-002..REV-004): FNV-32 (StatefulSet,
 * `history.HashControllerRevision`) and FNV-32a (DaemonSet, `controller.ComputeHash`), printed
 * in decimal and mapped through apimachinery's `rand.SafeEncodeString` alphabet so a hash
 * never spells words (digits 0-9 → 4 5 6 7 8 9 b c d f).
 */
const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789'

/** `rand.SafeEncodeString`. */
export function safeEncodeString(s: string): string {
  let out = ''
  for (const ch of s) out += ALPHANUMS[(ch.codePointAt(0) ?? 0) % ALPHANUMS.length]
  return out
}

const PRIME = 16777619
const OFFSET = 2166136261

/** FNV-1 32-bit (Go's `fnv.New32`). */
export function fnv32(...chunks: Uint8Array[]): number {
  let h = OFFSET
  for (const bytes of chunks) {
    for (const b of bytes) {
      h = Math.imul(h, PRIME) >>> 0
      h = (h ^ b) >>> 0
    }
  }
  return h >>> 0
}

/** FNV-1a 32-bit (Go's `fnv.New32a`). */
export function fnv32a(...chunks: Uint8Array[]): number {
  let h = OFFSET
  for (const bytes of chunks) {
    for (const b of bytes) {
      h = (h ^ b) >>> 0
      h = Math.imul(h, PRIME) >>> 0
    }
  }
  return h >>> 0
}

const encoder = new TextEncoder()
export const utf8 = (s: string): Uint8Array => encoder.encode(s)

export { canonicalJson } from '../../api/index.js'
