/**
 * resource.Quantity as upstream parses, compares and prints it ("1Gi", "500m", "1e3").
 *
 * A quantity is held exactly as `mantissa × 10^exponent` (BigInt mantissa) plus the
 * suffix family it was written in, which decides the canonical spelling:
 * BinarySI (Ki, Mi, …), DecimalSI (m, k, M, …) or DecimalExponent (e3, E-2).
 */

export type QuantityFormat = 'BinarySI' | 'DecimalSI' | 'DecimalExponent'

/** The regular expression quoted by upstream's ErrFormatWrong. */
export const QUANTITY_REGEXP_TEXT = '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'
export const ERR_FORMAT_WRONG = `quantities must match the regular expression '${QUANTITY_REGEXP_TEXT}'`
export const ERR_NUMERIC = 'unable to parse numeric part of quantity'
export const ERR_SUFFIX = "unable to parse quantity's suffix"

const DECIMAL_SUFFIXES: Readonly<Record<string, number>> = {
  n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18,
}
const BINARY_SUFFIXES: Readonly<Record<string, number>> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 }
const DECIMAL_BY_EXPONENT = new Map(Object.entries(DECIMAL_SUFFIXES).map(([s, e]) => [e, s]))
const BINARY_BY_POWER = new Map(Object.entries(BINARY_SUFFIXES).map(([s, p]) => [p, s]))

const pow10 = (n: number): bigint => 10n ** BigInt(n)

export class Quantity {
  /** value = mantissa × 10^exponent */
  readonly mantissa: bigint
  readonly exponent: number
  readonly format: QuantityFormat

  constructor(mantissa: bigint, exponent: number, format: QuantityFormat) {
    // normalise trailing zeros away so equal values have equal representations
    let m = mantissa
    let e = exponent
    if (m === 0n) e = 0
    else while (m % 10n === 0n) { m /= 10n; e++ }
    this.mantissa = m
    this.exponent = e
    this.format = format
  }

  static fromInt(n: number | bigint, format: QuantityFormat = 'DecimalSI'): Quantity {
    return new Quantity(BigInt(n), 0, format)
  }

  isZero(): boolean { return this.mantissa === 0n }
  sign(): -1 | 0 | 1 { return this.mantissa === 0n ? 0 : this.mantissa < 0n ? -1 : 1 }

  /** -1, 0 or 1 as upstream's Cmp. */
  cmp(other: Quantity): -1 | 0 | 1 {
    const e = Math.min(this.exponent, other.exponent)
    const a = this.mantissa * pow10(this.exponent - e)
    const b = other.mantissa * pow10(other.exponent - e)
    return a < b ? -1 : a > b ? 1 : 0
  }

  /** Value rounded up (away from zero) to an integer, as upstream's Value(). */
  value(): bigint { return this.scaledValue(0) }
  /** Value × 1000 rounded up, as upstream's MilliValue(). */
  milliValue(): bigint { return this.scaledValue(-3) }

  /** The value expressed in units of 10^scale, rounded away from zero. */
  scaledValue(scale: number): bigint {
    const shift = this.exponent - scale
    if (shift >= 0) return this.mantissa * pow10(shift)
    const d = pow10(-shift)
    const q = this.mantissa / d
    if (this.mantissa % d === 0n) return q
    return this.mantissa > 0n ? q + 1n : q - 1n
  }

  /** True when the value is an integer. */
  isInteger(): boolean { return this.exponent >= 0 }

  /** Rounds up (away from zero) to the given decimal scale; -3 keeps milli precision. */
  roundUp(scale: number): Quantity {
    if (this.exponent >= scale) return this
    return new Quantity(this.scaledValue(scale), scale, this.format)
  }

  /** upstream's canonical String(): "1Gi", "500m", "1e3", "0". */
  toString(): string {
    if (this.isZero()) return '0'
    let format = this.format
    if (format === 'BinarySI') {
      const k = Quantity.fromInt(1024)
      const small = this.cmp(Quantity.fromInt(-1024)) > 0 && this.cmp(k) < 0
      if (small || !this.isInteger()) format = 'DecimalSI'
    }
    if (format === 'BinarySI') {
      let v = this.mantissa * pow10(this.exponent)
      let power = 0
      while (v % 1024n === 0n && power < 6) { v /= 1024n; power++ }
      return `${v}${BINARY_BY_POWER.get(power) ?? ''}`
    }
    // decimal: make the exponent a multiple of three, rounding it down
    let m = this.mantissa
    let e = this.exponent
    const r = ((e % 3) + 3) % 3
    if (r !== 0) { m *= pow10(r); e -= r }
    if (format === 'DecimalExponent') return e === 0 ? `${m}` : `${m}e${e}`
    const suffix = DECIMAL_BY_EXPONENT.get(e)
    if (suffix !== undefined) return `${m}${suffix}`
    // beyond the SI table: fall back to the largest/smallest suffix
    if (e > 18) return `${m * pow10(e - 18)}E`
    return `${m}e${e}`
  }

  toJSON(): string { return this.toString() }
}

/** Parses a quantity string as upstream's ParseQuantity; throws an Error carrying upstream's message. */
export function parseQuantity(input: string | number): Quantity {
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) throw new Error(ERR_FORMAT_WRONG)
    input = String(input)
    if (/e/i.test(input)) input = input.replace('e+', 'e')
  }
  const str = input.trim()
  if (str.length === 0) throw new Error(ERR_FORMAT_WRONG)
  const m = /^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$/.exec(str)
  if (!m) throw new Error(ERR_FORMAT_WRONG)
  let numPart = m[1]!
  const suffix = m[2]!
  let negative = false
  if (numPart.startsWith('+')) numPart = numPart.slice(1)
  else if (numPart.startsWith('-')) { negative = true; numPart = numPart.slice(1) }
  const parts = numPart.split('.')
  if (parts.length > 2) throw new Error(ERR_NUMERIC)
  const whole = parts[0]!
  const frac = parts[1] ?? ''
  if (whole === '' && frac === '') throw new Error(ERR_NUMERIC)
  if (numPart === '.') throw new Error(ERR_NUMERIC)
  let mantissa = BigInt((whole || '0') + frac)
  let exponent = -frac.length
  let format: QuantityFormat
  if (suffix in DECIMAL_SUFFIXES) {
    format = 'DecimalSI'
    exponent += DECIMAL_SUFFIXES[suffix]!
  } else if (suffix in BINARY_SUFFIXES) {
    format = 'BinarySI'
    mantissa *= 1024n ** BigInt(BINARY_SUFFIXES[suffix]!)
  } else if (/^[eE][-+]?[0-9]+$/.test(suffix)) {
    format = 'DecimalExponent'
    exponent += Number.parseInt(suffix.slice(1), 10)
  } else {
    throw new Error(ERR_SUFFIX)
  }
  if (negative) mantissa = -mantissa
  let q = new Quantity(mantissa, exponent, format)
  // upstream keeps at most nano precision, rounding up
  if (q.exponent < -9) q = q.roundUp(-9)
  return q
}

/** Parses, returning undefined instead of throwing. */
export function tryParseQuantity(input: unknown): Quantity | undefined {
  if (typeof input !== 'string' && typeof input !== 'number') return undefined
  try {
    return parseQuantity(input)
  } catch {
    return undefined
  }
}

/** The canonical spelling of a quantity string ("1024Ki" → "1Mi", "0.5" → "500m"). Throws on bad input. */
export function canonicalQuantity(input: string | number): string {
  return parseQuantity(input).toString()
}

/** Compares two quantity strings (-1, 0, 1). Throws on bad input. */
export function compareQuantities(a: string | number, b: string | number): -1 | 0 | 1 {
  return parseQuantity(a).cmp(parseQuantity(b))
}

/** Sum of quantities, keeping the first operand's format. */
export function addQuantities(a: Quantity, b: Quantity): Quantity {
  const e = Math.min(a.exponent, b.exponent)
  return new Quantity(a.mantissa * pow10(a.exponent - e) + b.mantissa * pow10(b.exponent - e), e, a.format)
}
