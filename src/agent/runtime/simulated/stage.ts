/**
 * Stages: the simulated runtime's behaviour as data, after KWOK's Stage resources. A stage
 * selects containers (or image pulls) by expressions over a small view of them, waits a
 * delay (with jitter), then applies `next`.
 *
 * ```yaml
 * apiVersion: kubeling.dev/v1alpha1
 * kind: Stage
 * metadata: { name: container-start }
 * spec:
 *   resourceRef: { kind: Container }        # Container | Image
 *   selector:
 *     matchExpressions:
 *       - { key: .state, operator: In, values: [Created] }
 *       - { key: .startRequested, operator: In, values: ["true"] }
 *   delay:
 *     durationMilliseconds: 500             # minimum
 *     jitterDurationMilliseconds: 1500      # maximum (KWOK semantics: an upper bound)
 *     durationFrom: { expressionFrom: '.pod.annotations["kubeling.dev/start-delay"]' }
 *   next: { state: Running }
 * ```
 *
 * `parseStages` validates and rejects bad input with the file and field named.
 */
import { parseAllDocuments } from 'yaml'

export type StageKind = 'Container' | 'Image'
export type ExpressionOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'

export interface StageExpression {
  readonly key: string
  readonly operator: ExpressionOperator
  readonly values: readonly string[]
}

export interface StageDelay {
  readonly durationMs: number
  /** upper bound of the random delay; ≤ durationMs means no jitter */
  readonly jitterMs: number
  /** a view key whose value (Go duration like `5s`, or milliseconds) overrides durationMs */
  readonly durationFrom?: string
  readonly jitterFrom?: string
}

export interface StageNext {
  readonly state?: 'Running' | 'Exited'
  readonly ready?: boolean
  readonly exitCode?: number
  readonly exitCodeFrom?: string
  readonly reason?: string
  readonly message?: string
  readonly messageFrom?: string
  /** Image stages: the pull fails with this message (or the value of `errorFrom`) */
  readonly error?: string
  readonly errorFrom?: string
}

export interface Stage {
  readonly name: string
  /** where it came from, for messages (`stages/container-start.yaml#0`) */
  readonly source: string
  readonly kind: StageKind
  readonly selector: readonly StageExpression[]
  /** higher wins among stages due at the same time (default 0) */
  readonly weight: number
  readonly delay: StageDelay
  readonly next: StageNext
}

/** An invalid stage document; the message names the file and the field. */
export class StageError extends Error {
  constructor(readonly file: string, readonly field: string, detail: string) {
    super(`${file}: ${field}: ${detail}`)
    this.name = 'StageError'
  }
}

const OPERATORS: readonly string[] = ['In', 'NotIn', 'Exists', 'DoesNotExist']
const KEY = /^(\.[A-Za-z][A-Za-z0-9_]*|\["[^"]+"\])+$/

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)

function onlyKeys(file: string, field: string, obj: Obj, allowed: readonly string[]): void {
  for (const k of Object.keys(obj)) {
    if (!allowed.includes(k)) throw new StageError(file, field ? `${field}.${k}` : k, `unknown field (allowed: ${allowed.join(', ')})`)
  }
}

function nonNegInt(file: string, field: string, v: unknown): number {
  if (v === undefined) return 0
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new StageError(file, field, `must be a non-negative integer, got ${JSON.stringify(v)}`)
  return v
}

function key(file: string, field: string, v: unknown): string {
  if (typeof v !== 'string' || !KEY.test(v)) throw new StageError(file, field, `must be a key like .state or .pod.annotations["x"], got ${JSON.stringify(v)}`)
  return v
}

function expressionFrom(file: string, field: string, v: unknown): string | undefined {
  if (v === undefined) return undefined
  if (!isObj(v)) throw new StageError(file, field, 'must be an object with expressionFrom')
  return key(file, `${field}.expressionFrom`, v['expressionFrom'])
}

function optString(file: string, field: string, v: unknown): string | undefined {
  if (v === undefined) return undefined
  if (typeof v !== 'string') throw new StageError(file, field, `must be a string, got ${JSON.stringify(v)}`)
  return v
}

/** Validates one parsed document. `source` names it in errors. */
export function parseStage(doc: unknown, source: string): Stage {
  if (!isObj(doc)) throw new StageError(source, '(document)', 'must be a mapping')
  if (doc['apiVersion'] !== 'kubeling.dev/v1alpha1') throw new StageError(source, 'apiVersion', `must be kubeling.dev/v1alpha1, got ${JSON.stringify(doc['apiVersion'])}`)
  if (doc['kind'] !== 'Stage') throw new StageError(source, 'kind', `must be Stage, got ${JSON.stringify(doc['kind'])}`)
  onlyKeys(source, '', doc, ['apiVersion', 'kind', 'metadata', 'spec'])
  const meta = doc['metadata']
  const name = isObj(meta) ? meta['name'] : undefined
  if (typeof name !== 'string' || name === '') throw new StageError(source, 'metadata.name', 'required')
  const spec = doc['spec']
  if (!isObj(spec)) throw new StageError(source, 'spec', 'required')
  onlyKeys(source, 'spec', spec, ['resourceRef', 'selector', 'weight', 'delay', 'next'])
  const ref = spec['resourceRef']
  const kind = isObj(ref) ? ref['kind'] : undefined
  if (kind !== 'Container' && kind !== 'Image') throw new StageError(source, 'spec.resourceRef.kind', `must be Container or Image, got ${JSON.stringify(kind)}`)
  const sel = spec['selector'] ?? {}
  if (!isObj(sel)) throw new StageError(source, 'spec.selector', 'must be a mapping')
  const rawExprs = sel['matchExpressions'] ?? []
  if (!Array.isArray(rawExprs)) throw new StageError(source, 'spec.selector.matchExpressions', 'must be a list')
  const selector = rawExprs.map((e: unknown, i): StageExpression => {
    const f = `spec.selector.matchExpressions[${i}]`
    if (!isObj(e)) throw new StageError(source, f, 'must be a mapping')
    onlyKeys(source, f, e, ['key', 'operator', 'values'])
    const op = e['operator']
    if (typeof op !== 'string' || !OPERATORS.includes(op)) throw new StageError(source, `${f}.operator`, `must be one of ${OPERATORS.join(', ')}, got ${JSON.stringify(op)}`)
    const values = e['values'] ?? []
    if (!Array.isArray(values) || !values.every((v) => typeof v === 'string')) throw new StageError(source, `${f}.values`, 'must be a list of strings')
    if ((op === 'In' || op === 'NotIn') && values.length === 0) throw new StageError(source, `${f}.values`, `required for operator ${op}`)
    return { key: key(source, `${f}.key`, e['key']), operator: op as ExpressionOperator, values: values as string[] }
  })
  const d = spec['delay'] ?? {}
  if (!isObj(d)) throw new StageError(source, 'spec.delay', 'must be a mapping')
  onlyKeys(source, 'spec.delay', d, ['durationMilliseconds', 'jitterDurationMilliseconds', 'durationFrom', 'jitterDurationFrom'])
  const durationFrom = expressionFrom(source, 'spec.delay.durationFrom', d['durationFrom'])
  const jitterFrom = expressionFrom(source, 'spec.delay.jitterDurationFrom', d['jitterDurationFrom'])
  const delay: StageDelay = {
    durationMs: nonNegInt(source, 'spec.delay.durationMilliseconds', d['durationMilliseconds']),
    jitterMs: nonNegInt(source, 'spec.delay.jitterDurationMilliseconds', d['jitterDurationMilliseconds']),
    ...(durationFrom ? { durationFrom } : {}),
    ...(jitterFrom ? { jitterFrom } : {}),
  }
  const n = spec['next']
  if (!isObj(n)) throw new StageError(source, 'spec.next', 'required')
  onlyKeys(source, 'spec.next', n, ['state', 'ready', 'exitCode', 'exitCodeFrom', 'reason', 'message', 'messageFrom', 'error', 'errorFrom'])
  const state = n['state']
  if (state !== undefined && state !== 'Running' && state !== 'Exited') throw new StageError(source, 'spec.next.state', `must be Running or Exited, got ${JSON.stringify(state)}`)
  if (n['ready'] !== undefined && typeof n['ready'] !== 'boolean') throw new StageError(source, 'spec.next.ready', 'must be true or false')
  if (n['exitCode'] !== undefined && (typeof n['exitCode'] !== 'number' || !Number.isInteger(n['exitCode']))) throw new StageError(source, 'spec.next.exitCode', 'must be an integer')
  const exitCodeFrom = expressionFrom(source, 'spec.next.exitCodeFrom', n['exitCodeFrom'])
  const errorFrom = expressionFrom(source, 'spec.next.errorFrom', n['errorFrom'])
  const messageFrom = expressionFrom(source, 'spec.next.messageFrom', n['messageFrom'])
  const reason = optString(source, 'spec.next.reason', n['reason'])
  const message = optString(source, 'spec.next.message', n['message'])
  const error = optString(source, 'spec.next.error', n['error'])
  if (kind === 'Image' && (state !== undefined || n['ready'] !== undefined)) throw new StageError(source, 'spec.next', 'Image stages take only error/errorFrom')
  if (kind === 'Container' && (error !== undefined || errorFrom !== undefined)) throw new StageError(source, 'spec.next.error', 'only Image stages fail with an error')
  const next: StageNext = {
    ...(state ? { state } : {}),
    ...(typeof n['ready'] === 'boolean' ? { ready: n['ready'] } : {}),
    ...(typeof n['exitCode'] === 'number' ? { exitCode: n['exitCode'] } : {}),
    ...(exitCodeFrom ? { exitCodeFrom } : {}),
    ...(reason !== undefined ? { reason } : {}),
    ...(message !== undefined ? { message } : {}),
    ...(messageFrom ? { messageFrom } : {}),
    ...(error !== undefined ? { error } : {}),
    ...(errorFrom ? { errorFrom } : {}),
  }
  const weight = spec['weight'] ?? 0
  if (typeof weight !== 'number' || !Number.isInteger(weight)) throw new StageError(source, 'spec.weight', 'must be an integer')
  return { name, source, kind, selector, weight, delay, next }
}

/** Parses a multi-document YAML file of stages. */
export function parseStages(text: string, file: string): Stage[] {
  const docs = parseAllDocuments(text)
  const out: Stage[] = []
  docs.forEach((doc, i) => {
    if (doc.errors.length > 0) throw new StageError(file, `(document ${i})`, doc.errors[0]!.message)
    const value: unknown = doc.toJS()
    if (value === null || value === undefined) return
    out.push(parseStage(value, docs.length > 1 ? `${file}#${i}` : file))
  })
  return out
}
