/**
 * Checks shared by pod, volume and node validation (kept apart to avoid import cycles).
 */
import { tryParseQuantity, ERR_FORMAT_WRONG } from '../quantity/index.js'
import { child, fe, goValue, index, type Errs } from './field.js'
import { arr, byteLen, objs, semanticEqual, str, type J } from './json.js'
import { validateLabelName } from './meta.js'
import { isDNS1123Subdomain, nameIsDNSSubdomain } from './names.js'

export const isNativeResource = (n: string): boolean => !n.includes('/') || n.includes('kubernetes.io/')

export function validateNoBacksteps(p: string, path: string): Errs {
  return p.replace(/\\/g, '/').split('/').includes('..') ? [fe.invalid(path, p, "must not contain '..'")] : []
}

export function validateLocalDescendingPath(p: string, path: string): Errs {
  const errs: Errs = []
  if (p.startsWith('/')) errs.push(fe.invalid(path, p, 'must be a relative path'))
  errs.push(...validateNoBacksteps(p, path))
  return errs
}

const HOST_PATH_TYPES = ['', 'BlockDevice', 'CharDevice', 'Directory', 'DirectoryOrCreate', 'File', 'FileOrCreate', 'Socket']

export function validateHostPath(hp: J, path: string): Errs {
  const p = str(hp['path'])
  if (p === '') return [fe.required(child(path, 'path'))]
  const errs = validateNoBacksteps(p, child(path, 'path'))
  const t = hp['type']
  if (t !== undefined && t !== null && !HOST_PATH_TYPES.includes(str(t))) errs.push(fe.notSupported(child(path, 'type'), str(t), HOST_PATH_TYPES))
  return errs
}

export function validateNFS(nfs: J, path: string): Errs {
  const errs: Errs = []
  if (str(nfs['server']) === '') errs.push(fe.required(child(path, 'server')))
  if (str(nfs['path']) === '') errs.push(fe.required(child(path, 'path')))
  if (!str(nfs['path']).startsWith('/')) errs.push(fe.invalid(child(path, 'path'), str(nfs['path']), 'must be an absolute path'))
  return errs
}

export function validateCSIDriverName(name: string, path: string): Errs {
  const errs: Errs = []
  if (name.length === 0) errs.push(fe.required(path))
  if (byteLen(name) > 63) errs.push(fe.tooLong(path, 63))
  for (const m of isDNS1123Subdomain(name.toLowerCase())) errs.push(fe.invalid(path, name, m))
  return errs
}

function validateNodeSelectorRequirement(r: J, path: string): Errs {
  const errs: Errs = []
  const values = arr(r['values'])
  const op = str(r['operator'])
  switch (op) {
    case 'In': case 'NotIn':
      if (values.length === 0) errs.push(fe.required(child(path, 'values'), "must be specified when `operator` is 'In' or 'NotIn'"))
      break
    case 'Exists': case 'DoesNotExist':
      if (values.length > 0) errs.push(fe.forbidden(child(path, 'values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"))
      break
    case 'Gt': case 'Lt':
      if (values.length !== 1) errs.push(fe.required(child(path, 'values'), "must be specified single value when `operator` is 'Lt' or 'Gt'"))
      break
    default:
      errs.push(fe.invalid(child(path, 'operator'), op, 'not a valid selector operator'))
  }
  errs.push(...validateLabelName(str(r['key']), child(path, 'key')))
  return errs
}

function validateNodeFieldSelectorRequirement(r: J, path: string): Errs {
  const errs: Errs = []
  const op = str(r['operator'])
  if (op === 'In' || op === 'NotIn') {
    if (arr(r['values']).length !== 1) errs.push(fe.required(child(path, 'values'), "must be only one value when `operator` is 'In' or 'NotIn' for node field selector"))
  } else errs.push(fe.invalid(child(path, 'operator'), op, 'not a valid selector operator'))
  if (str(r['key']) !== 'metadata.name') errs.push(fe.invalid(child(path, 'key'), str(r['key']), 'not a valid field selector key'))
  else arr(r['values']).forEach((v, i) => { for (const m of nameIsDNSSubdomain(String(v), false)) errs.push(fe.invalid(index(child(path, 'values'), i), String(v), m)) })
  return errs
}

export function validateNodeSelectorTerm(term: J, path: string): Errs {
  const errs: Errs = []
  objs(term['matchExpressions']).forEach((r, j) => errs.push(...validateNodeSelectorRequirement(r, index(child(path, 'matchExpressions'), j))))
  objs(term['matchFields']).forEach((r, j) => errs.push(...validateNodeFieldSelectorRequirement(r, index(child(path, 'matchFields'), j))))
  return errs
}

export function validateNodeSelector(ns: J, path: string): Errs {
  const terms = objs(ns['nodeSelectorTerms'])
  const tp = child(path, 'nodeSelectorTerms')
  if (terms.length === 0) return [fe.required(tp, 'must have at least one node selector term')]
  return terms.flatMap((t, i) => validateNodeSelectorTerm(t, index(tp, i)))
}

/** ValidateResourceQuantityValue (+ a parse check standing in for upstream's decode error). */
export function validateResourceQuantity(name: string, raw: unknown, path: string): Errs {
  const q = tryParseQuantity(raw)
  if (!q) return [fe.invalid(path, typeof raw === 'string' ? raw : String(raw), ERR_FORMAT_WRONG)]
  const errs: Errs = []
  if (q.sign() < 0) errs.push(fe.invalid(path, q.toString(), 'must be greater than or equal to 0'))
  if (!isNativeResource(name) && q.milliValue() % 1000n !== 0n) errs.push(fe.invalid(path, goValue(q.toString()), 'must be an integer'))
  return errs
}

const goFieldName = (k: string): string =>
  k.replace(/^dns/, 'DNS').replace(/^(.)/, (c) => c.toUpperCase()).replace(/Ip(s?)$/, 'IP$1').replace(/Id$/, 'ID')

/** A short cmp.Diff-like rendering of the top-level fields that differ. */
export function specDiff(oldSpec: J, newSpec: J, typeName: string): string {
  const lines = [`  ${typeName}{`]
  for (const k of [...new Set([...Object.keys(oldSpec), ...Object.keys(newSpec)])].sort()) {
    if (semanticEqual(oldSpec[k], newSpec[k])) continue
    if (oldSpec[k] !== undefined) lines.push(`- \t${goFieldName(k)}: ${JSON.stringify(oldSpec[k])},`)
    if (newSpec[k] !== undefined) lines.push(`+ \t${goFieldName(k)}: ${JSON.stringify(newSpec[k])},`)
  }
  lines.push('  }')
  return lines.join('\n')
}

