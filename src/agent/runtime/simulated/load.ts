/**
 * Loading stage files: the defaults shipped in `stages/*.yaml`, or a user's `--stages DIR`.
 * Files are read in name order; documents in file order. The shipped directory is found
 * next to this module (when a build copies it) or in the source tree the module was built
 * from, so `tsc` needs no copy step.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseStages, StageError } from './stage.js'
import type { Stage } from './stage.js'

const STAGES_REL = join('src', 'agent', 'runtime', 'simulated', 'stages')

/** The shipped stages directory. */
export function defaultStagesDir(): string {
  const here = dirname(fileURLToPath(import.meta.url))
  const beside = join(here, 'stages')
  if (existsSync(beside)) return beside
  for (let dir = here; ; dir = dirname(dir)) {
    const candidate = join(dir, STAGES_REL)
    if (existsSync(candidate)) return candidate
    if (dirname(dir) === dir) break
  }
  throw new Error(`simulated runtime: cannot find the default stages (looked for stages/ beside ${here} and ${STAGES_REL} above it)`)
}

/** Loads every *.yaml / *.yml file of `dir`; throws StageError naming the file and field. */
export function loadStages(dir: string = defaultStagesDir()): Stage[] {
  const abs = resolve(dir)
  if (!existsSync(abs) || !statSync(abs).isDirectory()) throw new Error(`--stages ${dir}: not a directory`)
  const files = readdirSync(abs).filter((f) => /\.ya?ml$/.test(f)).sort()
  if (files.length === 0) throw new Error(`--stages ${dir}: no *.yaml stage files`)
  const stages: Stage[] = []
  const names = new Map<string, string>()
  for (const f of files) {
    for (const s of parseStages(readFileSync(join(abs, f), 'utf8'), join(dir, f))) {
      const prev = names.get(s.name)
      if (prev) throw new StageError(s.source, 'metadata.name', `duplicate stage name "${s.name}" (also in ${prev})`)
      names.set(s.name, s.source)
      stages.push(s)
    }
  }
  return stages
}
