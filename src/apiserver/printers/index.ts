/**
 * Server-side printing: the `meta.k8s.io` Table that `kubectl get` asks for with
 * `Accept: application/json;as=Table;v=v1;g=meta.k8s.io`. Columns, wide (priority 1) columns
 * and cell formats follow upstream's `pkg/printers/internalversion/printers.go`; the server
 * always prints wide, and kubectl drops priority-1 columns unless `-o wide`.
 */

import type { KubeObject } from '../../api/index.js'
import {
  daemonSetPrinter, controllerRevisionPrinter, deploymentPrinter, replicaSetPrinter, statefulSetPrinter,
} from './apps.js'
import { defaultPrinter } from './common.js'
import {
  configMapPrinter, endpointsPrinter, eventPrinter, eventsV1Printer, namespacePrinter, nodePrinter,
  persistentVolumeClaimPrinter, persistentVolumePrinter, secretPrinter, serviceAccountPrinter, servicePrinter,
} from './core.js'
import { endpointSlicePrinter, leasePrinter, storageClassPrinter } from './misc.js'
import { podPrinter } from './pod.js'
import type { TablePrinter } from './types.js'

export type { TableColumnDefinition, TablePrinter, TableRowCondition } from './types.js'
export { humanDuration } from './duration.js'
export { summarizePod } from './pod.js'
export { defaultPrinter } from './common.js'

const PRINTERS = new Map<string, TablePrinter>([
  ['/namespaces', namespacePrinter],
  ['/nodes', nodePrinter],
  ['/pods', podPrinter],
  ['/services', servicePrinter],
  ['/endpoints', endpointsPrinter],
  ['/persistentvolumes', persistentVolumePrinter],
  ['/persistentvolumeclaims', persistentVolumeClaimPrinter],
  ['/events', eventPrinter],
  ['/configmaps', configMapPrinter],
  ['/secrets', secretPrinter],
  ['/serviceaccounts', serviceAccountPrinter],
  ['apps/daemonsets', daemonSetPrinter],
  ['apps/statefulsets', statefulSetPrinter],
  ['apps/controllerrevisions', controllerRevisionPrinter],
  ['apps/deployments', deploymentPrinter],
  ['apps/replicasets', replicaSetPrinter],
  ['discovery.k8s.io/endpointslices', endpointSlicePrinter],
  ['coordination.k8s.io/leases', leasePrinter],
  ['storage.k8s.io/storageclasses', storageClassPrinter],
  ['events.k8s.io/events', eventsV1Printer],
])

/** The printer for a (group, resource); upstream's default Name / Created At columns otherwise. */
export function printerFor(group: string, resource: string): TablePrinter {
  return PRINTERS.get(`${group}/${resource}`) ?? defaultPrinter
}

export interface ToTableOptions {
  /** ms since the epoch, for ages */
  now: number
  /** `?includeObject=`: what each row's `object` carries (kubectl sends none: Metadata) */
  includeObject: 'None' | 'Metadata' | 'Object'
  resourceVersion?: string
  continue?: string
  remainingItemCount?: number
  /** leave `columnDefinitions` empty (upstream `NoHeaders`; kubectl reuses the list header) */
  omitColumns?: boolean
  apiVersion: 'meta.k8s.io/v1' | 'meta.k8s.io/v1beta1'
}

/**
 * The Table for a list (or a single object, or one watch event's object). Row objects follow
 * apiserver's `asTable`: a PartialObjectMetadata for Metadata (in the Table's own group-version),
 * the object itself for Object, nothing for None.
 */
export function toTable(objs: KubeObject[], printer: TablePrinter, opts: ToTableOptions): object {
  const metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number } = {}
  if (opts.resourceVersion) metadata.resourceVersion = opts.resourceVersion
  if (opts.continue) metadata.continue = opts.continue
  if (opts.remainingItemCount !== undefined) metadata.remainingItemCount = opts.remainingItemCount

  const rows = objs.map((obj) => {
    const row: { cells: unknown[]; conditions?: unknown; object?: unknown } = { cells: printer.cells(obj, opts.now) }
    const conditions = printer.conditions?.(obj)
    if (conditions && conditions.length > 0) row.conditions = conditions
    switch (opts.includeObject) {
      case 'Object':
        row.object = obj
        break
      case 'Metadata':
        row.object = { kind: 'PartialObjectMetadata', apiVersion: opts.apiVersion, metadata: obj.metadata }
        break
      case 'None':
        break
    }
    return row
  })

  return {
    kind: 'Table',
    apiVersion: opts.apiVersion,
    metadata,
    columnDefinitions: opts.omitColumns ? [] : printer.columns,
    rows,
  }
}
