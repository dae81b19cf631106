/**
 * The Status shapes upstream's patch handler produces for patch failures, where the
 * shared constructors in src/api don't already cover them.
 */
import { ApiError, badRequest } from '../../api/index.js'

export { badRequest }

export interface Gvk {
  group: string
  version: string
  kind: string
}

export function apiVersionOfGvk(gvk: Gvk): string {
  return gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version
}

/** schema.GroupVersionKind.String(): `apps/v1, Kind=Deployment`, `/v1, Kind=Pod`. */
export function gvkString(gvk: Gvk): string {
  return `${gvk.group}/${gvk.version}, Kind=${gvk.kind}`
}

/**
 * 422 from `NewGenericServerResponse(422, …)`: upstream hides the underlying error
 * (a failed JSON-patch `test`, a bad path, a list of lists in an SMP) behind a fixed
 * message. The detail is kept as the error's `cause` for logs.
 */
export function rejectedPatch(detail: string): ApiError {
  return new ApiError(
    { reason: 'Invalid', code: 422, message: 'the server rejected our request due to an error in our request', details: {} },
    { cause: new Error(detail) },
  )
}

/** A plain Go error reaching the handler: 500, reason "" (StatusReasonUnknown). */
export function serverError(message: string): ApiError {
  return new ApiError({ code: 500, message })
}

export function requestEntityTooLarge(message: string): ApiError {
  return new ApiError({ reason: 'RequestEntityTooLarge', code: 413, message: `Request entity too large: ${message}` })
}

/**
 * The 422 the JSON/merge patch handler returns when the patched document no longer
 * decodes as an object: `field.Invalid(field.NewPath("patch"), <json>, <err>)` under an
 * empty GroupKind and name.
 */
export function undecodablePatchResult(json: string, why: string): ApiError {
  const message = `patch: Invalid value: ${JSON.stringify(json)}: ${why}`
  return new ApiError({
    reason: 'Invalid',
    code: 422,
    message: ` "" is invalid: ${message}`,
    details: { causes: [{ reason: 'FieldValueInvalid', message: message.slice('patch: '.length), field: 'patch' }] },
  })
}
