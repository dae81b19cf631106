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

/**
 * Copy-on-write merge: objects along the patched paths are copied, everything else is
 * shared with `doc` (which is never modified), so the result costs what the patch touches.
 */
function merged(doc: JsonObject, patch: JsonObject): JsonObject {
  const out: JsonObject = { ...doc }
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) {
      delete out[k]
      continue
    }
    const cur = out[k]
    if (!isObject(cur)) out[k] = pruneNulls(cloneJson(v))
    else if (!isObject(v)) out[k] = cloneJson(v)
    else out[k] = merged(cur, v)
  }
  return out
}

/** The merged document; it shares unpatched parts with `doc`: copy it before changing it in place. */
export function applyMergePatch(doc: KubeObject, patch: unknown): KubeObject {
  if (Array.isArray(patch)) return asObject(pruneNulls(cloneJson(patch)))
  if (!isObject(patch)) throw badRequest('Invalid JSON Patch')
  return asObject(merged(doc as JsonObject, patch))
}
