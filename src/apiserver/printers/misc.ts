/** Printers for discovery.k8s.io, coordination.k8s.io and storage.k8s.io kinds. */

import type { Lease } from 'kubernetes-types/coordination/v1.js'
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js'
import type { StorageClass } from 'kubernetes-types/storage/v1.js'
import { ageColumn, ageOf, nameColumn, nameOf } from './common.js'
import { DOC } from './descriptions.js'
import { col, view, type TablePrinter } from './types.js'

/** `listWithMoreString`: the list, ` + N more...` past the max, `<unset>` when empty. */
function listWithMore(list: string[], more: boolean, count: number, max: number): string {
  const ret = list.join(',')
  if (more) return `${ret} + ${count - max} more...`
  return ret === '' ? '<unset>' : ret
}

/** `formatDiscoveryPorts`: port numbers (or names, or `*`), at most 3. */
export function formatDiscoveryPorts(ports: EndpointSlice['ports']): string {
  const list: string[] = []
  const max = 3
  let more = false
  let count = 0
  for (const port of ports ?? []) {
    if (list.length < max) {
      let portNum = '*'
      if (port.port !== undefined && port.port !== null) portNum = String(port.port)
      else if (port.name !== undefined && port.name !== null) portNum = port.name
      list.push(portNum)
    } else if (list.length === max) {
      more = true
    }
    count++
  }
  return listWithMore(list, more, count, max)
}

/** `formatDiscoveryEndpoints`: endpoint addresses, at most 3. */
export function formatDiscoveryEndpoints(endpoints: EndpointSlice['endpoints'] | undefined): string {
  const list: string[] = []
  const max = 3
  let more = false
  let count = 0
  for (const ep of endpoints ?? []) {
    for (const address of ep.addresses ?? []) {
      if (list.length < max) list.push(address)
      else if (list.length === max) more = true
      count++
    }
  }
  return listWithMore(list, more, count, max)
}

export const endpointSlicePrinter: TablePrinter = {
  columns: [
    nameColumn(),
    col('AddressType', 'string', DOC['EndpointSlice.addressType']),
    col('Ports', 'string', DOC['EndpointSlice.ports']),
    col('Endpoints', 'string', DOC['EndpointSlice.endpoints']),
    ageColumn(),
  ],
  cells(obj, now) {
    const es = view<Partial<EndpointSlice>>(obj)
    return [
      nameOf(obj), es.addressType ?? '', formatDiscoveryPorts(es.ports), formatDiscoveryEndpoints(es.endpoints),
      ageOf(obj, now),
    ]
  },
}

export const leasePrinter: TablePrinter = {
  columns: [nameColumn(), col('Holder', 'string', DOC['LeaseSpec.holderIdentity']), ageColumn()],
  cells: (obj, now) => [nameOf(obj), view<Lease>(obj).spec?.holderIdentity ?? '', ageOf(obj, now)],
}

const DEFAULT_STORAGE_CLASS_ANNOTATIONS = [
  'storageclass.kubernetes.io/is-default-class',
  'storageclass.beta.kubernetes.io/is-default-class',
]

export const storageClassPrinter: TablePrinter = {
  columns: [
    nameColumn(),
    col('Provisioner', 'string', DOC['StorageClass.provisioner']),
    col('ReclaimPolicy', 'string', DOC['StorageClass.reclaimPolicy']),
    col('VolumeBindingMode', 'string', DOC['StorageClass.volumeBindingMode']),
    col('AllowVolumeExpansion', 'string', DOC['StorageClass.allowVolumeExpansion']),
    ageColumn(),
  ],
  cells(obj, now) {
    const sc = view<Partial<StorageClass>>(obj)
    const annotations = obj.metadata.annotations ?? {}
    const isDefault = DEFAULT_STORAGE_CLASS_ANNOTATIONS.some((a) => annotations[a] === 'true')
    return [
      isDefault ? `${nameOf(obj)} (default)` : nameOf(obj),
      sc.provisioner ?? '',
      sc.reclaimPolicy ?? 'Delete',
      sc.volumeBindingMode ?? 'Immediate',
      // a boolean cell, although the column says string (as upstream)
      sc.allowVolumeExpansion === true,
      ageOf(obj, now),
    ]
  },
}
