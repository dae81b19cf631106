/**
 * Label and field selectors: parsing the string forms sent in `labelSelector` /
 * `fieldSelector`, converting metav1.LabelSelector, and matching. Errors are thrown as
 * plain Errors whose message is upstream's text; the API server wraps them in 400s.
 */
import type { LabelSelector } from 'kubernetes-types/meta/v1.js'

export type Operator = 'in' | 'notin' | 'exists' | '!' | '=' | '!='

export interface Requirement {
  key: string
  op: Operator
  values: string[]
}

export type Selector = readonly Requirement[]

const QUALIFIED_NAME = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/

function checkKey(key: string): void {
  if (!QUALIFIED_NAME.test(key)) throw new Error(`unable to parse requirement: invalid label key "${key}": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`)
}
function checkValue(v: string): void {
  if (v.length > 63 || !LABEL_VALUE.test(v)) throw new Error(`unable to parse requirement: invalid label value: "${v}": at key: must be no more than 63 characters`)
}

/** Splits on commas that are not inside parentheses. */
function splitTopLevel(s: string): string[] {
  const parts: string[] = []
  let depth = 0
  let cur = ''
  for (const ch of s) {
    if (ch === '(') depth++
    else if (ch === ')') depth--
    if (ch === ',' && depth === 0) {
      parts.push(cur)
      cur = ''
    } else cur += ch
  }
  if (depth !== 0) throw new Error(`unable to parse requirement: found '(', expected: ')'`)
  parts.push(cur)
  return parts
}

/** Parses `a=b,c!=d,e in (x,y),!f,g` as labels.Parse does. */
export function parseLabelSelector(text: string): Selector {
  const trimmed = text.trim()
  if (trimmed === '') return []
  return splitTopLevel(trimmed).map((raw) => {
    const part = raw.trim()
    if (part === '') throw new Error(`found ',', expected: !, identifier, or 'end of string'`)
    let m = /^!\s*([^\s=!()]+)$/.exec(part)
    if (m) {
      checkKey(m[1]!)
      return { key: m[1]!, op: '!' as const, values: [] }
    }
    m = /^([^\s=!()]+)\s+(in|notin)\s*\(([^()]*)\)$/.exec(part)
    if (m) {
      checkKey(m[1]!)
      const values = m[3]!.split(',').map((v) => v.trim())
      values.forEach(checkValue)
      return { key: m[1]!, op: m[2] as 'in' | 'notin', values }
    }
    m = /^([^\s=!()]+)\s*(==|=|!=)\s*([^\s=!(),]*)$/.exec(part)
    if (m) {
      checkKey(m[1]!)
      checkValue(m[3]!)
      return { key: m[1]!, op: m[2] === '!=' ? '!=' as const : '=' as const, values: [m[3]!] }
    }
    m = /^([^\s=!()]+)$/.exec(part)
    if (m) {
      checkKey(m[1]!)
      return { key: m[1]!, op: 'exists' as const, values: [] }
    }
    throw new Error(`unable to parse requirement: couldn't parse the selector string "${text}"`)
  })
}

/** metav1.LabelSelector → requirements. An empty selector matches everything; `undefined` nothing. */
export function fromLabelSelector(sel: LabelSelector): Selector {
  const reqs: Requirement[] = []
  for (const [key, value] of Object.entries(sel.matchLabels ?? {})) reqs.push({ key, op: '=', values: [value] })
  for (const e of sel.matchExpressions ?? []) {
    const op = e.operator
    if (op === 'In') reqs.push({ key: e.key, op: 'in', values: e.values ?? [] })
    else if (op === 'NotIn') reqs.push({ key: e.key, op: 'notin', values: e.values ?? [] })
    else if (op === 'Exists') reqs.push({ key: e.key, op: 'exists', values: [] })
    else if (op === 'DoesNotExist') reqs.push({ key: e.key, op: '!', values: [] })
    else throw new Error(`"${op}" is not a valid label selector operator`)
  }
  return reqs
}

export function matches(sel: Selector, labels: Readonly<Record<string, string>> | undefined): boolean {
  const l = labels ?? {}
  for (const req of sel) {
    const has = Object.prototype.hasOwnProperty.call(l, req.key)
    const v = l[req.key]
    switch (req.op) {
      case '=': case 'in':
        if (!has || !req.values.includes(v!)) return false
        break
      case '!=': case 'notin':
        if (has && req.values.includes(v!)) return false
        break
      case 'exists':
        if (!has) return false
        break
      case '!':
        if (has) return false
        break
    }
  }
  return true
}

/** Renders requirements as upstream's `String()` (used for Scale.status.selector). */
export function formatSelector(sel: Selector): string {
  return [...sel]
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((r) => {
      switch (r.op) {
        case '=': return `${r.key}=${r.values[0] ?? ''}`
        case '!=': return `${r.key}!=${r.values[0] ?? ''}`
        case 'in': return `${r.key} in (${[...r.values].sort().join(',')})`
        case 'notin': return `${r.key} notin (${[...r.values].sort().join(',')})`
        case 'exists': return r.key
        case '!': return `!${r.key}`
      }
      return ''
    })
    .join(',')
}

export interface FieldRequirement {
  field: string
  op: '=' | '!='
  value: string
}

/** Parses `metadata.name=web-0,spec.nodeName!=` (fields.ParseSelector). */
export function parseFieldSelector(text: string): FieldRequirement[] {
  const trimmed = text.trim()
  if (trimmed === '') return []
  return trimmed.split(',').map((part) => {
    const m = /^([^=!]+)(==|=|!=)(.*)$/.exec(part.trim())
    if (!m) throw new Error(`invalid selector: '${text}'; can't understand '${part}'`)
    return { field: m[1]!.trim(), op: m[2] === '!=' ? '!=' : '=', value: m[3]!.trim() }
  })
}

export function matchesFields(reqs: readonly FieldRequirement[], fields: Readonly<Record<string, string>>): boolean {
  return reqs.every((r) => {
    const v = fields[r.field] ?? ''
    return r.op === '=' ? v === r.value : v !== r.value
  })
}
