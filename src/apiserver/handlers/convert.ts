import type { KubeObject } from '../../api/index.js'
import type { RequestContext } from '../context.js'

/**
 * Objects are answered at their storage version even on legacy URLs (apps/v1beta1,
 * extensions/v1beta1). Deliberate: kubectl then names them by their current group
 * (`daemonset.apps/nginx-ds created`, as the seed walkthrough expects) and every later
 * command addresses apps/v1, the only version with the fields today's controllers set.
 */
export function toResponseVersion(_ctx: Pick<RequestContext, 'info' | 'requestApiVersion'>, obj: KubeObject): KubeObject {
  return obj
}
