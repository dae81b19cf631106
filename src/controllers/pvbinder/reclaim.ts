/**
 * The data side of reclaiming a hostPath volume, on this host (where simulated nodes and the
 * seed's hostPath volumes live):
 * - recycle: what upstream's recycler pod does (`rm -rf /scrub/..?* /scrub/.[!.]* /scrub/*`
 *   then `test -z "$(ls -A /scrub)"`): empty the directory, keep the directory itself;
 * - delete: what upstream's hostPath deleter does: remove the directory, and only below /tmp.
 *
 * Both refuse paths whose loss would be a disaster (relative paths, `..`, `/`, system
 * directories, the home directory), and neither follows a symlink out of the volume: the
 * entries inside are removed as links, never through them.
 */
import { lstat, mkdir, readdir, realpath, rm } from 'node:fs/promises'
import { homedir } from 'node:os'
import { isAbsolute, join, normalize, resolve } from 'node:path'
import type { PersistentVolume } from 'kubernetes-types/core/v1.js'

/** Runs a reclaim operation's data work; throws an Error whose message becomes the event. */
export interface Reclaimer {
  /** Empty the volume's data, keeping the volume (the directory). */
  recycle(volume: PersistentVolume): Promise<void>
  /** Remove the volume's data for good (the PV object is deleted by the caller). */
  delete(volume: PersistentVolume): Promise<void>
}

const PROTECTED = new Set([
  '/', '/bin', '/boot', '/dev', '/etc', '/home', '/lib', '/lib32', '/lib64', '/libx32', '/media', '/mnt', '/opt',
  '/proc', '/root', '/run', '/sbin', '/srv', '/sys', '/tmp', '/usr', '/var', '/var/tmp', '/var/lib', '/private', '/private/tmp',
])

/** Why `path` must not be scrubbed or deleted, or undefined when it may. */
export function unsafePathReason(path: string): string | undefined {
  if (!path) return 'the path is empty'
  if (!isAbsolute(path)) return `the path ${JSON.stringify(path)} is not absolute`
  if (path.split('/').includes('..')) return `the path ${JSON.stringify(path)} contains '..'`
  const norm = normalize(path).replace(/\/+$/, '') || '/'
  if (PROTECTED.has(norm)) return `refusing to remove the contents of ${norm}`
  const home = resolve(homedir())
  if (norm === home || home.startsWith(`${norm}/`)) return `refusing to remove the contents of ${norm}: it holds the home directory`
  return undefined
}

/** The real directory a hostPath names, checked; created when missing (as a bind mount of a missing path would be). */
async function volumeDirectory(path: string): Promise<string> {
  const why = unsafePathReason(path)
  if (why) throw new Error(why)
  await mkdir(path, { recursive: true })
  const real = await realpath(path)
  const whyReal = unsafePathReason(real)
  if (whyReal) throw new Error(`${path} resolves to ${real}: ${whyReal}`)
  const st = await lstat(real)
  if (!st.isDirectory()) throw new Error(`${path} is not a directory`)
  return real
}

/** Removes everything inside `path` (links as links), then checks it is empty. */
export async function scrubDirectory(path: string): Promise<void> {
  const dir = await volumeDirectory(path)
  for (const entry of await readdir(dir)) await rm(join(dir, entry), { recursive: true, force: true })
  const left = await readdir(dir)
  if (left.length) throw new Error(`${path} is not empty after scrubbing: ${left.join(', ')}`)
}

/** Upstream's hostPath deleter: only paths below /tmp, removed entirely. */
export async function deleteHostPathDirectory(path: string): Promise<void> {
  if (!/^\/tmp\/.+/.test(path)) throw new Error(`host_path deleter only supports /tmp/.+ but received provided ${path}`)
  const why = unsafePathReason(path)
  if (why) throw new Error(why)
  await rm(path, { recursive: true, force: true })
}

/** The hostPath recycler and deleter, on this host. */
export const hostPathReclaimer: Reclaimer = {
  async recycle(volume) {
    const path = volume.spec?.hostPath?.path
    if (!path) throw new Error('spec.persistentVolumeSource.hostPath is nil')
    await scrubDirectory(path)
  },
  async delete(volume) {
    const path = volume.spec?.hostPath?.path
    if (!path) throw new Error('spec.persistentVolumeSource.hostPath is nil')
    await deleteHostPathDirectory(path)
  },
}
