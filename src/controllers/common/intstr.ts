/**
 * IntOrString scaling (apimachinery's GetScaledValueFromIntOrPercent): an integer is used
 * as is, "N%" is N percent of `total`, rounded up or down.
 */
export type IntOrString = number | string

/** Throws an Error with upstream's text for a malformed value. */
export function scaledValue(value: IntOrString | undefined, total: number, roundUp: boolean): number {
  if (value === undefined || value === null) throw new Error('nil value for IntOrString')
  if (typeof value === 'number') return value
  const m = /^(-?\d+)%$/.exec(value)
  if (!m) {
    if (/^-?\d+$/.test(value)) throw new Error(`invalid type: string is not a percentage`)
    throw new Error(`invalid value for IntOrString: invalid value "${value}"`)
  }
  const pct = Number(m[1])
  const v = (pct * total) / 100
  return roundUp ? Math.ceil(v) : Math.floor(v)
}
