/** Printers for apps/v1 kinds (upstream `printDaemonSet`, `printStatefulSet`, …). */

import type { ControllerRevision, DaemonSet, Deployment, ReplicaSet, StatefulSet } from 'kubernetes-types/apps/v1.js'
import { controllerRef, splitApiVersion, type KubeObject } from '../../api/index.js'
import { ageColumn, ageOf, CONTAINERS_DESC, IMAGES_DESC, nameColumn, nameOf } from './common.js'
import { DOC } from './descriptions.js'
import { formatLabels, formatLabelSelector, int, layoutContainerCells, selectorString } from './format.js'
import { col, view, type TablePrinter } from './types.js'

/** `spec.replicas` after SetDefaults (an unset count means 1). */
function replicasOf(spec: { replicas?: number } | undefined): number {
  return typeof spec?.replicas === 'number' ? spec.replicas : 1
}

export const daemonSetPrinter: TablePrinter = {
  columns: [
    nameColumn(),
    col('Desired', 'integer', DOC['DaemonSetStatus.desiredNumberScheduled']),
    col('Current', 'integer', DOC['DaemonSetStatus.currentNumberScheduled']),
    col('Ready', 'integer', DOC['DaemonSetStatus.numberReady']),
    col('Up-to-date', 'integer', DOC['DaemonSetStatus.updatedNumberScheduled']),
    col('Available', 'integer', DOC['DaemonSetStatus.numberAvailable']),
    col('Node Selector', 'string', DOC['PodSpec.nodeSelector']),
    ageColumn(),
    col('Containers', 'string', CONTAINERS_DESC, { priority: 1 }),
    col('Images', 'string', IMAGES_DESC, { priority: 1 }),
    col('Selector', 'string', DOC['DaemonSetSpec.selector'], { priority: 1 }),
  ],
  cells(obj, now) {
    const ds = view<DaemonSet>(obj)
    const st = ds.status
    const [names, images] = layoutContainerCells(ds.spec?.template.spec?.containers)
    return [
      nameOf(obj),
      int(st?.desiredNumberScheduled), int(st?.currentNumberScheduled), int(st?.numberReady),
      int(st?.updatedNumberScheduled), int(st?.numberAvailable),
      formatLabels(ds.spec?.template.spec?.nodeSelector),
      ageOf(obj, now),
      names, images, formatLabelSelector(ds.spec?.selector),
    ]
  },
}

export const statefulSetPrinter: TablePrinter = {
  columns: [
    nameColumn(),
    col('Ready', 'string', 'Number of the pod with ready state'),
    ageColumn(),
    col('Containers', 'string', CONTAINERS_DESC, { priority: 1 }),
    col('Images', 'string', IMAGES_DESC, { priority: 1 }),
  ],
  cells(obj, now) {
    const sts = view<StatefulSet>(obj)
    const [names, images] = layoutContainerCells(sts.spec?.template.spec?.containers)
    return [nameOf(obj), `${int(sts.status?.readyReplicas)}/${replicasOf(sts.spec)}`, ageOf(obj, now), names, images]
  },
}

/**
 * `formatResourceName(gvk.GroupKind(), name, true)` for the controller owner reference:
 * `statefulset.apps/web`, `<none>` without a controller.
 */
function controllerName(obj: KubeObject): string {
  const ref = controllerRef(obj)
  if (!ref) return '<none>'
  const { group } = splitApiVersion(ref.apiVersion)
  if (group === '' && ref.kind === '') return ref.name
  const groupKind = group === '' ? ref.kind : `${ref.kind}.${group}`
  return `${groupKind.toLowerCase()}/${ref.name}`
}

export const controllerRevisionPrinter: TablePrinter = {
  columns: [
    nameColumn(),
    col('Controller', 'string', 'Controller of the object'),
    col('Revision', 'string', DOC['ControllerRevision.revision']),
    ageColumn(),
  ],
  cells(obj, now) {
    return [nameOf(obj), controllerName(obj), int(view<ControllerRevision>(obj).revision), ageOf(obj, now)]
  },
}

export const deploymentPrinter: TablePrinter = {
  columns: [
    nameColumn(),
    col('Ready', 'string', 'Number of the pod with ready state'),
    col('Up-to-date', 'string', DOC['DeploymentStatus.updatedReplicas']),
    col('Available', 'string', DOC['DeploymentStatus.availableReplicas']),
    ageColumn(),
    col('Containers', 'string', CONTAINERS_DESC, { priority: 1 }),
    col('Images', 'string', IMAGES_DESC, { priority: 1 }),
    col('Selector', 'string', DOC['DeploymentSpec.selector'], { priority: 1 }),
  ],
  cells(obj, now) {
    const d = view<Deployment>(obj)
    const [names, images] = layoutContainerCells(d.spec?.template.spec?.containers)
    return [
      nameOf(obj),
      `${int(d.status?.readyReplicas)}/${replicasOf(d.spec)}`,
      int(d.status?.updatedReplicas), int(d.status?.availableReplicas),
      ageOf(obj, now),
      // printDeployment uses the raw selector string: '' when empty, `<invalid>` on error
      names, images, selectorString(d.spec?.selector) ?? '<invalid>',
    ]
  },
}

export const replicaSetPrinter: TablePrinter = {
  columns: [
    nameColumn(),
    col('Desired', 'integer', DOC['ReplicaSetSpec.replicas']),
    col('Current', 'integer', DOC['ReplicaSetStatus.replicas']),
    col('Ready', 'integer', DOC['ReplicaSetStatus.readyReplicas']),
    ageColumn(),
    col('Containers', 'string', CONTAINERS_DESC, { priority: 1 }),
    col('Images', 'string', IMAGES_DESC, { priority: 1 }),
    col('Selector', 'string', DOC['ReplicaSetSpec.selector'], { priority: 1 }),
  ],
  cells(obj, now) {
    const rs = view<ReplicaSet>(obj)
    const [names, images] = layoutContainerCells(rs.spec?.template?.spec?.containers)
    return [
      nameOf(obj), replicasOf(rs.spec), int(rs.status?.replicas), int(rs.status?.readyReplicas), ageOf(obj, now),
      names, images, formatLabelSelector(rs.spec?.selector),
    ]
  },
}
