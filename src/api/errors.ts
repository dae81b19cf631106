/**
 * ApiError is the wire `metav1.Status` carried as a JS error. Every failure that
 * reaches a client is one of these; the client rebuilds the same error from a
 * response body, so controllers test `isNotFound(err)` whichever side they are on.
 */
export interface StatusCause {
  reason?: string
  message?: string
  field?: string
}

export interface StatusDetails {
  name?: string
  group?: string
  kind?: string
  uid?: string
  causes?: StatusCause[]
  retryAfterSeconds?: number
}

export interface Status {
  kind: 'Status'
  apiVersion: 'v1'
  metadata: Record<string, unknown>
  status: 'Success' | 'Failure'
  message?: string
  reason?: string
  details?: StatusDetails
  code: number
}

/** Identifies the resource an error is about: `group` is '' for the core group. */
export interface ResourceRef {
  group: string
  resource: string
}

export class ApiError extends Error {
  readonly status: Status
  constructor(status: Omit<Status, 'kind' | 'apiVersion' | 'metadata' | 'status'>, options?: { cause?: unknown }) {
    super(status.message ?? status.reason ?? 'error', options)
    this.name = 'ApiError'
    this.status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', ...status }
  }
  get code(): number {
    return this.status.code
  }
  get reason(): string {
    return this.status.reason ?? ''
  }
}

/** `statefulsets.apps` or `pods`: the qualified resource as upstream prints it. */
export function qualifiedResource(ref: ResourceRef): string {
  return ref.group ? `${ref.resource}.${ref.group}` : ref.resource
}

function details(ref: ResourceRef, name: string): StatusDetails {
  const d: StatusDetails = { name, kind: ref.resource }
  if (ref.group) d.group = ref.group
  return d
}

export function notFound(ref: ResourceRef, name: string): ApiError {
  return new ApiError({
    reason: 'NotFound',
    code: 404,
    message: `${qualifiedResource(ref)} "${name}" not found`,
    details: details(ref, name),
  })
}

export function alreadyExists(ref: ResourceRef, name: string): ApiError {
  return new ApiError({
    reason: 'AlreadyExists',
    code: 409,
    message: `${qualifiedResource(ref)} "${name}" already exists`,
    details: details(ref, name),
  })
}

export function conflict(ref: ResourceRef, name: string, why: string): ApiError {
  return new ApiError({
    reason: 'Conflict',
    code: 409,
    message: `Operation cannot be fulfilled on ${qualifiedResource(ref)} "${name}": ${why}`,
    details: details(ref, name),
  })
}

/** One field error, printed like upstream's `field.Error`. */
export interface FieldError {
  /** e.g. `spec.replicas` */
  field: string
  /** upstream ErrorType reason: FieldValueInvalid, FieldValueRequired, … */
  type: FieldErrorType
  /** the offending value; omitted for Required/Forbidden/TooMany */
  value?: unknown
  detail?: string
}

export type FieldErrorType =
  | 'FieldValueInvalid'
  | 'FieldValueRequired'
  | 'FieldValueNotSupported'
  | 'FieldValueForbidden'
  | 'FieldValueDuplicate'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'FieldValueTypeInvalid'
  | 'FieldValueNotFound'
  | 'InternalError'

const fieldErrorText: Record<FieldErrorType, string> = {
  FieldValueInvalid: 'Invalid value',
  FieldValueRequired: 'Required value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueForbidden: 'Forbidden',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueTooLong: 'Too long',
  FieldValueTooMany: 'Too many',
  FieldValueTypeInvalid: 'Invalid value',
  FieldValueNotFound: 'Not found',
  InternalError: 'Internal error',
}

function formatValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v)
  if (v === null || v === undefined) return 'null'
  if (typeof v === 'object') return JSON.stringify(v)
  return String(v)
}

/** `spec.replicas: Invalid value: -1: must be greater than or equal to 0` */
export function formatFieldError(e: FieldError): string {
  const head = `${e.field}: ${fieldErrorText[e.type]}`
  // As upstream's ErrorBody: every type but these shows the value (when one was given).
  const showValue = !['FieldValueRequired', 'FieldValueForbidden', 'FieldValueTooLong', 'InternalError'].includes(e.type)
  let s = head
  if (showValue && 'value' in e) s += `: ${formatValue(e.value)}`
  if (e.detail) s += `: ${e.detail}`
  return s
}

/** 422 Invalid, message `Kind.group "name" is invalid: [err1, err2]` as upstream. */
export function invalid(kind: string, group: string, name: string, errors: readonly FieldError[]): ApiError {
  const qualifiedKind = group ? `${kind}.${group}` : kind
  const texts = errors.map(formatFieldError)
  const joined = texts.length === 1 ? texts[0] : `[${texts.join(', ')}]`
  const d: StatusDetails = {
    name,
    kind,
    causes: errors.map((e) => {
      const text = formatFieldError(e)
      return { reason: e.type, message: text.slice(e.field.length + 2), field: e.field }
    }),
  }
  if (group) d.group = group
  return new ApiError({
    reason: 'Invalid',
    code: 422,
    message: `${qualifiedKind} "${name}" is invalid: ${joined}`,
    details: d,
  })
}

export function badRequest(message: string): ApiError {
  return new ApiError({ reason: 'BadRequest', code: 400, message })
}

export function gone(message: string): ApiError {
  return new ApiError({ reason: 'Expired', code: 410, message })
}

export function methodNotAllowed(message = 'the server does not allow this method on the requested resource'): ApiError {
  return new ApiError({ reason: 'MethodNotAllowed', code: 405, message })
}

export function unsupportedMediaType(contentType: string): ApiError {
  return new ApiError({ reason: 'UnsupportedMediaType', code: 415, message: `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf` + (contentType ? '' : '') })
}

export function requestEntityTooLarge(): ApiError {
  return new ApiError({ reason: 'RequestEntityTooLarge', code: 413, message: 'Request entity too large: limit is 3145728' })
}

export function unauthorized(): ApiError {
  return new ApiError({ reason: 'Unauthorized', code: 401, message: 'Unauthorized' })
}

export function forbidden(ref: ResourceRef, name: string, why: string): ApiError {
  return new ApiError({
    reason: 'Forbidden',
    code: 403,
    message: `${qualifiedResource(ref)} "${name}" is forbidden: ${why}`,
    details: details(ref, name),
  })
}

export function internalError(message: string, cause?: unknown): ApiError {
  return new ApiError({ reason: 'InternalError', code: 500, message: `Internal error occurred: ${message}` }, { cause })
}

export function notFoundPath(): ApiError {
  return new ApiError({ reason: 'NotFound', code: 404, message: 'the server could not find the requested resource', details: {} })
}

export function tooManyRequests(message: string): ApiError {
  return new ApiError({ reason: 'TooManyRequests', code: 429, message })
}

export const isApiError = (e: unknown): e is ApiError => e instanceof ApiError
const hasReason = (reason: string) => (e: unknown): boolean => isApiError(e) && e.reason === reason
export const isNotFound = hasReason('NotFound')
export const isAlreadyExists = hasReason('AlreadyExists')
export const isConflict = hasReason('Conflict')
export const isInvalid = hasReason('Invalid')
export const isGone = (e: unknown): boolean => isApiError(e) && e.code === 410

/** Rebuild an ApiError from a decoded response body (client side). */
export function fromStatus(body: unknown, httpCode: number): ApiError {
  if (body && typeof body === 'object' && (body as { kind?: unknown }).kind === 'Status') {
    const s = body as Status
    return new ApiError({ ...s, code: s.code || httpCode })
  }
  return new ApiError({ reason: 'Unknown', code: httpCode, message: typeof body === 'string' ? body : `HTTP ${httpCode}` })
}
