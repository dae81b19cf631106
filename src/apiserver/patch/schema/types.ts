/**
 * Merge keys and strategies of the types kubeling serves, transcribed from
 * k8s.io/api (core/v1, apps/v1, discovery/v1, coordination/v1, storage/v1, events/v1)
 * and k8s.io/apimachinery meta/v1. Where the Go tag (strategic merge patch) and the
 * openapi marker (server-side apply) disagree, both are recorded: container ports merge
 * by `containerPort` in an SMP but are keyed by `containerPort`+`protocol` in SSA;
 * pod `hostIPs` merge by `ip` in an SMP but are atomic in SSA; `topologySpreadConstraints`
 * merge by `topologyKey` but are keyed by `topologyKey`+`whenUnsatisfiable`.
 * Lists not listed (tolerations, taints, containerStatuses, volumeClaimTemplates,
 * endpoint subsets, …) are atomic: replaced by an SMP, owned whole in SSA.
 */
import { ATOMIC, atomicList, mapList, setList, struct, type Shape, type TypeDef } from './shape.js'

const TCP = { protocol: 'TCP' }
const conditions = mapList(['type'], struct('Condition'), { smpKey: 'type' })

export const TYPES: Readonly<Record<string, TypeDef>> = {
  // ---- meta/v1
  ObjectMeta: {
    fields: {
      ownerReferences: mapList(['uid'], struct('OwnerReference'), { smpKey: 'uid' }),
      finalizers: setList(true),
      managedFields: atomicList(),
    },
  },
  OwnerReference: { atomic: true, fields: {} },
  LabelSelector: { atomic: true, fields: {} },
  Condition: { fields: {} },
  ObjectReference: { atomic: true, fields: {} },
  LocalObjectReference: { atomic: true, fields: {} },
  TypedLocalObjectReference: { atomic: true, fields: {} },

  // ---- core/v1 pods
  PodTemplateSpec: {
    fields: { metadata: struct('ObjectMeta', true), spec: struct('PodSpec', true) },
  },
  PodSpec: {
    fields: {
      volumes: mapList(['name'], struct('Volume'), { smpKey: 'name' }),
      initContainers: mapList(['name'], struct('Container'), { smpKey: 'name' }),
      containers: mapList(['name'], struct('Container'), { smpKey: 'name', zero: 'null' }),
      ephemeralContainers: mapList(['name'], struct('Container'), { smpKey: 'name' }),
      imagePullSecrets: mapList(['name'], struct('LocalObjectReference'), { smpKey: 'name' }),
      hostAliases: mapList(['ip'], struct('HostAlias'), { smpKey: 'ip' }),
      topologySpreadConstraints: mapList(['topologyKey', 'whenUnsatisfiable'], struct('TopologySpreadConstraint'), { smpKey: 'topologyKey' }),
      schedulingGates: mapList(['name'], struct('PodSchedulingGate'), { smpKey: 'name' }),
      resourceClaims: mapList(['name'], struct('PodResourceClaim'), { smpKey: 'name' }),
      nodeSelector: ATOMIC,
      affinity: struct('Affinity'),
    },
  },
  Volume: {
    fields: {
      persistentVolumeClaim: struct('PersistentVolumeClaimVolumeSource'),
    },
  },
  PersistentVolumeClaimVolumeSource: { fields: {} },
  HostAlias: { fields: {} },
  TopologySpreadConstraint: { fields: { labelSelector: struct('LabelSelector') } },
  PodSchedulingGate: { fields: {} },
  PodResourceClaim: { fields: {} },
  Affinity: {
    fields: { podAffinity: struct('PodAffinity'), podAntiAffinity: struct('PodAffinity'), nodeAffinity: struct('NodeAffinity') },
  },
  PodAffinity: { fields: {} },
  NodeAffinity: { fields: { requiredDuringSchedulingIgnoredDuringExecution: struct('NodeSelector') } },
  NodeSelector: { atomic: true, fields: {} },
  Container: {
    fields: {
      ports: mapList(['containerPort', 'protocol'], struct('ContainerPort'), { smpKey: 'containerPort', keyDefaults: TCP }),
      env: mapList(['name'], struct('EnvVar'), { smpKey: 'name' }),
      volumeMounts: mapList(['mountPath'], struct('VolumeMount'), { smpKey: 'mountPath' }),
      volumeDevices: mapList(['devicePath'], struct('VolumeDevice'), { smpKey: 'devicePath' }),
      resources: struct('ResourceRequirements', true),
      envFrom: atomicList(),
    },
  },
  ContainerPort: { fields: {} },
  VolumeMount: { fields: {} },
  VolumeDevice: { fields: {} },
  EnvVar: { fields: { valueFrom: struct('EnvVarSource') } },
  EnvVarSource: {
    fields: {
      fieldRef: ATOMIC, resourceFieldRef: ATOMIC, configMapKeyRef: ATOMIC, secretKeyRef: ATOMIC, fileKeyRef: ATOMIC,
    },
  },
  ResourceRequirements: { fields: { claims: mapList(['name'], struct('ResourceClaim')) } },
  ResourceClaim: { fields: {} },
  PodStatus: {
    fields: {
      conditions,
      podIPs: mapList(['ip'], struct('PodIP'), { smpKey: 'ip' }),
      hostIPs: atomicList(struct('HostIP'), { mergeKey: 'ip' }),
      resourceClaimStatuses: mapList(['name'], struct('PodResourceClaimStatus'), { smpKey: 'name' }),
    },
  },
  PodIP: { fields: {} },
  HostIP: { fields: {} },
  PodResourceClaimStatus: { fields: {} },
  Pod: { fields: { metadata: struct('ObjectMeta', true), spec: struct('PodSpec', true), status: struct('PodStatus', true) } },
  PodTemplate: { fields: { metadata: struct('ObjectMeta', true), template: struct('PodTemplateSpec', true) } },

  // ---- core/v1 services, endpoints
  Service: { fields: { metadata: struct('ObjectMeta', true), spec: struct('ServiceSpec', true), status: struct('ServiceStatus', true) } },
  ServiceSpec: {
    fields: {
      ports: mapList(['port', 'protocol'], struct('ServicePort'), { smpKey: 'port', keyDefaults: TCP }),
      selector: ATOMIC,
    },
  },
  ServicePort: { fields: {} },
  ServiceStatus: { fields: { conditions, loadBalancer: struct('LoadBalancerStatus', true) } },
  LoadBalancerStatus: { fields: {} },
  Endpoints: { fields: { metadata: struct('ObjectMeta', true) } },
  EndpointSlice: {
    fields: { metadata: struct('ObjectMeta', true), endpoints: atomicList(undefined, undefined, 'null'), ports: atomicList(undefined, undefined, 'null') },
  },

  // ---- core/v1 nodes, volumes, namespaces
  Node: { fields: { metadata: struct('ObjectMeta', true), spec: struct('NodeSpec', true), status: struct('NodeStatus', true) } },
  NodeSpec: { fields: { podCIDRs: setList(true) } },
  NodeStatus: {
    fields: {
      conditions,
      addresses: mapList(['type'], struct('NodeAddress'), { smpKey: 'type' }),
      daemonEndpoints: struct('NodeDaemonEndpoints', true),
      nodeInfo: struct('NodeSystemInfo', true),
    },
  },
  NodeAddress: { fields: {} },
  NodeDaemonEndpoints: { fields: { kubeletEndpoint: struct('DaemonEndpoint', true) } },
  DaemonEndpoint: { fields: {} },
  NodeSystemInfo: { fields: {} },
  PersistentVolume: {
    fields: { metadata: struct('ObjectMeta', true), spec: struct('PersistentVolumeSpec', true), status: struct('PersistentVolumeStatus', true) },
  },
  PersistentVolumeSpec: {
    fields: { claimRef: struct('GranularObjectReference'), nodeAffinity: struct('VolumeNodeAffinity') },
  },
  GranularObjectReference: { fields: {} },
  VolumeNodeAffinity: { fields: { required: struct('NodeSelector') } },
  PersistentVolumeStatus: { fields: {} },
  PersistentVolumeClaim: {
    fields: {
      metadata: struct('ObjectMeta', true), spec: struct('PersistentVolumeClaimSpec', true), status: struct('PersistentVolumeClaimStatus', true),
    },
  },
  PersistentVolumeClaimSpec: {
    fields: { resources: struct('VolumeResourceRequirements', true), selector: struct('LabelSelector'), dataSource: struct('TypedLocalObjectReference') },
  },
  VolumeResourceRequirements: { fields: {} },
  PersistentVolumeClaimStatus: { fields: { conditions } },
  Namespace: {
    fields: { metadata: struct('ObjectMeta', true), spec: struct('NamespaceSpec', true), status: struct('NamespaceStatus', true) },
  },
  NamespaceSpec: { fields: {} },
  NamespaceStatus: { fields: { conditions } },

  // ---- core/v1 config, identity, events
  ConfigMap: { fields: { metadata: struct('ObjectMeta', true) } },
  Secret: { fields: { metadata: struct('ObjectMeta', true) } },
  ServiceAccount: {
    fields: {
      metadata: struct('ObjectMeta', true),
      secrets: mapList(['name'], struct('ObjectReference'), { smpKey: 'name' }),
    },
  },
  CoreEvent: {
    fields: {
      metadata: struct('ObjectMeta', true), involvedObject: struct('ObjectReference', true), source: struct('EventSource', true),
      related: struct('ObjectReference'),
    },
  },
  EventSource: { fields: {} },
  EventsEvent: {
    fields: {
      metadata: struct('ObjectMeta', true), regarding: struct('ObjectReference', true), related: struct('ObjectReference'),
      deprecatedSource: struct('EventSource', true),
    },
  },

  // ---- apps/v1
  Deployment: {
    fields: { metadata: struct('ObjectMeta', true), spec: struct('DeploymentSpec', true), status: struct('DeploymentStatus', true) },
  },
  DeploymentSpec: {
    fields: { selector: struct('LabelSelector'), template: struct('PodTemplateSpec', true), strategy: struct('DeploymentStrategy', true) },
  },
  DeploymentStrategy: { fields: {} },
  DeploymentStatus: { fields: { conditions } },
  ReplicaSet: {
    fields: { metadata: struct('ObjectMeta', true), spec: struct('ReplicaSetSpec', true), status: struct('ReplicaSetStatus', true) },
  },
  ReplicaSetSpec: { fields: { selector: struct('LabelSelector'), template: struct('PodTemplateSpec', true) } },
  ReplicaSetStatus: { fields: { conditions } },
  StatefulSet: {
    fields: { metadata: struct('ObjectMeta', true), spec: struct('StatefulSetSpec', true), status: struct('StatefulSetStatus', true) },
  },
  StatefulSetSpec: {
    fields: {
      selector: struct('LabelSelector'), template: struct('PodTemplateSpec', true),
      updateStrategy: struct('StatefulSetUpdateStrategy', true), volumeClaimTemplates: atomicList(),
    },
  },
  StatefulSetUpdateStrategy: { fields: {} },
  StatefulSetStatus: { fields: { conditions } },
  DaemonSet: {
    fields: { metadata: struct('ObjectMeta', true), spec: struct('DaemonSetSpec', true), status: struct('DaemonSetStatus', true) },
  },
  DaemonSetSpec: {
    fields: { selector: struct('LabelSelector'), template: struct('PodTemplateSpec', true), updateStrategy: struct('DaemonSetUpdateStrategy', true) },
  },
  DaemonSetUpdateStrategy: { fields: {} },
  DaemonSetStatus: { fields: { conditions } },
  ControllerRevision: { fields: { metadata: struct('ObjectMeta', true) } },

  // ---- coordination, storage, autoscaling
  Lease: { fields: { metadata: struct('ObjectMeta', true), spec: struct('LeaseSpec', true) } },
  LeaseSpec: { fields: {} },
  StorageClass: { fields: { metadata: struct('ObjectMeta', true) } },
  Scale: { fields: { metadata: struct('ObjectMeta', true), spec: struct('ScaleSpec', true), status: struct('ScaleStatus', true) } },
  ScaleSpec: { fields: {} },
  ScaleStatus: { fields: {} },

  /** a kind missing from ROOTS: only object metadata is known */
  Unknown: { fields: { metadata: struct('ObjectMeta', true) } },
}

/** group → kind → root type. `extensions` carries the legacy workload kinds. */
export const ROOTS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  '': {
    Pod: 'Pod', PodTemplate: 'PodTemplate', Service: 'Service', Endpoints: 'Endpoints', Node: 'Node',
    PersistentVolume: 'PersistentVolume', PersistentVolumeClaim: 'PersistentVolumeClaim', Namespace: 'Namespace',
    ConfigMap: 'ConfigMap', Secret: 'Secret', ServiceAccount: 'ServiceAccount', Event: 'CoreEvent',
  },
  apps: {
    Deployment: 'Deployment', ReplicaSet: 'ReplicaSet', StatefulSet: 'StatefulSet', DaemonSet: 'DaemonSet',
    ControllerRevision: 'ControllerRevision',
  },
  extensions: { Deployment: 'Deployment', ReplicaSet: 'ReplicaSet', DaemonSet: 'DaemonSet' },
  'discovery.k8s.io': { EndpointSlice: 'EndpointSlice' },
  'coordination.k8s.io': { Lease: 'Lease' },
  'storage.k8s.io': { StorageClass: 'StorageClass' },
  'events.k8s.io': { Event: 'EventsEvent' },
  autoscaling: { Scale: 'Scale' },
}

/** Root shape used when a kind is not in the table: everything merges as plain structs. */
export const UNKNOWN_ROOT: Shape = { type: 'Unknown' }
