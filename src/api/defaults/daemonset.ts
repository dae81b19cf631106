/**
 * DaemonSet defaulting shared by every version that serves DaemonSets: apps/v1 and
 * apps/v1beta2 default to RollingUpdate, extensions/v1beta1 to OnDelete; the rest is equal.
 */
import { ensure, setDefault, type J } from '../validation/json.js'

/** Set by the API server on DaemonSets; bumped when the pod template changes. */
export const TEMPLATE_GENERATION_ANNOTATION = 'deprecated.daemonset.template.generation'

/** updateStrategy (rollingUpdate maxUnavailable 1, maxSurge 0) and revisionHistoryLimit 10. */
export function defaultDaemonSetStrategy(spec: J, defaultType: 'RollingUpdate' | 'OnDelete'): void {
  const us = ensure(spec, 'updateStrategy')
  setDefault(us, 'type', defaultType)
  if (us['type'] === 'RollingUpdate') {
    const ru = ensure(us, 'rollingUpdate')
    setDefault(ru, 'maxUnavailable', 1)
    // extensions/v1beta1's internal maxSurge is a plain IntOrString: absent converts to 0
    setDefault(ru, 'maxSurge', 0)
  }
  setDefault(spec, 'revisionHistoryLimit', 10)
}
