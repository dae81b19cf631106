/**
 * The schema catalogue for the served resources: generated from installed npm packages on
 * first use (source.ts), kept in memory, and cached to `catalog.json` beside this module (in
 * dist/) so later processes only parse JSON. `scripts/gen-openapi.mjs` fills the cache at build
 * time. The cache is keyed by the source package versions, the served kinds and GENERATOR_VERSION.
 */
import { createHash } from 'node:crypto'
import { readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { LEGACY_ALIASES, RESOURCES } from '../../api/index.js'
import type { Catalog, GVK } from './model.js'
import { CatalogBuilder, locateSources } from './source.js'
import type { Root, SourceDirs } from './source.js'

/** part of the cache key, with the generator modules' own text */
export const GENERATOR_VERSION = 1

export interface GroupVersion {
  group: string
  version: string
}

/** Every top-level kind served, with the package directory it is read from. */
export function catalogRoots(): Root[] {
  const roots: Root[] = []
  const add = (r: Root): void => {
    if (!roots.some((x) => x.group === r.group && x.version === r.version && x.kind === r.kind)) roots.push(r)
  }
  for (const info of RESOURCES) {
    add({ group: info.group, version: info.version, kind: info.kind })
    add({ group: info.group, version: info.version, kind: info.listKind })
    for (const sub of info.subresources) add({ group: sub.group, version: sub.version, kind: sub.kind })
  }
  for (const alias of LEGACY_ALIASES) {
    add({ group: alias.group, version: alias.version, kind: alias.target.kind })
    add({ group: alias.group, version: alias.version, kind: alias.target.listKind })
  }
  return roots
}

/** The served group-versions, preferred versions first. */
export function servedGroupVersions(): GroupVersion[] {
  const out: GroupVersion[] = []
  const add = (group: string, version: string): void => {
    if (!out.some((x) => x.group === group && x.version === version)) out.push({ group, version })
  }
  for (const info of RESOURCES) add(info.group, info.version)
  for (const alias of LEGACY_ALIASES) add(alias.group, alias.version)
  return out
}

/** Meta types every group-version document refers to from its operations. */
export const META_SCHEMAS = ['apis/meta/v1/DeleteOptions', 'apis/meta/v1/Status', 'apis/meta/v1/WatchEvent', 'apis/meta/v1/Patch'] as const

export function generateCatalog(dirs: SourceDirs = locateSources()): Catalog {
  const builder = new CatalogBuilder(dirs)
  for (const root of catalogRoots()) {
    if (builder.addRoot(root)) continue
    // a legacy version the package lacks: same shape as the storage version, under its own GVK
    const alias = LEGACY_ALIASES.find((a) => a.group === root.group && a.version === root.version)
    if (alias) builder.addRoot({ ...root, from: { group: alias.target.group, version: alias.target.version } })
  }
  for (const rel of META_SCHEMAS) builder.addMachinery(rel)
  return builder.catalog()
}

function cacheKey(dirs: SourceDirs): string {
  const h = createHash('sha256')
  h.update(String(GENERATOR_VERSION))
  for (const dir of [dirs.models, dirs.machinery]) {
    try { h.update(readFileSync(join(dir, 'package.json'))) } catch { h.update('-') }
  }
  if (dirs.clientNode) {
    try { h.update(readFileSync(join(dirs.clientNode, '..', '..', '..', 'package.json'))) } catch { h.update('-') }
  }
  h.update(JSON.stringify(catalogRoots()))
  // the generator itself (compiled modules beside this one): a changed generator regenerates
  for (const mod of ['source.js', 'dts.js', 'patch-meta.js', 'catalog.js']) {
    try { h.update(readFileSync(join(HERE, mod))) } catch { h.update('-') }
  }
  return h.digest('hex').slice(0, 32)
}

const HERE = dirname(fileURLToPath(import.meta.url))
export const CACHE_FILE = join(HERE, 'catalog.json')

/** write-then-rename, so a concurrent reader never sees half a file */
function writeCache(file: string, content: CacheFile): void {
  const tmp = `${file}.${process.pid}.tmp`
  writeFileSync(tmp, JSON.stringify(content))
  renameSync(tmp, file)
}

interface CacheFile {
  key: string
  catalog: Catalog
}

let current: Catalog | undefined

/**
 * The catalogue: from memory, else from the cache file, else generated (and cached). Without
 * the source packages and without a cache it is empty (and says so once on stderr): the
 * documents then have paths but no schemas, and nothing is rejected as unknown.
 */
export function getCatalog(): Catalog {
  if (current) return current
  let dirs: SourceDirs | undefined
  let missing: string | undefined
  try { dirs = locateSources() } catch (e) { missing = (e as Error).message }
  const key = dirs ? cacheKey(dirs) : undefined
  try {
    const cached = JSON.parse(readFileSync(CACHE_FILE, 'utf8')) as CacheFile
    // without the source packages (a production install), any cache is better than none
    if (key === undefined || cached.key === key) return (current = cached.catalog)
  } catch {
    // no cache yet
  }
  if (!dirs) {
    process.stderr.write(`kubeling: ${missing ?? 'openapi sources missing'}; serving OpenAPI without schemas\n`)
    return (current = { sources: [], types: {}, gvks: {} })
  }
  current = generateCatalog(dirs)
  try {
    writeCache(CACHE_FILE, { key: cacheKey(dirs), catalog: current })
  } catch {
    // read-only install: stay in memory
  }
  return current
}

/** For tests and the build script: regenerate and rewrite the cache. */
export function writeCatalogCache(file: string = CACHE_FILE): Catalog {
  const dirs = locateSources()
  current = generateCatalog(dirs)
  writeCache(file, { key: cacheKey(dirs), catalog: current })
  return current
}

const gvkIndexes = new WeakMap<Catalog, Map<string, string>>()

/** The schema name of a top-level kind (legacy versions included), if served. */
export function schemaForGVK(cat: Catalog, gvk: GVK): string | undefined {
  let index = gvkIndexes.get(cat)
  if (!index) {
    index = new Map()
    for (const [name, list] of Object.entries(cat.gvks)) {
      for (const g of list) index.set(`${g.group}/${g.version}/${g.kind}`, name)
    }
    gvkIndexes.set(cat, index)
  }
  return index.get(`${gvk.group}/${gvk.version}/${gvk.kind}`)
}
