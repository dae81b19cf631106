import type { KubeObject } from '../../api/index.js'
import { apiVersionOf } from '../../api/index.js'
import { convertFromStorage } from '../../api/convert/index.js'
import type { RequestContext } from '../context.js'

/** Objects are stored at the storage version; answer legacy URLs in their own version. */
export function toResponseVersion(ctx: Pick<RequestContext, 'info' | 'requestApiVersion'>, obj: KubeObject): KubeObject {
  if (ctx.requestApiVersion === apiVersionOf(ctx.info)) return obj
  return convertFromStorage(ctx.requestApiVersion, obj)
}
