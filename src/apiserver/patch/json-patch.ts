/**
 * RFC 6902 JSON patch with the behaviour of gopkg.in/evanphx/json-patch.v4, which the
 * apiserver uses: negative array indices count from the end, `replace` of a missing
 * object member adds it, `test` treats a null value and a missing member alike, an
 * absent `value` means null. Malformed patches are 400; any failure while applying is
 * upstream's generic 422; more than 10000 operations is 413.
 */
import type { KubeObject } from '../../api/index.js'
import { badRequest, rejectedPatch, requestEntityTooLarge } from './errors.js'
import { asObject } from './result.js'
import { cloneJson, deepEqual, isObject, jsonKindWord, type JsonObject } from './util.js'

const MAX_OPERATIONS = 10000

type Container = JsonObject | unknown[]

class OpError extends Error {}

const missing = 'missing value'
const invalidIndex = 'invalid index referenced'

function decodeToken(t: string): string {
  return t.replace(/~1/g, '/').replace(/~0/g, '~')
}

/** strconv.Atoi: optional sign, decimal digits, nothing else. */
function atoi(key: string): number {
  if (!/^[+-]?\d+$/.test(key)) throw new OpError(`strconv.Atoi: parsing ${JSON.stringify(key)}: invalid syntax`)
  const n = Number(key)
  if (!Number.isSafeInteger(n)) throw new OpError(`strconv.Atoi: parsing ${JSON.stringify(key)}: value out of range`)
  return n
}

function normIndex(idx: number, len: number): number {
  if (idx < 0) {
    if (idx < -len) throw new OpError(`Unable to access invalid index: ${idx}: ${invalidIndex}`)
    idx += len
  }
  return idx
}

function get(c: Container, key: string): unknown {
  if (!Array.isArray(c)) return Object.hasOwn(c, key) ? c[key] : undefined
  const idx = normIndex(atoi(key), c.length)
  if (idx >= c.length) throw new OpError(`Unable to access invalid index: ${idx}: ${invalidIndex}`)
  return c[idx]
}

function set(c: Container, key: string, val: unknown): void {
  if (!Array.isArray(c)) {
    c[key] = val
    return
  }
  c[normIndex(atoi(key), c.length)] = val
}

function add(c: Container, key: string, val: unknown): void {
  if (!Array.isArray(c)) {
    c[key] = val
    return
  }
  if (key === '-') {
    c.push(val)
    return
  }
  let idx: number
  try {
    idx = atoi(key)
  } catch (e) {
    throw new OpError(`value was not a proper array index: '${key}': ${(e as Error).message}`)
  }
  const size = c.length + 1
  if (idx >= size) throw new OpError(`Unable to access invalid index: ${idx}: ${invalidIndex}`)
  c.splice(normIndex(idx, size), 0, val)
}

function remove(c: Container, key: string): void {
  if (!Array.isArray(c)) {
    if (!Object.hasOwn(c, key)) throw new OpError(`Unable to remove nonexistent key: ${key}: ${missing}`)
    delete c[key]
    return
  }
  const idx = atoi(key)
  if (idx >= c.length) throw new OpError(`Unable to access invalid index: ${idx}: ${invalidIndex}`)
  c.splice(normIndex(idx, c.length), 1)
}

/** The container holding the last token of `path`, or undefined when a step is missing. */
function findObject(root: Container, path: string): { c: Container; key: string } | undefined {
  const split = path.split('/')
  if (split.length < 2) return undefined
  let doc: Container = root
  for (const part of split.slice(1, -1)) {
    let next: unknown
    try {
      next = get(doc, decodeToken(part))
    } catch {
      return undefined
    }
    if (!isObject(next) && !Array.isArray(next)) return undefined
    doc = next
  }
  return { c: doc, key: decodeToken(split[split.length - 1] ?? '') }
}

function wrap(prefix: string, fn: () => void): void {
  try {
    fn()
  } catch (e) {
    if (e instanceof OpError) throw new OpError(`${prefix}: ${e.message}`)
    throw e
  }
}

function stringField(op: JsonObject, name: 'path' | 'from'): string | undefined {
  const v = op[name]
  return typeof v === 'string' ? v : undefined
}

function applyOne(state: { doc: Container }, op: JsonObject): void {
  const kind = typeof op.op === 'string' ? op.op : 'unknown'
  const value = Object.hasOwn(op, 'value') ? op.value : null
  const path = stringField(op, 'path')
  const from = stringField(op, 'from')
  switch (kind) {
    case 'add': {
      if (path === undefined) throw new OpError(`add operation failed to decode path: ${missing}`)
      const t = findObject(state.doc, path)
      if (!t) throw new OpError(`add operation does not apply: doc is missing path: "${path}": ${missing}`)
      wrap(`error in add for path: '${path}'`, () => add(t.c, t.key, cloneJson(value)))
      return
    }
    case 'remove': {
      if (path === undefined) throw new OpError(`remove operation failed to decode path: ${missing}`)
      const t = findObject(state.doc, path)
      if (!t) throw new OpError(`remove operation does not apply: doc is missing path: "${path}": ${missing}`)
      wrap(`error in remove for path: '${path}'`, () => remove(t.c, t.key))
      return
    }
    case 'replace': {
      if (path === undefined) throw new OpError(`replace operation failed to decode path: operation missing path field: ${missing}`)
      if (path === '') {
        if (!isObject(value) && !Array.isArray(value)) throw new OpError('replace operation value must be object or array')
        state.doc = cloneJson(value)
        return
      }
      const t = findObject(state.doc, path)
      if (!t) throw new OpError(`replace operation does not apply: doc is missing path: ${path}: ${missing}`)
      try {
        get(t.c, t.key)
      } catch {
        throw new OpError(`replace operation does not apply: doc is missing key: ${path}: ${missing}`)
      }
      wrap(`error in remove for path: '${path}'`, () => set(t.c, t.key, cloneJson(value)))
      return
    }
    case 'move': {
      if (from === undefined) throw new OpError(`move operation failed to decode from: operation, missing from field: ${missing}`)
      const src = findObject(state.doc, from)
      if (!src) throw new OpError(`move operation does not apply: doc is missing from path: ${from}: ${missing}`)
      let val: unknown
      wrap(`error in move for path: '${src.key}'`, () => {
        val = get(src.c, src.key)
        remove(src.c, src.key)
      })
      if (path === undefined) throw new OpError(`move operation failed to decode path: operation missing path field: ${missing}`)
      const dst = findObject(state.doc, path)
      if (!dst) throw new OpError(`move operation does not apply: doc is missing destination path: ${path}: ${missing}`)
      wrap(`error in move for path: '${path}'`, () => add(dst.c, dst.key, val ?? null))
      return
    }
    case 'test': {
      if (path === undefined) throw new OpError(`test operation failed to decode path: operation missing path field: ${missing}`)
      const failed = new OpError(`testing value ${path} failed: test failed`)
      if (path === '') {
        if (!deepEqual(state.doc, value)) throw failed
        return
      }
      const t = findObject(state.doc, path)
      if (!t) throw new OpError(`test operation does not apply: is missing path: ${path}: ${missing}`)
      let val: unknown
      wrap(`error in test for path: '${path}'`, () => {
        val = get(t.c, t.key)
      })
      if (val === undefined || val === null) {
        if (value === null) return
        throw failed
      }
      if (value === null || !deepEqual(val, value)) throw failed
      return
    }
    case 'copy': {
      if (from === undefined) throw new OpError(`copy operation failed to decode from: operation, missing from field: ${missing}`)
      const src = findObject(state.doc, from)
      if (!src) throw new OpError(`copy operation does not apply: doc is missing from path: ${from}: ${missing}`)
      let val: unknown
      wrap(`error in copy for from: '${from}'`, () => {
        val = get(src.c, src.key)
      })
      if (path === undefined) throw new OpError(`copy operation failed to decode path: ${missing}`)
      const dst = findObject(state.doc, path)
      if (!dst) throw new OpError(`copy operation does not apply: doc is missing destination path: ${path}: ${missing}`)
      wrap('error while adding value during copy', () => add(dst.c, dst.key, cloneJson(val ?? null)))
      return
    }
    default:
      throw new OpError(`Unexpected kind: ${kind}`)
  }
}

/** Decodes the operations as jsonpatch.DecodePatch would, or throws its 400. */
function decodePatch(patch: unknown): JsonObject[] {
  if (patch === null || patch === undefined) return []
  if (!Array.isArray(patch)) {
    throw badRequest(`json: cannot unmarshal ${jsonKindWord(patch)} into Go value of type jsonpatch.Patch`)
  }
  return patch.map((op) => {
    if (op === null) return {}
    if (!isObject(op)) {
      throw badRequest(`json: cannot unmarshal ${jsonKindWord(op)} into Go value of type jsonpatch.Operation`)
    }
    return op
  })
}

export function applyJsonPatch(doc: KubeObject, patch: unknown): KubeObject {
  const ops = decodePatch(patch)
  if (ops.length > MAX_OPERATIONS) {
    throw requestEntityTooLarge(`The allowed maximum operations in a JSON patch is ${MAX_OPERATIONS}, got ${ops.length}`)
  }
  const state: { doc: Container } = { doc: cloneJson(doc) as JsonObject }
  for (const op of ops) {
    try {
      applyOne(state, op)
    } catch (e) {
      if (e instanceof OpError) throw rejectedPatch(e.message)
      throw e
    }
  }
  return asObject(state.doc)
}
