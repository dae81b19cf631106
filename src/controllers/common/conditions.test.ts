import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { WorkloadCondition } from './conditions.js'
import { REPLICA_FAILURE, plannedReplicaFailure, statusAfterSync, withReplicaFailure } from './conditions.js'

const T0 = Date.parse('2026-01-01T00:00:00Z')
const T1 = T0 + 60_000
const failed = (reason: string, message = 'boom', at = '2026-01-01T00:00:00Z'): WorkloadCondition =>
  ({ type: REPLICA_FAILURE, status: 'True', reason, message, lastTransitionTime: at })
const other: WorkloadCondition = { type: 'Other', status: 'True' }

test('withReplicaFailure() sets, keeps, replaces and removes the condition as upstream SetCondition/RemoveCondition', () => {
  const cases: Array<[string, WorkloadCondition[] | undefined, { reason: string; message: string } | undefined, WorkloadCondition[] | undefined]> = [
    ['set on none', undefined, { reason: 'FailedCreate', message: 'boom' }, [failed('FailedCreate')]],
    ['set beside another', [other], { reason: 'FailedCreate', message: 'boom' }, [other, failed('FailedCreate')]],
    ['same reason kept as is (first message, first time)', [failed('FailedCreate', 'first')], { reason: 'FailedCreate', message: 'second' }, [failed('FailedCreate', 'first')]],
    ['other reason replaces, new time', [failed('FailedCreate')], { reason: 'FailedDelete', message: 'gone' }, [failed('FailedDelete', 'gone', '2026-01-01T00:01:00Z')]],
    ['removed', [other, failed('FailedCreate')], undefined, [other]],
    ['removed, empty list omitted', [failed('FailedCreate')], undefined, undefined],
    ['nothing to remove', undefined, undefined, undefined],
  ]
  for (const [name, before, failure, want] of cases) {
    const now = name === 'other reason replaces, new time' ? T1 : T0
    assert.deepEqual(withReplicaFailure(before, failure, now), want, name)
  }
  const list = [failed('FailedCreate')]
  assert.equal(withReplicaFailure(list, { reason: 'FailedCreate', message: 'x' }, T1), list, 'unchanged → the same array')
  assert.equal(withReplicaFailure([other], undefined, T1)?.[0], other)
})

test('plannedReplicaFailure() keeps a loop-observed failure only while the plan is incomplete', () => {
  const create = [failed('FailedCreate')]
  const selector = [failed('InvalidSelector')]
  assert.equal(plannedReplicaFailure(create, undefined, true, T1), undefined, 'a complete plan clears it')
  assert.equal(plannedReplicaFailure(create, undefined, false, T1), create, 'an incomplete plan keeps FailedCreate')
  assert.equal(plannedReplicaFailure(selector, undefined, false, T1), undefined, 'a planner reason is re-evaluated every sync')
  assert.deepEqual(plannedReplicaFailure(create, { reason: 'InvalidSelector', message: 'bad' }, true, T1), [failed('InvalidSelector', 'bad', '2026-01-01T00:01:00Z')])
})

test('statusAfterSync() folds a failed create/delete into the status and writes only a change', () => {
  type S = { replicas: number; conditions?: WorkloadCondition[] }
  const clean: S = { replicas: 1 }
  const withCreate: S = { replicas: 1, conditions: [failed('FailedCreate')] }
  const fc = { reason: 'FailedCreate', message: 'boom' }
  const cases: Array<[string, S | undefined, S | undefined, Parameters<typeof statusAfterSync>[2], S | undefined]> = [
    ['nothing planned, nothing failed: no write', clean, undefined, {}, undefined],
    ['planned status written as is', clean, { replicas: 2 }, {}, { replicas: 2 }],
    ['create failed: condition added to the cached status', clean, undefined, { failure: fc }, withCreate],
    ['create failed: condition added to the planned status', clean, { replicas: 2 }, { failure: fc }, { replicas: 2, conditions: [failed('FailedCreate')] }],
    ['create failed again: already recorded, no write', withCreate, undefined, { failure: { reason: 'FailedCreate', message: 'later' } }, undefined],
    ['failed again while the planner cleared it: no write', withCreate, clean, { failure: fc }, undefined],
    ['clean sync after the failure: removed', withCreate, clean, {}, clean],
    ['another action failed: the recorded failure stays', withCreate, { replicas: 2 }, { otherError: true }, { replicas: 2, conditions: [failed('FailedCreate')] }],
    ['another action failed, nothing else changed: no write', withCreate, clean, { otherError: true }, undefined],
    ['no status yet', undefined, undefined, { failure: fc }, { conditions: [failed('FailedCreate')] } as S],
  ]
  for (const [name, cached, planned, outcome, want] of cases) assert.deepEqual(statusAfterSync(cached, planned, outcome, T0), want, name)
})
