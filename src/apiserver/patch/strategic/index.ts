import type { KubeObject } from '../../../api/index.js'
import { badRequest, type Gvk } from '../errors.js'
import { asObject } from '../result.js'
import { rootShape } from '../schema/index.js'
import { cloneJson, isObject, jsonKindWord, type JsonObject } from '../util.js'
import { SmpError } from './errors.js'
import { mergeMap } from './merge.js'

/** Strategic merge patch with the merge keys and strategies of the kind's Go types. */
export function applyStrategicMergePatch(doc: KubeObject, patch: unknown, gvk: Gvk): KubeObject {
  if (patch === null || patch === undefined) return asObject(cloneJson(doc))
  if (!isObject(patch)) {
    throw badRequest(`json: cannot unmarshal ${jsonKindWord(patch)} into Go value of type map[string]interface {}`)
  }
  try {
    return asObject(mergeMap(cloneJson(doc) as JsonObject, cloneJson(patch), rootShape(gvk)))
  } catch (e) {
    if (e instanceof SmpError) throw e.toApiError()
    throw e
  }
}
