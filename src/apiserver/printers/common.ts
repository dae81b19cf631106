import type { KubeObject } from '../../api/index.js'
import { DOC } from './descriptions.js'
import { parseTimestamp, since } from './duration.js'
import { col, type TablePrinter } from './types.js'

export const nameColumn = (opts: { priority?: number } = {}) =>
  col('Name', 'string', DOC['ObjectMeta.name'], { format: 'name', ...opts })
export const ageColumn = () => col('Age', 'string', DOC['ObjectMeta.creationTimestamp'])

export const CONTAINERS_DESC = 'Names of each container in the template.'
export const IMAGES_DESC = 'Images referenced by each container in the template.'

/** The object's name (Go zero value '' when missing). */
export function nameOf(obj: KubeObject): string {
  return obj.metadata.name ?? ''
}

/** `translateTimestampSince(obj.CreationTimestamp)` */
export function ageOf(obj: KubeObject, now: number): string {
  return since(obj.metadata.creationTimestamp, now)
}

/** Go's `time.Time{}.UTC().Format(time.RFC3339)` for a timestamp, second precision. */
function rfc3339(ts: unknown): string {
  const t = parseTimestamp(ts)
  if (t === undefined) return '0001-01-01T00:00:00Z'
  return new Date(Math.floor(t / 1000) * 1000).toISOString().replace('.000Z', 'Z')
}

/**
 * apiserver's `rest.NewDefaultTableConvertor`, used upstream for resources without a
 * printer: `Name` and `Created At` (an RFC 3339 date, not an age).
 */
export const defaultPrinter: TablePrinter = {
  columns: [
    nameColumn(),
    col('Created At', 'date', DOC['ObjectMeta.creationTimestamp']),
  ],
  cells: (obj) => [nameOf(obj), rfc3339(obj.metadata.creationTimestamp)],
}
