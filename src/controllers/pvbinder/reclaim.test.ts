import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { homedir, tmpdir } from 'node:os'
import { join } from 'node:path'
import { deleteHostPathDirectory, scrubDirectory, unsafePathReason } from './reclaim.js'

test('unsafePathReason() refuses relative paths, .., /, system directories and the home directory', () => {
  for (const p of ['', 'data', '/tmp/../etc', '/', '/etc', '/usr/', '/tmp', '/var', homedir(), '/home']) assert.ok(unsafePathReason(p), p)
  for (const p of ['/tmp/data', '/srv/volumes/pv1', join(homedir(), '.kubeling/volumes/pvc-1')]) assert.equal(unsafePathReason(p), undefined, p)
})

test('scrubDirectory() empties the directory, hidden entries included, without following links out of it', async () => {
  const root = mkdtempSync(join(tmpdir(), 'kubeling-scrub-'))
  try {
    const vol = join(root, 'vol')
    const outside = join(root, 'outside')
    mkdirSync(join(vol, 'sub'), { recursive: true })
    mkdirSync(outside)
    writeFileSync(join(outside, 'keep'), 'precious')
    writeFileSync(join(vol, 'index.html'), 'x')
    writeFileSync(join(vol, '.hidden'), 'x')
    writeFileSync(join(vol, '..dots'), 'x')
    writeFileSync(join(vol, 'sub', 'f'), 'x')
    symlinkSync(outside, join(vol, 'link'))
    await scrubDirectory(vol)
    assert.deepEqual(readdirSync(vol), [])
    assert.ok(existsSync(join(outside, 'keep')), 'the link target survives')
  } finally {
    rmSync(root, { recursive: true, force: true })
  }
})

test('scrubDirectory() creates a missing directory (as a bind mount would) and refuses unsafe paths', async () => {
  const root = mkdtempSync(join(tmpdir(), 'kubeling-scrub-'))
  try {
    await scrubDirectory(join(root, 'new'))
    assert.ok(existsSync(join(root, 'new')))
    await assert.rejects(scrubDirectory('/etc'), /refusing/)
    symlinkSync('/usr', join(root, 'sneaky'))
    await assert.rejects(scrubDirectory(join(root, 'sneaky')), /resolves to \/usr/)
  } finally {
    rmSync(root, { recursive: true, force: true })
  }
})

test('deleteHostPathDirectory() only deletes below /tmp, as upstream\'s hostPath deleter', async () => {
  await assert.rejects(deleteHostPathDirectory('/srv/data'), { message: 'host_path deleter only supports /tmp/.+ but received provided /srv/data' })
  const root = mkdtempSync(join(tmpdir(), 'kubeling-del-'))
  if (!root.startsWith('/tmp/')) return
  writeFileSync(join(root, 'f'), 'x')
  await deleteHostPathDirectory(root)
  assert.ok(!existsSync(root))
})
