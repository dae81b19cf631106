import { badRequest, fromLabelSelector, matches, matchesFields, parseFieldSelector, parseLabelSelector } from '../../api/index.js'
import type { FieldRequirement, KubeObject, ResourceInfo, Selector } from '../../api/index.js'
import { fieldSet, supportedFields } from '../fields.js'

/** The label + field selection a list/watch/deletecollection request asked for. */
export interface Selection {
  labels: Selector
  fields: FieldRequirement[]
  /** true when nothing is filtered */
  all: boolean
  matches(obj: KubeObject): boolean
}

export function parseSelection(info: ResourceInfo, q: URLSearchParams, namespace: string | undefined): Selection {
  let labels: Selector
  let fields: FieldRequirement[]
  try {
    labels = parseLabelSelector(q.get('labelSelector') ?? '')
  } catch (e) {
    throw badRequest(`unable to parse requirement: ${(e as Error).message.replace(/^unable to parse requirement: /, '')}`)
  }
  try {
    fields = parseFieldSelector(q.get('fieldSelector') ?? '')
  } catch (e) {
    throw badRequest((e as Error).message)
  }
  const supported = supportedFields(info)
  for (const f of fields) {
    if (!(f.field in supported)) throw badRequest(`field label not supported: ${f.field}`)
  }
  const names = fields.map((f) => f.field)
  const all = labels.length === 0 && fields.length === 0
  return {
    labels,
    fields,
    all,
    matches(obj) {
      if (namespace && info.namespaced && obj.metadata.namespace !== namespace) return false
      if (all) return true
      if (!matches(labels, obj.metadata.labels)) return false
      return fields.length === 0 || matchesFields(fields, fieldSet(info, obj, names))
    },
  }
}

export { fromLabelSelector }
