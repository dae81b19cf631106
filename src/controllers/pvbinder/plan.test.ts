/**
 * The binder's tables, numbered as upstream's binder_test.go / recycle_test.go: each case is
 * an initial world, one sync of a claim or a volume, and the world (volumes, claims) plus the
 * events and operations expected afterwards. Summaries read
 * `volume phase [ns/claim@uid] {annotations}` and `claim phase [->volume] [capacity] {annotations} [class=…]`.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { PersistentVolume } from 'kubernetes-types/core/v1.js'
import { ANN_BIND_COMPLETED, ANN_BOUND_BY_CONTROLLER, ANN_DYNAMICALLY_PROVISIONED, ANN_SELECTED_NODE, ANN_STORAGE_PROVISIONER } from '../../api/storage/helpers.js'
import { deleteOutcome, isVolumeReleased, recycleOutcome } from './plan.js'
import { NOW, newClaim, newClass, newNode, newVolume, podUsing, runSync, withAnn, withSpec } from './testing.js'
import type { SyncResult, World } from './testing.js'
import { findBestMatchForClaim } from '../../api/storage/matching.js'

const BY = ANN_BOUND_BY_CONTROLLER
const DONE = ANN_BIND_COMPLETED

interface Case {
  name: string
  world: World
  sync: { claim: string } | { volume: string }
  volumes?: string[]
  claims?: string[]
  events?: string[]
  other?: string[]
}

function run(cases: readonly Case[]): void {
  for (const c of cases) {
    test(c.name, () => {
      const r: SyncResult = runSync(c.world, c.sync)
      if (c.volumes) assert.deepEqual(r.volumes, c.volumes, 'volumes')
      if (c.claims) assert.deepEqual(r.claims, c.claims, 'claims')
      assert.deepEqual(r.events, c.events ?? [], 'events')
      assert.deepEqual(r.other, c.other ?? [], 'other')
    })
  }
}

const local = (v: PersistentVolume, node: string): PersistentVolume =>
  withSpec(v, { nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] }] } } })
const modes = (v: PersistentVolume, m: string[]): PersistentVolume => withSpec(v, { accessModes: m })

// [Unit test set 1] unbound claims without volumeName: matching
run([
  {
    name: '1-1 planClaim() binds a claim to the only matching volume',
    world: { volumes: [newVolume('volume1-1', '1Gi', '', '', 'Available')], claims: [newClaim('claim1-1', 'uid1-1', '1Gi', '', 'Pending')] },
    sync: { claim: 'claim1-1' },
    volumes: ['volume1-1 Bound default/claim1-1@uid1-1 {byCtrl}'],
    claims: ['claim1-1 Bound ->volume1-1 1Gi {byCtrl,completed}'],
  },
  {
    name: '1-2 planClaim() leaves a claim Pending with FailedBinding when no volume exists and no class is set',
    world: { volumes: [], claims: [newClaim('claim1-2', 'uid1-2', '1Gi', '', 'Pending')] },
    sync: { claim: 'claim1-2' },
    claims: ['claim1-2 Pending'],
    events: ['Normal FailedBinding'],
  },
  {
    name: '1-3 planClaim() does not bind a volume that is too small',
    world: { volumes: [newVolume('volume1-3', '1Gi', '', '', 'Available')], claims: [newClaim('claim1-3', 'uid1-3', '10Gi', '', 'Pending')] },
    sync: { claim: 'claim1-3' },
    volumes: ['volume1-3 Available'],
    claims: ['claim1-3 Pending'],
    events: ['Normal FailedBinding'],
  },
  {
    name: '1-4 planClaim() chooses the smallest volume that fits',
    world: {
      volumes: [newVolume('big', '10Gi', '', '', 'Available'), newVolume('tiny', '1Gi', '', '', 'Available'), newVolume('mid', '5Gi', '', '', 'Available')],
      claims: [newClaim('claim1-4', 'uid1-4', '2Gi', '', 'Pending')],
    },
    sync: { claim: 'claim1-4' },
    volumes: ['big Available', 'tiny Available', 'mid Bound default/claim1-4@uid1-4 {byCtrl}'],
    claims: ['claim1-4 Bound ->mid 5Gi {byCtrl,completed}'],
  },
  {
    name: '1-5 planClaim() prefers the group with fewest access modes: 100Gi RWO beats 10Gi RWO+ROX (PV-012)',
    world: {
      volumes: [modes(newVolume('rwo-rox', '10Gi', '', '', 'Available'), ['ReadWriteOnce', 'ReadOnlyMany']), modes(newVolume('rwo', '100Gi', '', '', 'Available'), ['ReadWriteOnce'])],
      claims: [newClaim('claim1-5', 'uid1-5', '1Gi', '', 'Pending')],
    },
    sync: { claim: 'claim1-5' },
    volumes: ['rwo-rox Available', 'rwo Bound default/claim1-5@uid1-5 {byCtrl}'],
  },
  {
    name: '1-6 planClaim() never binds a class-less claim to a volume of another class',
    world: { volumes: [newVolume('gold', '1Gi', '', '', 'Available', 'Retain', 'gold')], claims: [newClaim('claim1-6', 'uid1-6', '1Gi', '', 'Pending')] },
    sync: { claim: 'claim1-6' },
    volumes: ['gold Available'],
    claims: ['claim1-6 Pending'],
    events: ['Normal FailedBinding'],
  },
  {
    name: '1-7 planClaim() binds a claim of class "gold" only to a "gold" volume',
    world: {
      volumes: [newVolume('plain', '1Gi', '', '', 'Available'), newVolume('gold', '5Gi', '', '', 'Available', 'Retain', 'gold')],
      claims: [newClaim('claim1-7', 'uid1-7', '1Gi', '', 'Pending', 'gold')],
    },
    sync: { claim: 'claim1-7' },
    volumes: ['plain Available', 'gold Bound default/claim1-7@uid1-7 {byCtrl}'],
  },
  {
    name: '1-8 planClaim() skips a volume whose volumeMode differs',
    world: { volumes: [withSpec(newVolume('block', '1Gi', '', '', 'Available'), { volumeMode: 'Block' })], claims: [newClaim('claim1-8', 'uid1-8', '1Gi', '', 'Pending')] },
    sync: { claim: 'claim1-8' },
    volumes: ['block Available'],
    events: ['Normal FailedBinding'],
  },
  {
    name: '1-9 planClaim() honours the claim\'s label selector',
    world: {
      volumes: [newVolume('a-small', '1Gi', '', '', 'Available'), { ...newVolume('b-labelled', '5Gi', '', '', 'Available'), metadata: { name: 'b-labelled', labels: { release: 'stable' } } }],
      claims: [withSpec(newClaim('claim1-9', 'uid1-9', '1Gi', '', 'Pending'), { selector: { matchLabels: { release: 'stable' } } })],
    },
    sync: { claim: 'claim1-9' },
    volumes: ['a-small Available', 'b-labelled Bound default/claim1-9@uid1-9 {byCtrl}'],
  },
  {
    name: '1-10 planClaim() takes a volume pre-bound to the claim (claimRef without UID) over a smaller free one, leaving bound-by-controller off it',
    world: {
      volumes: [newVolume('free', '1Gi', '', '', 'Available'), newVolume('reserved', '10Gi', '', 'claim1-10', 'Available')],
      claims: [newClaim('claim1-10', 'uid1-10', '1Gi', '', 'Pending')],
    },
    sync: { claim: 'claim1-10' },
    volumes: ['free Available', 'reserved Bound default/claim1-10@uid1-10'],
    claims: ['claim1-10 Bound ->reserved 10Gi {byCtrl,completed}'],
  },
  {
    name: '1-11 planClaim() skips a volume pre-bound to another claim',
    world: { volumes: [newVolume('reserved', '1Gi', '', 'other', 'Available')], claims: [newClaim('claim1-11', 'uid1-11', '1Gi', '', 'Pending')] },
    sync: { claim: 'claim1-11' },
    volumes: ['reserved Available default/other@'],
    events: ['Normal FailedBinding'],
  },
  {
    name: '1-12 planClaim() skips volumes that are not Available yet',
    world: { volumes: [newVolume('pending', '1Gi', '', '', 'Pending', 'Retain', 'gold')], claims: [newClaim('claim1-12', 'uid1-12', '1Gi', '', 'Pending', '')] },
    sync: { claim: 'claim1-12' },
    events: ['Normal FailedBinding'],
  },
  {
    name: '1-13 planClaim() skips a volume that is being deleted',
    world: { volumes: [{ ...newVolume('dying', '1Gi', '', '', 'Available'), metadata: { name: 'dying', deletionTimestamp: '2026-01-01T00:00:00Z' } }], claims: [newClaim('claim1-13', 'uid1-13', '1Gi', '', 'Pending')] },
    sync: { claim: 'claim1-13' },
    events: ['Normal FailedBinding'],
  },
  {
    name: '1-14 planClaim() breaks capacity ties by volume name (the seed: pv001 before pv002)',
    world: { volumes: [newVolume('pv002', '1Gi', '', '', 'Available', 'Recycle'), newVolume('pv001', '1Gi', '', '', 'Available', 'Recycle')], claims: [newClaim('www-web-0', 'uid-w0', '1Gi', '', 'Pending')] },
    sync: { claim: 'www-web-0' },
    volumes: ['pv002 Available', 'pv001 Bound default/www-web-0@uid-w0 {byCtrl}'],
    claims: ['www-web-0 Bound ->pv001 1Gi {byCtrl,completed}'],
  },
  {
    name: '1-15 planClaim() waits for the first consumer of a WaitForFirstConsumer claim',
    world: { volumes: [newVolume('local', '1Gi', '', '', 'Available', 'Retain', 'local')], claims: [newClaim('claim1-15', 'uid1-15', '1Gi', '', 'Pending', 'local')], classes: [newClass('local', 'WaitForFirstConsumer', 'kubernetes.io/no-provisioner')] },
    sync: { claim: 'claim1-15' },
    volumes: ['local Available'],
    claims: ['claim1-15 Pending class=local'],
    events: ['Normal WaitForFirstConsumer'],
  },
  {
    name: '1-16 planClaim() names the unscheduled pods a WaitForFirstConsumer claim waits for',
    world: {
      volumes: [], claims: [newClaim('claim1-16', 'uid1-16', '1Gi', '', 'Pending', 'local')], classes: [newClass('local', 'WaitForFirstConsumer')],
      pods: [podUsing('web-0', 'claim1-16')],
    },
    sync: { claim: 'claim1-16' },
    events: ['Normal WaitForPodScheduled'],
  },
  {
    name: '1-17 planClaim() binds a WaitForFirstConsumer claim to a local volume on its selected node only',
    world: {
      volumes: [local(newVolume('on-node-1', '1Gi', '', '', 'Available', 'Retain', 'local'), 'node-1'), local(newVolume('on-node-2', '5Gi', '', '', 'Available', 'Retain', 'local'), 'node-2')],
      claims: [withAnn(newClaim('claim1-17', 'uid1-17', '1Gi', '', 'Pending', 'local'), ANN_SELECTED_NODE, 'node-2')],
      classes: [newClass('local', 'WaitForFirstConsumer', 'kubernetes.io/no-provisioner')],
      nodes: [newNode('node-1'), newNode('node-2')],
    },
    sync: { claim: 'claim1-17' },
    volumes: ['on-node-1 Available', 'on-node-2 Bound default/claim1-17@uid1-17 {byCtrl}'],
  },
  {
    name: '1-18 planClaim() binds a WaitForFirstConsumer claim to a volume pre-bound to it at once',
    world: {
      volumes: [newVolume('reserved', '1Gi', '', 'claim1-18', 'Available', 'Retain', 'local')], claims: [newClaim('claim1-18', 'uid1-18', '1Gi', '', 'Pending', 'local')],
      classes: [newClass('local', 'WaitForFirstConsumer')],
    },
    sync: { claim: 'claim1-18' },
    volumes: ['reserved Bound default/claim1-18@uid1-18'],
  },
  {
    name: '1-19 planClaim() asks the class\'s external provisioner for an Immediate claim with no match',
    world: { volumes: [], claims: [newClaim('claim1-19', 'uid1-19', '1Gi', '', 'Pending', 'fast')], classes: [newClass('fast', 'Immediate', 'example.com/fast')] },
    sync: { claim: 'claim1-19' },
    claims: ['claim1-19 Pending {volume.beta.kubernetes.io/storage-provisioner=example.com/fast,volume.kubernetes.io/storage-provisioner=example.com/fast} class=fast'],
    events: ['Normal ExternalProvisioning'],
  },
  {
    name: '1-20 planClaim() reports ProvisioningFailed for a class that does not exist',
    world: { volumes: [], claims: [newClaim('claim1-20', 'uid1-20', '1Gi', '', 'Pending', 'missing')] },
    sync: { claim: 'claim1-20' },
    claims: ['claim1-20 Pending class=missing'],
    events: ['Warning ProvisioningFailed'],
  },
])

// [Unit test set 2] unbound claims that name a volume
run([
  {
    name: '2-1 planClaim() keeps a claim naming a missing volume Pending',
    world: { volumes: [], claims: [newClaim('claim2-1', 'uid2-1', '1Gi', 'volume2-1', 'Pending')] },
    sync: { claim: 'claim2-1' },
    claims: ['claim2-1 Pending ->volume2-1'],
  },
  {
    name: '2-2 planClaim() binds the named free volume; the claim is user-bound (no bound-by-controller), the volume controller-bound',
    world: { volumes: [newVolume('volume2-2', '1Gi', '', '', 'Available')], claims: [newClaim('claim2-2', 'uid2-2', '1Gi', 'volume2-2', 'Pending')] },
    sync: { claim: 'claim2-2' },
    volumes: ['volume2-2 Bound default/claim2-2@uid2-2 {byCtrl}'],
    claims: ['claim2-2 Bound ->volume2-2 1Gi {completed}'],
  },
  {
    name: '2-3 planClaim() refuses a named volume that does not satisfy the claim (VolumeMismatch)',
    world: { volumes: [newVolume('volume2-3', '1Gi', '', '', 'Available')], claims: [newClaim('claim2-3', 'uid2-3', '10Gi', 'volume2-3', 'Pending')] },
    sync: { claim: 'claim2-3' },
    volumes: ['volume2-3 Available'],
    claims: ['claim2-3 Pending ->volume2-3'],
    events: ['Warning VolumeMismatch'],
  },
  {
    name: '2-4 planClaim() completes a binding both sides were pre-bound for',
    world: { volumes: [newVolume('volume2-4', '1Gi', '', 'claim2-4', 'Available')], claims: [newClaim('claim2-4', 'uid2-4', '1Gi', 'volume2-4', 'Pending')] },
    sync: { claim: 'claim2-4' },
    volumes: ['volume2-4 Bound default/claim2-4@uid2-4'],
    claims: ['claim2-4 Bound ->volume2-4 1Gi {completed}'],
  },
  {
    name: '2-5 planClaim() keeps a user-bound claim Pending while its volume belongs to another claim',
    world: { volumes: [newVolume('volume2-5', '1Gi', 'uid-other', 'other', 'Bound')], claims: [newClaim('claim2-5', 'uid2-5', '1Gi', 'volume2-5', 'Pending')] },
    sync: { claim: 'claim2-5' },
    claims: ['claim2-5 Pending ->volume2-5'],
    events: ['Warning FailedBinding'],
  },
  {
    name: '2-6 planClaim() fails (retries) when a controller-bound claim\'s volume belongs to another claim',
    world: { volumes: [newVolume('volume2-6', '1Gi', 'uid-other', 'other', 'Bound')], claims: [newClaim('claim2-6', 'uid2-6', '1Gi', 'volume2-6', 'Pending', undefined, [BY])] },
    sync: { claim: 'claim2-6' },
    events: ['Warning FailedBinding'],
    other: ['blocked'],
  },
])

// [Unit test set 3] bound claims
run([
  {
    name: '3-1 planClaim() marks a bound claim without volumeName Lost',
    world: { volumes: [], claims: [newClaim('claim3-1', 'uid3-1', '1Gi', '', 'Bound', undefined, [DONE])] },
    sync: { claim: 'claim3-1' },
    claims: ['claim3-1 Lost {completed}'],
    events: ['Warning ClaimLost'],
  },
  {
    name: '3-2 planClaim() marks a claim whose volume vanished Lost (PV-032)',
    world: { volumes: [], claims: [newClaim('claim3-2', 'uid3-2', '1Gi', 'volume3-2', 'Bound', undefined, [DONE])] },
    sync: { claim: 'claim3-2' },
    claims: ['claim3-2 Lost ->volume3-2 {completed}'],
    events: ['Warning ClaimLost'],
  },
  {
    name: '3-3 planClaim() re-binds a volume that came unbound',
    world: { volumes: [newVolume('volume3-3', '1Gi', '', '', 'Available')], claims: [newClaim('claim3-3', 'uid3-3', '1Gi', 'volume3-3', 'Bound', undefined, [DONE, BY])] },
    sync: { claim: 'claim3-3' },
    volumes: ['volume3-3 Bound default/claim3-3@uid3-3 {byCtrl}'],
    claims: ['claim3-3 Bound ->volume3-3 1Gi {byCtrl,completed}'],
  },
  {
    name: '3-4 planClaim() does nothing for a correctly bound pair',
    world: { volumes: [newVolume('volume3-4', '1Gi', 'uid3-4', 'claim3-4', 'Bound', 'Retain', '', [BY])], claims: [newClaim('claim3-4', 'uid3-4', '1Gi', 'volume3-4', 'Bound', undefined, [DONE, BY])] },
    sync: { claim: 'claim3-4' },
    volumes: ['volume3-4 Bound default/claim3-4@uid3-4 {byCtrl}'],
    claims: ['claim3-4 Bound ->volume3-4 1Gi {byCtrl,completed}'],
  },
  {
    name: '3-5 planClaim() marks a claim whose volume is bound to another claim Lost (ClaimMisbound)',
    world: { volumes: [newVolume('volume3-5', '1Gi', 'uid-other', 'claim3-5', 'Bound')], claims: [newClaim('claim3-5', 'uid3-5', '1Gi', 'volume3-5', 'Bound', undefined, [DONE])] },
    sync: { claim: 'claim3-5' },
    claims: ['claim3-5 Lost ->volume3-5 {completed}'],
    events: ['Warning ClaimMisbound'],
  },
  {
    name: '3-6 planClaim() reports a Lost claim only once',
    world: { volumes: [], claims: [newClaim('claim3-6', 'uid3-6', '1Gi', 'volume3-6', 'Lost', undefined, [DONE])] },
    sync: { claim: 'claim3-6' },
    claims: ['claim3-6 Lost ->volume3-6 {completed}'],
  },
])

// [Unit test set 4] volumes
run([
  {
    name: '4-1 planVolume() makes a new unused volume Available',
    world: { volumes: [newVolume('volume4-1', '1Gi', '', '', 'Pending')], claims: [] },
    sync: { volume: 'volume4-1' },
    volumes: ['volume4-1 Available'],
  },
  {
    name: '4-2 planVolume() keeps a volume pre-bound to a claim Available and syncs the claim',
    world: { volumes: [newVolume('volume4-2', '1Gi', '', 'claim4-2', 'Pending')], claims: [] },
    sync: { volume: 'volume4-2' },
    volumes: ['volume4-2 Available default/claim4-2@'],
    other: ['enqueue default/claim4-2'],
  },
  {
    name: '4-3 planVolume() makes a volume whose claim names it Bound',
    world: { volumes: [newVolume('volume4-3', '1Gi', 'uid4-3', 'claim4-3', 'Available', 'Retain', '', [BY])], claims: [newClaim('claim4-3', 'uid4-3', '1Gi', 'volume4-3', 'Bound', undefined, [DONE])] },
    sync: { volume: 'volume4-3' },
    volumes: ['volume4-3 Bound default/claim4-3@uid4-3 {byCtrl}'],
  },
  {
    name: '4-4 planVolume() leaves a half-done binding to the claim sync',
    world: { volumes: [newVolume('volume4-4', '1Gi', 'uid4-4', 'claim4-4', 'Bound', 'Retain', '', [BY])], claims: [newClaim('claim4-4', 'uid4-4', '1Gi', '', 'Pending')] },
    sync: { volume: 'volume4-4' },
    volumes: ['volume4-4 Bound default/claim4-4@uid4-4 {byCtrl}'],
    other: ['enqueue default/claim4-4'],
  },
  {
    name: '4-5 planVolume() unbinds a controller-bound volume whose claim bound elsewhere (PV-033)',
    world: { volumes: [newVolume('volume4-5', '1Gi', 'uid4-5', 'claim4-5', 'Bound', 'Retain', '', [BY])], claims: [newClaim('claim4-5', 'uid4-5', '1Gi', 'other', 'Bound', undefined, [DONE])] },
    sync: { volume: 'volume4-5' },
    volumes: ['volume4-5 Available'],
  },
  {
    name: '4-6 planVolume() keeps a user pre-binding when the claim bound elsewhere, clearing only the UID',
    world: { volumes: [newVolume('volume4-6', '1Gi', 'uid4-6', 'claim4-6', 'Bound')], claims: [newClaim('claim4-6', 'uid4-6', '1Gi', 'other', 'Bound', undefined, [DONE])] },
    sync: { volume: 'volume4-6' },
    volumes: ['volume4-6 Available default/claim4-6@'],
  },
  {
    name: '4-7 planVolume() reports a volumeMode mismatch with its pre-bound claim on both',
    world: { volumes: [withSpec(newVolume('volume4-7', '1Gi', 'uid4-7', 'claim4-7', 'Bound'), { volumeMode: 'Block' })], claims: [newClaim('claim4-7', 'uid4-7', '1Gi', '', 'Pending')] },
    sync: { volume: 'volume4-7' },
    events: ['Warning VolumeMismatch', 'Warning VolumeMismatch'],
  },
])

// [Unit test set 5] the default class, assigned retroactively
const standard = newClass('standard', 'WaitForFirstConsumer', 'kubeling.dev/local-path', true)
run([
  {
    name: '5-1 planClaim() gives a class-less claim with no class-less match the default class',
    world: { volumes: [], claims: [newClaim('claim5-1', 'uid5-1', '1Gi', '', 'Pending')], classes: [standard] },
    sync: { claim: 'claim5-1' },
    claims: ['claim5-1 Pending class=standard'],
  },
  {
    name: '5-2 planClaim() binds a class-less claim to a class-less volume even though a default class exists (the seed)',
    world: { volumes: [newVolume('pv001', '1Gi', '', '', 'Available', 'Recycle')], claims: [newClaim('www-web-0', 'uid5-2', '1Gi', '', 'Pending')], classes: [standard] },
    sync: { claim: 'www-web-0' },
    volumes: ['pv001 Bound default/www-web-0@uid5-2 {byCtrl}'],
    claims: ['www-web-0 Bound ->pv001 1Gi {byCtrl,completed}'],
  },
  {
    name: '5-3 planClaim() waits for a fitting class-less volume that is still Pending before choosing the default class',
    world: { volumes: [newVolume('pv001', '1Gi', '', '', 'Pending', 'Recycle')], claims: [newClaim('www-web-0', 'uid5-3', '1Gi', '', 'Pending')], classes: [standard] },
    sync: { claim: 'www-web-0' },
    claims: ['www-web-0 Pending'],
    other: ['requeue 1000ms'],
  },
  {
    name: '5-4 planClaim() never defaults an explicit "" class (PV-021)',
    world: { volumes: [], claims: [newClaim('claim5-4', 'uid5-4', '1Gi', '', 'Pending', '')], classes: [standard] },
    sync: { claim: 'claim5-4' },
    claims: ['claim5-4 Pending class='],
    events: ['Normal FailedBinding'],
  },
])

// [Unit test set 6] delayed binding and provisioning
run([
  {
    name: '6-1 planClaim() records the node of an already scheduled consumer as the selected node',
    world: { volumes: [], claims: [newClaim('claim6-1', 'uid6-1', '1Gi', '', 'Pending', 'standard')], classes: [standard], pods: [podUsing('web-0', 'claim6-1', 'node-3')] },
    sync: { claim: 'claim6-1' },
    claims: [`claim6-1 Pending {${ANN_SELECTED_NODE}=node-3} class=standard`],
  },
  {
    name: '6-2 planClaim() hands a claim with a selected node and no static match to the provisioner',
    world: { volumes: [], claims: [withAnn(newClaim('claim6-2', 'uid6-2', '1Gi', '', 'Pending', 'standard'), ANN_SELECTED_NODE, 'node-1')], classes: [standard], nodes: [newNode('node-1')] },
    sync: { claim: 'claim6-2' },
    claims: [`claim6-2 Pending {volume.beta.kubernetes.io/storage-provisioner=kubeling.dev/local-path,${ANN_SELECTED_NODE}=node-1,${ANN_STORAGE_PROVISIONER}=kubeling.dev/local-path} class=standard`],
    events: ['Normal ExternalProvisioning'],
  },
  {
    name: '6-3 planClaim() binds the volume a provisioner made for the claim',
    world: {
      volumes: [withAnn(local(newVolume('pvc-uid6-3', '1Gi', 'uid6-3', 'claim6-3', 'Bound', 'Delete', 'standard', [BY]), 'node-1'), ANN_DYNAMICALLY_PROVISIONED, 'kubeling.dev/local-path')],
      claims: [withAnn(newClaim('claim6-3', 'uid6-3', '1Gi', '', 'Pending', 'standard'), ANN_SELECTED_NODE, 'node-1')],
      classes: [standard], nodes: [newNode('node-1')],
    },
    sync: { claim: 'claim6-3' },
    volumes: ['pvc-uid6-3 Bound default/claim6-3@uid6-3 {byCtrl,pv.kubernetes.io/provisioned-by}'],
    claims: [`claim6-3 Bound ->pvc-uid6-3 1Gi {byCtrl,completed,${ANN_SELECTED_NODE}=node-1} class=standard`],
  },
])

// [Unit test set 7] reclaim after the claim is deleted
run([
  {
    name: '7-1 planVolume() releases a Retain volume and keeps it (PV-030)',
    world: { volumes: [newVolume('volume7-1', '1Gi', 'uid7-1', 'claim7-1', 'Bound', 'Retain', '', [BY])], claims: [] },
    sync: { volume: 'volume7-1' },
    volumes: ['volume7-1 Released default/claim7-1@uid7-1 {byCtrl}'],
  },
  {
    name: '7-2 planVolume() releases a Recycle hostPath volume and recycles it',
    world: { volumes: [newVolume('volume7-2', '1Gi', 'uid7-2', 'claim7-2', 'Bound', 'Recycle', '', [BY])], claims: [] },
    sync: { volume: 'volume7-2' },
    volumes: ['volume7-2 Released default/claim7-2@uid7-2 {byCtrl}'],
    other: ['recycle volume7-2'],
  },
  {
    name: '7-3 planVolume() releases a Delete hostPath volume and deletes it',
    world: { volumes: [newVolume('volume7-3', '1Gi', 'uid7-3', 'claim7-3', 'Bound', 'Delete', '', [BY])], claims: [] },
    sync: { volume: 'volume7-3' },
    volumes: ['volume7-3 Released default/claim7-3@uid7-3 {byCtrl}'],
    other: ['delete volume7-3'],
  },
  {
    name: '7-4 planVolume() leaves deleting an externally provisioned volume to its provisioner',
    world: { volumes: [newVolume('volume7-4', '1Gi', 'uid7-4', 'claim7-4', 'Bound', 'Delete', 'standard', [BY, ANN_DYNAMICALLY_PROVISIONED])], claims: [] },
    sync: { volume: 'volume7-4' },
    volumes: ['volume7-4 Released default/claim7-4@uid7-4 {byCtrl,pv.kubernetes.io/provisioned-by}'],
  },
  {
    name: '7-5 planVolume() fails a Recycle volume no recycler handles',
    world: { volumes: [withSpec({ ...newVolume('volume7-5', '1Gi', 'uid7-5', 'claim7-5', 'Bound', 'Recycle', '', [BY]) }, { nfs: { server: 'nfs', path: '/x' } })].map((v) => { const s = { ...v.spec }; delete s.hostPath; return { ...v, spec: s } }), claims: [] },
    sync: { volume: 'volume7-5' },
    volumes: ['volume7-5 Failed default/claim7-5@uid7-5 {byCtrl}'],
    events: ['Warning VolumeFailedRecycle'],
  },
  {
    name: '7-6 planVolume() fails a volume with an unknown reclaim policy',
    world: { volumes: [newVolume('volume7-6', '1Gi', 'uid7-6', 'claim7-6', 'Bound', 'Shred', '', [BY])], claims: [] },
    sync: { volume: 'volume7-6' },
    volumes: ['volume7-6 Failed default/claim7-6@uid7-6 {byCtrl}'],
    events: ['Warning VolumeUnknownReclaimPolicy'],
  },
  {
    name: '7-7 planVolume() retries reclaiming a Failed volume without changing its phase',
    world: { volumes: [newVolume('volume7-7', '1Gi', 'uid7-7', 'claim7-7', 'Failed', 'Recycle', '', [BY])], claims: [] },
    sync: { volume: 'volume7-7' },
    volumes: ['volume7-7 Failed default/claim7-7@uid7-7 {byCtrl}'],
    other: ['recycle volume7-7'],
  },
  {
    name: '7-8 planVolume() treats a claim re-created under the same name (new UID) as deleted',
    world: { volumes: [newVolume('volume7-8', '1Gi', 'uid7-8', 'claim7-8', 'Bound', 'Retain', '', [BY])], claims: [newClaim('claim7-8', 'uid-new', '1Gi', '', 'Pending')] },
    sync: { volume: 'volume7-8' },
    volumes: ['volume7-8 Released default/claim7-8@uid7-8 {byCtrl}'],
  },
  {
    name: '7-9 planVolume() deletes a provisioned Delete volume whose claim bound elsewhere (external provisioner does it)',
    world: { volumes: [newVolume('volume7-9', '1Gi', 'uid7-9', 'claim7-9', 'Bound', 'Delete', 'standard', [BY, ANN_DYNAMICALLY_PROVISIONED])], claims: [newClaim('claim7-9', 'uid7-9', '1Gi', 'other', 'Bound', 'standard', [DONE])] },
    sync: { volume: 'volume7-9' },
    volumes: ['volume7-9 Released default/claim7-9@uid7-9 {byCtrl,pv.kubernetes.io/provisioned-by}'],
  },
])

test('7-10 recycleOutcome() makes a recycled volume Available with its binding removed', () => {
  const vol = newVolume('pv002', '1Gi', 'uid', 'www-web-1', 'Released', 'Recycle', '', [BY])
  const actions = recycleOutcome(vol, { type: 'recycled' }, NOW)
  assert.deepEqual(actions.map((a) => a.type), ['recordEvent', 'updateVolume', 'updateVolumeStatus'])
  const updated = actions.find((a) => a.type === 'updateVolume')
  assert.ok(updated?.type === 'updateVolume')
  assert.equal(updated.volume.spec?.claimRef, undefined)
  assert.equal(updated.volume.metadata?.annotations, undefined)
  const status = actions.find((a) => a.type === 'updateVolumeStatus')
  assert.ok(status?.type === 'updateVolumeStatus')
  assert.equal(status.volume.status?.phase, 'Available')
  assert.equal(status.volume.status?.lastPhaseTransitionTime, '2026-01-01T00:00:00Z')
  const ev = actions[0]
  assert.ok(ev?.type === 'recordEvent')
  assert.deepEqual(ev.event, { eventType: 'Normal', reason: 'VolumeRecycled', message: 'Volume recycled' })
})

test('7-11 recycleOutcome() keeps a user pre-binding (only the UID goes) after recycling', () => {
  const vol = newVolume('pv', '1Gi', 'uid', 'mine', 'Released', 'Recycle')
  const updated = recycleOutcome(vol, { type: 'recycled' }, NOW).find((a) => a.type === 'updateVolume')
  assert.ok(updated?.type === 'updateVolume')
  assert.deepEqual(updated.volume.spec?.claimRef, { kind: 'PersistentVolumeClaim', namespace: 'default', name: 'mine', apiVersion: 'v1' })
})

test('7-12 recycleOutcome() reports pods still using the volume and fails on scrub errors', () => {
  const vol = newVolume('pv', '1Gi', 'uid', 'c', 'Released', 'Recycle', '', [BY])
  const used = recycleOutcome(vol, { type: 'inUse', pods: ['default/web-1'] }, NOW)
  assert.deepEqual(used.map((a) => (a.type === 'recordEvent' ? a.event : a.type)), [{ eventType: 'Normal', reason: 'VolumeFailedRecycle', message: 'Volume is used by pods: default/web-1' }])
  const failed = recycleOutcome(vol, { type: 'failed', error: 'EACCES' }, NOW)
  assert.deepEqual(failed.map((a) => a.type), ['updateVolumeStatus', 'recordEvent'])
  const st = failed[0]
  assert.ok(st?.type === 'updateVolumeStatus')
  assert.equal(st.volume.status?.phase, 'Failed')
  assert.equal(st.volume.status?.message, 'Recycle failed: EACCES')
  assert.deepEqual(recycleOutcome(vol, { type: 'notReleased' }, NOW), [])
})

test('7-13 deleteOutcome() deletes the PV object after its data, and fails the volume on errors', () => {
  const vol = newVolume('pv', '1Gi', 'uid', 'c', 'Released', 'Delete', '', [BY])
  assert.equal(deleteOutcome(vol, { type: 'deleted' }, NOW), 'deleteVolume')
  const failed = deleteOutcome(vol, { type: 'failed', error: 'host_path deleter only supports /tmp/.+ but received provided /data' }, NOW)
  assert.ok(Array.isArray(failed))
  assert.deepEqual(failed.map((a) => a.type), ['updateVolumeStatus', 'recordEvent'])
})

test('7-14 isVolumeReleased() is true only for a volume whose claim is gone, replaced or bound elsewhere', () => {
  const vol = newVolume('pv', '1Gi', 'uid', 'c', 'Bound', 'Recycle', '', [BY])
  assert.equal(isVolumeReleased(vol, undefined), true)
  assert.equal(isVolumeReleased(vol, newClaim('c', 'uid', '1Gi', 'pv', 'Bound')), false)
  assert.equal(isVolumeReleased(vol, newClaim('c', 'uid', '1Gi', '', 'Pending')), false)
  assert.equal(isVolumeReleased(vol, newClaim('c', 'uid', '1Gi', 'other', 'Bound')), true)
  assert.equal(isVolumeReleased(vol, newClaim('c', 'new-uid', '1Gi', '', 'Pending')), true)
  assert.equal(isVolumeReleased(newVolume('pv', '1Gi', '', 'c', 'Available'), undefined), false, 'a pre-binding without UID is not released')
  assert.equal(isVolumeReleased(newVolume('pv', '1Gi', '', '', 'Available'), undefined), false)
})

test('findBestMatchForClaim() on the scheduler path checks access modes and node affinity', () => {
  const rox = modes(newVolume('rox', '1Gi', '', '', 'Available'), ['ReadOnlyMany'])
  const onNode1 = local(newVolume('n1', '1Gi', '', '', 'Available'), 'node-1')
  const claim = newClaim('c', 'u', '1Gi', '', 'Pending')
  assert.equal(findBestMatchForClaim(claim, [rox, onNode1], { node: newNode('node-2') }), undefined)
  assert.equal(findBestMatchForClaim(claim, [rox, onNode1], { node: newNode('node-1') })?.metadata?.name, 'n1')
  assert.equal(findBestMatchForClaim(claim, [onNode1], { delayBinding: true }), undefined, 'the binder does not choose for a delayed claim')
})
