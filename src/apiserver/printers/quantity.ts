/**
 * Canonical string form of a resource.Quantity (`Quantity.String()` in apimachinery),
 * which is what upstream prints for capacities: `1Gi`, `1024Mi`→`1Gi`, `1.5Gi`→`1536Mi`,
 * `1000M`→`1G`, `0.1`→`100m`, `1e3`→`1e3`.
 */

type Format = 'DecimalSI' | 'BinarySI' | 'DecimalExponent'

const DECIMAL_SUFFIXES: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 }
const BINARY_SUFFIXES: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 }
const DECIMAL_BY_EXP = new Map(Object.entries(DECIMAL_SUFFIXES).map(([s, e]) => [e, s]))
const BINARY_BY_TIMES = new Map(Object.entries(BINARY_SUFFIXES).map(([s, e]) => [e / 10, s]))

const NANO = 1_000_000_000n
const MAX_INT64 = (1n << 63n) - 1n

interface Parsed {
  /** the value in units of 1e-9, already rounded away from zero to that precision */
  nanos: bigint
  format: Format
}

function interpretSuffix(suffix: string): { base: 10 | 2; exponent: number; format: Format } | undefined {
  const dec = DECIMAL_SUFFIXES[suffix]
  if (dec !== undefined) return { base: 10, exponent: dec, format: 'DecimalSI' }
  const bin = BINARY_SUFFIXES[suffix]
  if (bin !== undefined) return { base: 2, exponent: bin, format: 'BinarySI' }
  if (suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E') && /^[+-]?\d+$/.test(suffix.slice(1))) {
    return { base: 10, exponent: Number(suffix.slice(1)), format: 'DecimalExponent' }
  }
  return undefined
}

function pow10(n: number): bigint {
  return 10n ** BigInt(n)
}

/** Divide rounding away from zero. */
function divUp(a: bigint, b: bigint): bigint {
  const q = a / b
  return q * b === a ? q : a < 0n ? q - 1n : q + 1n
}

export function parseQuantity(input: string): Parsed | undefined {
  const str = input.trim()
  if (str === '') return undefined
  const m = /^([+-]?)(\d*)(?:\.(\d*))?([a-zA-Z]*(?:[eE][+-]?\d+)?)$/.exec(str)
  if (!m) return undefined
  const [, sign = '', whole = '', frac = '', suffix = ''] = m
  if (whole === '' && frac === '') return undefined
  const suf = interpretSuffix(suffix)
  if (!suf) return undefined
  let format = suf.format
  // value = digits × 10^-frac.length × base^exponent; keep it exact as a fraction num/den
  let num = BigInt(`${whole}${frac}` || '0')
  let den = pow10(frac.length)
  if (suf.base === 2) num *= 1n << BigInt(suf.exponent)
  else if (suf.exponent >= 0) num *= pow10(suf.exponent)
  else den *= pow10(-suf.exponent)
  // to nano units, rounding non-zero values up (away from zero) as ParseQuantity does
  let nanos = divUp(num * NANO, den)
  if (format === 'BinarySI' && nanos > MAX_INT64 * NANO) nanos = MAX_INT64 * NANO
  if (format === 'BinarySI' && nanos > 0n && nanos < NANO) format = 'DecimalSI'
  if (sign === '-') nanos = -nanos
  return { nanos, format }
}

function removeFactors(value: bigint, factor: bigint): { value: bigint; times: number } {
  let v = value
  let times = 0
  while (v !== 0n && v % factor === 0n) {
    v /= factor
    times++
  }
  return { value: v, times }
}

/** `Quantity.String()` for a parsed quantity. */
export function canonicalQuantity(q: Parsed): string {
  if (q.nanos === 0n) return '0'
  let format = q.format
  if (format === 'BinarySI') {
    const abs = q.nanos < 0n ? -q.nanos : q.nanos
    // small values and values with a fraction are shown in decimal to avoid rounding
    if (abs < 1024n * NANO || q.nanos % NANO !== 0n) format = 'DecimalSI'
  }
  if (format === 'BinarySI') {
    const { value, times } = removeFactors(q.nanos / NANO, 1024n)
    return `${value}${BINARY_BY_TIMES.get(times) ?? ''}`
  }
  const removed = removeFactors(q.nanos, 10n)
  let mantissa = removed.value
  let exponent = removed.times - 9
  while (exponent % 3 !== 0) {
    mantissa *= 10n
    exponent--
  }
  if (format === 'DecimalExponent') return exponent === 0 ? `${mantissa}` : `${mantissa}e${exponent}`
  return `${mantissa}${DECIMAL_BY_EXP.get(exponent) ?? ''}`
}

/**
 * Print a quantity from an object as upstream would (canonical form). Empty or missing
 * quantities print as `0` (Go's zero Quantity); unparseable strings are passed through.
 */
export function formatQuantity(v: unknown): string {
  if (v === undefined || v === null || v === '') return '0'
  const s = typeof v === 'number' ? String(v) : typeof v === 'string' ? v : undefined
  if (s === undefined) return '0'
  const q = parseQuantity(s)
  return q ? canonicalQuantity(q) : s
}
