#!/usr/bin/env node
// Runs every compiled test file with node:test. `--unit` skips the end-to-end suites
// (test/e2e), which start real clusters and drive real kubectl.
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { spawnSync } from 'node:child_process'

const unitOnly = process.argv.includes('--unit')
const only = process.argv.slice(2).filter((a) => !a.startsWith('--'))
function walk(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) walk(p, out)
    else if (name.endsWith('.test.js')) out.push(p)
  }
  return out
}
let files = [...walk('dist/src'), ...walk('dist/test')]
if (unitOnly) files = files.filter((f) => !f.startsWith('dist/test/e2e'))
if (only.length) files = files.filter((f) => only.some((o) => f.includes(o)))
files.sort()
const res = spawnSync(process.execPath, ['--test', '--test-concurrency=2', '--test-timeout=600000', ...files], { stdio: 'inherit' })
process.exit(res.status ?? 1)
