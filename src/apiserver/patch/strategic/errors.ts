/**
 * Strategic-merge-patch failures, classified the way the apiserver's
 * interpretStrategicMergePatchError maps them to HTTP: a few known formats are 400,
 * lists of lists and retainKeys mismatches are the generic 422, anything else is a
 * plain error (500 with its text).
 */
import type { ApiError } from '../../../api/index.js'
import { badRequest, rejectedPatch, serverError } from '../errors.js'
import { goFmt, goTypeName } from '../util.js'

export type SmpErrorKind = 'badRequest' | 'invalid' | 'internal'

export class SmpError extends Error {
  constructor(message: string, readonly kind: SmpErrorKind = 'internal') {
    super(message)
  }
  toApiError(): ApiError {
    switch (this.kind) {
      case 'badRequest':
        return badRequest(this.message)
      case 'invalid':
        return rejectedPatch(this.message)
      case 'internal':
        return serverError(this.message)
    }
  }
}

export const errBadPatchFormatForPrimitiveList = (): SmpError => new SmpError('invalid patch format of primitive list', 'badRequest')
export const errBadPatchFormatForRetainKeys = (): SmpError => new SmpError('invalid patch format of retainKeys', 'badRequest')
export const errBadPatchFormatForSetElementOrderList = (): SmpError =>
  new SmpError('invalid patch format of setElementOrder list', 'badRequest')
export const errNoListOfLists = (): SmpError => new SmpError('lists of lists are not supported', 'invalid')

export function errNoMergeKey(m: unknown, key: string): SmpError {
  return new SmpError(`map: ${goFmt(m)} does not contain declared merge key: ${key}`)
}

export function errBadArgType(expected: string, actual: unknown): SmpError {
  return new SmpError(`expected a ${expected}, but received a ${goTypeName(actual)}`)
}

export function errBadPatchType(t: unknown, m: unknown): SmpError {
  return new SmpError(`unknown patch type: ${goFmt(t)} in map: ${goFmt(m)}`)
}
