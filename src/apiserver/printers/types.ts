import type { KubeObject } from '../../api/index.js'

/** metav1.TableColumnDefinition: every field is always serialized. */
export interface TableColumnDefinition {
  name: string
  /** OpenAPI type: `string`, `integer`, `number`, `boolean`, `date` */
  type: string
  /** OpenAPI format hint: `name` for the name column, otherwise '' */
  format: string
  description: string
  /** 0 = always shown; 1 = shown only with `-o wide` */
  priority: number
}

/** metav1.TableRowCondition (upstream marks Succeeded/Failed pods `Completed`). */
export interface TableRowCondition {
  type: string
  status: string
  reason?: string
  message?: string
}

export interface TablePrinter {
  columns: TableColumnDefinition[]
  /** one cell per column, in column order; `now` is ms since the epoch */
  cells(obj: KubeObject, now: number): unknown[]
  /** row conditions, when the printer has any for this object */
  conditions?(obj: KubeObject): TableRowCondition[] | undefined
}

/** Build a column definition the way upstream writes them (format '' and priority 0 unless given). */
export function col(
  name: string, type: string, description: string, opts: { format?: string; priority?: number } = {},
): TableColumnDefinition {
  return { name, type, format: opts.format ?? '', description, priority: opts.priority ?? 0 }
}

/** View a stored object through one of the kubernetes-types interfaces. */
export function view<T>(obj: KubeObject): T {
  return obj as unknown as T
}
