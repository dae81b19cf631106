/**
 * RFC 7386 JSON merge patch as evanphx/json-patch's MergePatch applies it: objects merge
 * recursively, null deletes, anything else (arrays included) replaces; nulls inside a
 * value that lands where there was no object are pruned. A patch that is not an object
 * is 400 "Invalid JSON Patch" (an array replaces the whole document, which then fails to
 * decode, as upstream).
 */
import type { KubeObject } from '../../api/index.js'
import { badRequest } from './errors.js'
import { asObject } from './result.js'
import { cloneJson, isObject, type JsonObject } from './util.js'

function pruneNulls(v: unknown): unknown {
  if (isObject(v)) {
    for (const k of Object.keys(v)) {
      if (v[k] === null) delete v[k]
      else pruneNulls(v[k])
    }
  } else if (Array.isArray(v)) {
    for (const x of v) if (x !== null) pruneNulls(x)
  }
  return v
}

function mergeValue(cur: unknown, patch: unknown): unknown {
  if (!isObject(cur)) return pruneNulls(cloneJson(patch))
  if (!isObject(patch)) return cloneJson(patch)
  mergeDocs(cur, patch)
  return cur
}

function mergeDocs(doc: JsonObject, patch: JsonObject): void {
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) {
      delete doc[k]
      continue
    }
    const cur = doc[k]
    doc[k] = cur === undefined || cur === null ? pruneNulls(cloneJson(v)) : mergeValue(cur, v)
  }
}

export function applyMergePatch(doc: KubeObject, patch: unknown): KubeObject {
  if (Array.isArray(patch)) return asObject(pruneNulls(cloneJson(patch)))
  if (!isObject(patch)) throw badRequest('Invalid JSON Patch')
  const out = cloneJson(doc) as JsonObject
  mergeDocs(out, patch)
  return asObject(out)
}
