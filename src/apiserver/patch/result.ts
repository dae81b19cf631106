/** What a patch produced, as the object a typed decode upstream would yield. */
import type { KubeObject } from '../../api/index.js'
import { undecodablePatchResult } from './errors.js'
import { goJson, isObject, jsonKindWord, withoutNullFields, type JsonObject } from './util.js'

/** The patched document must still decode as an object. */
export function asObject(doc: unknown): KubeObject {
  if (!isObject(doc)) {
    throw undecodablePatchResult(goJson(doc), `couldn't get version/kind; json parse error: json: cannot unmarshal ${jsonKindWord(doc)} into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }`)
  }
  const out = withoutNullFields(doc) as JsonObject
  if (!isObject(out.metadata)) out.metadata = {}
  return out as KubeObject
}
