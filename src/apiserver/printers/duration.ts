/**
 * Ages as upstream prints them: apimachinery `duration.HumanDuration` and the printers'
 * `translateTimestampSince` / `translateMicroTimestampSince`.
 */

const SECOND = 1000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE

/**
 * `duration.HumanDuration`: a short age with ~2–3 significant figures
 * (`45s`, `119s`, `3m10s`, `70m`, `7h59m`, `47h`, `2d1h`, `367d`, `2y1d`, `8y`).
 * Up to 2s in the future counts as now (`0s`); further is `<invalid>`.
 */
export function humanDuration(ms: number): string {
  // Go converts with int(): truncation towards zero
  const seconds = Math.trunc(ms / SECOND)
  if (seconds < -1) return '<invalid>'
  if (seconds < 0) return '0s'
  if (seconds < 60 * 2) return `${seconds}s`
  const minutes = Math.trunc(ms / MINUTE)
  if (minutes < 10) {
    const s = seconds % 60
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`
  }
  if (minutes < 60 * 3) return `${minutes}m`
  const hours = Math.trunc(ms / HOUR)
  if (hours < 8) {
    const m = minutes % 60
    return m === 0 ? `${hours}h` : `${hours}h${m}m`
  }
  if (hours < 48) return `${hours}h`
  if (hours < 24 * 8) {
    const h = hours % 24
    return h === 0 ? `${Math.trunc(hours / 24)}d` : `${Math.trunc(hours / 24)}d${h}h`
  }
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24)}d`
  if (hours < 24 * 365 * 8) {
    const days = Math.trunc(hours / 24)
    const dy = days % 365
    const years = Math.trunc(days / 365)
    return dy === 0 ? `${years}y` : `${years}y${dy}d`
  }
  return `${Math.trunc(hours / 24 / 365)}y`
}

/** Milliseconds since the epoch for an RFC 3339 timestamp (any fraction length), or undefined. */
export function parseTimestamp(ts: unknown): number | undefined {
  if (typeof ts !== 'string' || ts === '') return undefined
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/i.exec(ts)
  if (!m) {
    const t = Date.parse(ts)
    return Number.isNaN(t) ? undefined : t
  }
  const base = Date.parse(`${m[1]}${m[3] ?? 'Z'}`)
  if (Number.isNaN(base)) return undefined
  const frac = m[2] ? Number(`0.${m[2]}`) * 1000 : 0
  return base + frac
}

/**
 * `translateTimestampSince`: `<unknown>` for a missing (zero) time, otherwise the
 * HumanDuration of now − t.
 */
export function since(ts: unknown, now: number): string {
  const t = parseTimestamp(ts)
  if (t === undefined) return '<unknown>'
  return humanDuration(now - t)
}
