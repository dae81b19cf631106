/**
 * apimachinery's string-format checks (k8s.io/apimachinery/pkg/util/validation and
 * api/validate/content). Each returns the list of upstream messages; empty = valid.
 */
import { byteLen } from './json.js'

export const maxLenError = (n: number): string => `must be no more than ${n} characters`
export const inclusiveRangeError = (lo: number, hi: number): string => `must be between ${lo} and ${hi}, inclusive`
export const emptyError = (): string => 'must be non-empty'

// RegexError joins examples as "'a', or 'b', " — build it exactly.
export function regexErr(msg: string, fmt: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${fmt}')`
  let s = `${msg} (e.g. `
  examples.forEach((e, i) => {
    if (i > 0) s += ' or '
    s += `'${e}', `
  })
  return `${s}regex used for validation is '${fmt}')`
}

const DNS1123_LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?'
const DNS1123_LABEL_MSG = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character"
const DNS1123_LABEL_RE = new RegExp(`^${DNS1123_LABEL_FMT}$`)
export const DNS1123_LABEL_MAX = 63

const DNS1123_SUBDOMAIN_FMT = `${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*`
const DNS1123_SUBDOMAIN_MSG = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character"
const DNS1123_SUBDOMAIN_RE = new RegExp(`^${DNS1123_SUBDOMAIN_FMT}$`)
export const DNS1123_SUBDOMAIN_MAX = 253

const DNS1035_LABEL_FMT = '[a-z]([-a-z0-9]*[a-z0-9])?'
const DNS1035_LABEL_MSG = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character"
const DNS1035_LABEL_RE = new RegExp(`^${DNS1035_LABEL_FMT}$`)

export function isDNS1123Label(v: string): string[] {
  const errs: string[] = []
  if (byteLen(v) > DNS1123_LABEL_MAX) errs.push(maxLenError(DNS1123_LABEL_MAX))
  if (!DNS1123_LABEL_RE.test(v)) {
    if (DNS1123_SUBDOMAIN_RE.test(v)) errs.push('must not contain dots')
    else errs.push(regexErr(DNS1123_LABEL_MSG, DNS1123_LABEL_FMT, 'my-name', '123-abc'))
  }
  return errs
}

export function isDNS1123Subdomain(v: string): string[] {
  const errs: string[] = []
  if (byteLen(v) > DNS1123_SUBDOMAIN_MAX) errs.push(maxLenError(DNS1123_SUBDOMAIN_MAX))
  if (!DNS1123_SUBDOMAIN_RE.test(v)) errs.push(regexErr(DNS1123_SUBDOMAIN_MSG, DNS1123_SUBDOMAIN_FMT, 'example.com'))
  return errs
}

export function isDNS1035Label(v: string): string[] {
  const errs: string[] = []
  if (byteLen(v) > 63) errs.push(maxLenError(63))
  if (!DNS1035_LABEL_RE.test(v)) errs.push(regexErr(DNS1035_LABEL_MSG, DNS1035_LABEL_FMT, 'my-name', 'abc-123'))
  return errs
}

const LABEL_KEY_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]'
const LABEL_KEY_MSG = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"
const LABEL_KEY_RE = new RegExp(`^${LABEL_KEY_FMT}$`)

/** IsQualifiedName / content.IsLabelKey. */
export function isQualifiedName(v: string): string[] {
  const errs: string[] = []
  const parts = v.split('/')
  let name: string
  if (parts.length === 1) {
    name = parts[0]!
  } else if (parts.length === 2) {
    const prefix = parts[0]!
    name = parts[1]!
    if (prefix.length === 0) errs.push(`prefix part ${emptyError()}`)
    else for (const m of isDNS1123Subdomain(prefix)) errs.push(`prefix part ${m}`)
  } else {
    return [`a valid label key ${regexErr(LABEL_KEY_MSG, LABEL_KEY_FMT, 'MyName', 'my.name', '123-abc')} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`]
  }
  if (name.length === 0) errs.push(`name part ${emptyError()}`)
  else if (byteLen(name) > 63) errs.push(`name part ${maxLenError(63)}`)
  if (!LABEL_KEY_RE.test(name)) errs.push(`name part ${regexErr(LABEL_KEY_MSG, LABEL_KEY_FMT, 'MyName', 'my.name', '123-abc')}`)
  return errs
}

const LABEL_VALUE_FMT = `(${LABEL_KEY_FMT})?`
const LABEL_VALUE_MSG = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"
const LABEL_VALUE_RE = new RegExp(`^${LABEL_VALUE_FMT}$`)

export function isValidLabelValue(v: string): string[] {
  const errs: string[] = []
  if (byteLen(v) > 63) errs.push(maxLenError(63))
  if (!LABEL_VALUE_RE.test(v)) errs.push(regexErr(LABEL_VALUE_MSG, LABEL_VALUE_FMT, 'MyValue', 'my_value', '12345'))
  return errs
}

const CONFIG_MAP_KEY_FMT = '[-._a-zA-Z0-9]+'
const CONFIG_MAP_KEY_RE = new RegExp(`^${CONFIG_MAP_KEY_FMT}$`)

function hasChDirPrefix(v: string): string[] {
  if (v === '.') return ["must not be '.'"]
  if (v === '..') return ["must not be '..'"]
  if (v.startsWith('..')) return ["must not start with '..'"]
  return []
}

export function isConfigMapKey(v: string): string[] {
  const errs: string[] = []
  if (byteLen(v) > DNS1123_SUBDOMAIN_MAX) errs.push(maxLenError(DNS1123_SUBDOMAIN_MAX))
  if (!CONFIG_MAP_KEY_RE.test(v)) errs.push(regexErr("a valid config key must consist of alphanumeric characters, '-', '_' or '.'", CONFIG_MAP_KEY_FMT, 'key.name', 'KEY_NAME', 'key-name'))
  errs.push(...hasChDirPrefix(v))
  return errs
}

export function isValidPortNum(n: number): string[] {
  return n >= 1 && n <= 65535 && Number.isInteger(n) ? [] : [inclusiveRangeError(1, 65535)]
}

export function isValidPortName(v: string): string[] {
  const errs: string[] = []
  if (byteLen(v) > 15) errs.push(maxLenError(15))
  if (!/^[-a-z0-9]+$/.test(v)) errs.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)')
  if (!/[a-z]/.test(v)) errs.push('must contain at least one letter (a-z)')
  if (v.includes('--')) errs.push('must not contain consecutive hyphens')
  if (v.length > 0 && (v.startsWith('-') || v.endsWith('-'))) errs.push('must not begin or end with a hyphen')
  return errs
}

export function isValidPercent(v: string): string[] {
  return /^[0-9]+%$/.test(v) ? [] : [regexErr("a valid percent string must be a numeric string followed by an ending '%'", '[0-9]+%', '1%', '93%')]
}

/** Relaxed env var names (RelaxedEnvironmentVariableValidation is GA). */
export function isRelaxedEnvVarName(v: string): string[] {
  const errs: string[] = []
  if (v.length === 0) errs.push(`environment variable name ${emptyError()}`)
  for (const ch of v) {
    const c = ch.codePointAt(0)!
    if (c > 0x7e || c < 0x20 || ch === '=') {
      errs.push("a valid environment variable name must consist only of printable ASCII characters other than '='")
      break
    }
  }
  return errs
}

export function isHTTPHeaderName(v: string): string[] {
  return /^[-A-Za-z0-9]+$/.test(v) ? [] : [regexErr("a valid HTTP header must consist of alphanumeric characters or '-'", '[-A-Za-z0-9]+', 'X-Header-Name')]
}

export function isValidUserOrGroupID(id: number): string[] {
  return id >= 0 && id <= 0xffffffff ? [] : [inclusiveRangeError(0, 0xffffffff)]
}

// ---------------------------------------------------------------- IPs

export function parseIPv4(s: string): number[] | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s)
  if (!m) return undefined
  const parts = m.slice(1).map(Number)
  return parts.every((p) => p <= 255) ? parts : undefined
}

export function isIPv6(s: string): boolean {
  if (!s.includes(':') || /[^0-9a-fA-F:.]/.test(s)) return false
  const dbl = s.split('::')
  if (dbl.length > 2) return false
  const groups = (x: string) => (x === '' ? [] : x.split(':'))
  const head = groups(dbl[0]!)
  const tail = dbl.length === 2 ? groups(dbl[1]!) : []
  const all = [...head, ...tail]
  let count = all.length
  const last = all[all.length - 1]
  if (last !== undefined && last.includes('.')) {
    if (!parseIPv4(last)) return false
    count += 1
    all.pop()
  }
  if (!all.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return false
  return dbl.length === 2 ? count < 8 : count === 8
}

export const isIP = (s: string): boolean => parseIPv4(s) !== undefined || isIPv6(s)

export const IP_ERROR = 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'

// ---------------------------------------------------------------- name functions

/** upstream's maskTrailingDash (including its off-by-one). */
function maskTrailingDash(name: string): string {
  return name.endsWith('-') && name.length >= 2 ? `${name.slice(0, -2)}a` : name
}

export type NameFn = (name: string, prefix: boolean) => string[]

export const nameIsDNSSubdomain: NameFn = (n, prefix) => isDNS1123Subdomain(prefix ? maskTrailingDash(n) : n)
export const nameIsDNSLabel: NameFn = (n, prefix) => isDNS1123Label(prefix ? maskTrailingDash(n) : n)
export const nameIsDNS1035Label: NameFn = (n, prefix) => isDNS1035Label(prefix ? maskTrailingDash(n) : n)

/** path.ValidatePathSegmentName, applied to every object name by the generic registry. */
export function validatePathSegmentName(name: string, prefix: boolean): string[] {
  if (prefix) {
    const errs: string[] = []
    for (const bad of ['/', '%']) if (name.includes(bad)) errs.push(`may not contain '${bad}'`)
    return errs
  }
  if (name === '.' || name === '..') return [`may not be '${name}'`]
  const errs: string[] = []
  for (const bad of ['/', '%']) if (name.includes(bad)) errs.push(`may not contain '${bad}'`)
  return errs
}
