/**
 * Builds the schema catalogue from installed npm packages, so that no upstream prose is
 * committed here:
 *
 * - `kubernetes-models` (+ `@kubernetes-models/apimachinery`): the generated .d.ts files carry
 *   every type and field of the upstream OpenAPI spec with its description (including the
 *   "Possible enum values" text), enums as string-literal unions, required fields, and the
 *   legacy group-versions (apps/v1beta1, apps/v1beta2, extensions/v1beta1).
 * - `@kubernetes/client-node`: its generated models' `attributeTypeMap` gives the numeric and
 *   string formats (int32 / int64 / double / byte) that TypeScript's `number` loses.
 * - patch-meta.ts: the x-kubernetes-* list/map/patch markers, which neither package carries.
 *
 * Only the types reachable from the requested roots are parsed (a few hundred files).
 */
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseDts } from './dts.js'
import type { DtsFile, TsInterface, TsMember, TsType } from './dts.js'
import type { Catalog, FieldDef, GVK, TypeDef, TypeKind, TypeRef } from './model.js'
import { PATCH_META } from './patch-meta.js'

export interface SourceDirs {
  /** node_modules/kubernetes-models */
  models: string
  /** node_modules/@kubernetes-models/apimachinery */
  machinery: string
  /** node_modules/@kubernetes/client-node/dist/gen/models (optional: formats fall back to int32) */
  clientNode?: string
  /** node_modules/kubernetes-types (optional: descriptions kubernetes-models lacks, e.g. Quantity's) */
  types?: string
}

export interface Root extends GVK {
  /** the package directory (group dir + version) the kind is read from; defaults to the GVK's own */
  from?: { group: string; version: string }
}

function findPackage(start: string, name: string): string | undefined {
  let dir = start
  for (;;) {
    const candidate = join(dir, 'node_modules', name)
    if (existsSync(join(candidate, 'package.json'))) return candidate
    const parent = dirname(dir)
    if (parent === dir) return undefined
    dir = parent
  }
}

/** Finds the source packages from this module's location upwards (node_modules resolution). */
export function locateSources(start: string = dirname(fileURLToPath(import.meta.url))): SourceDirs {
  const models = findPackage(start, 'kubernetes-models')
  if (!models) throw new Error('openapi: the npm package kubernetes-models is not installed')
  const machinery = findPackage(models, '@kubernetes-models/apimachinery') ?? findPackage(start, '@kubernetes-models/apimachinery')
  if (!machinery) throw new Error('openapi: the npm package @kubernetes-models/apimachinery is not installed')
  const client = findPackage(start, '@kubernetes/client-node')
  const clientModels = client ? join(client, 'dist', 'gen', 'models') : undefined
  const types = findPackage(start, 'kubernetes-types')
  return {
    models, machinery,
    ...(clientModels && existsSync(clientModels) ? { clientNode: clientModels } : {}),
    ...(types ? { types } : {}),
  }
}

function packageVersion(dir: string): string {
  try {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string }
    return `${pkg.name ?? '?'}@${pkg.version ?? '?'}`
  } catch {
    return '?'
  }
}

const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1)

/** io.k8s.api.apps.v1 → group dir "apps"; io.k8s.api.core.v1 → "" */
const GROUP_DIRS: Record<string, string> = {
  core: '', apps: 'apps', autoscaling: 'autoscaling', policy: 'policy', batch: 'batch', extensions: 'extensions',
  discovery: 'discovery.k8s.io', coordination: 'coordination.k8s.io', storage: 'storage.k8s.io', events: 'events.k8s.io',
  networking: 'networking.k8s.io', rbac: 'rbac.authorization.k8s.io', scheduling: 'scheduling.k8s.io', node: 'node.k8s.io',
}

/** API group ("", "apps", "discovery.k8s.io") → the short package segment of upstream schema names */
export function groupSegment(group: string): string {
  return group === '' ? 'core' : group.split('.')[0]!
}

/** client-node formats: ClassName → field → {type, format} */
class ClientNodeFormats {
  private readonly cache = new Map<string, Map<string, { type: string; format: string }> | null>()
  constructor(private readonly dir: string | undefined) {}

  private load(cls: string): Map<string, { type: string; format: string }> | null {
    if (this.cache.has(cls)) return this.cache.get(cls)!
    let result: Map<string, { type: string; format: string }> | null = null
    if (this.dir) {
      const file = join(this.dir, `${cls}.js`)
      if (existsSync(file)) {
        result = new Map()
        const text = readFileSync(file, 'utf8')
        const re = /"baseName": "([^"]+)",\s*"type": "([^"]*)",\s*"format": "([^"]*)"/g
        for (let m = re.exec(text); m; m = re.exec(text)) result.set(m[1]!, { type: m[2]!, format: m[3]! })
      }
    }
    this.cache.set(cls, result)
    return result
  }

  /** the attribute of `field` in the client-node class for upstream schema `schema` */
  attr(schema: string, field: string): { type: string; format: string } | undefined {
    const parts = schema.split('.')
    const name = parts[parts.length - 1]!
    const version = parts[parts.length - 2]!
    const pkg = parts[parts.length - 3]!
    const candidates = [`${cap(pkg)}${cap(version)}${name}`, `${cap(version)}${name}`]
    // legacy versions are not in client-node: fall back to the v1 type of the same name
    if (version !== 'v1') candidates.push(`${cap(pkg === 'extensions' ? 'apps' : pkg)}V1${name}`, `V1${name}`)
    for (const cls of candidates) {
      const attrs = this.load(cls)
      const a = attrs?.get(field)
      if (a) return a
    }
    return undefined
  }
}

interface ParsedFile {
  path: string
  dts: DtsFile
}

export class CatalogBuilder {
  private readonly files = new Map<string, ParsedFile>()
  private readonly types: Record<string, TypeDef> = {}
  private readonly gvks: Record<string, GVK[]> = {}
  private readonly queue: { name: string; file: string; iface?: string }[] = []
  private readonly formats: ClientNodeFormats
  private stdDocs: { apiVersion?: string; kind?: string } = {}

  constructor(private readonly dirs: SourceDirs) {
    this.formats = new ClientNodeFormats(dirs.clientNode)
    // the standard apiVersion/kind descriptions (TypeMeta kinds declare them as bare literals)
    const status = this.file(join(dirs.machinery, 'apis', 'meta', 'v1', 'Status.d.ts'))
    for (const iface of status?.dts.interfaces.values() ?? []) {
      for (const m of iface.members) {
        if (m.name === 'apiVersion' && m.doc) this.stdDocs.apiVersion = m.doc
        if (m.name === 'kind' && m.doc) this.stdDocs.kind = m.doc
      }
    }
  }

  private file(path: string): ParsedFile | undefined {
    if (this.files.has(path)) return this.files.get(path)
    if (!existsSync(path)) return undefined
    const parsed = { path, dts: parseDts(readFileSync(path, 'utf8')) }
    this.files.set(path, parsed)
    return parsed
  }

  /** The upstream schema name of a declaration file, from its location in its package. */
  schemaNameOfFile(path: string): string {
    const base = (p: string): string => p.replace(/\.d\.ts$/, '')
    const relM = relative(this.dirs.machinery, path)
    if (!relM.startsWith('..')) return 'io.k8s.apimachinery.pkg.' + base(relM).split(sep).join('.')
    const parts = base(relative(this.dirs.models, path)).split(sep)
    if (parts.length === 2) return `io.k8s.api.core.${parts[0]}.${parts[1]}`
    const groupDir = parts[0]!
    const pkg = groupDir.split('.')[0]!
    return `io.k8s.api.${pkg}.${parts.slice(1).join('.')}`
  }

  private kindFile(group: string, version: string, kind: string): string {
    const dir = group === '' ? join(this.dirs.models, version) : join(this.dirs.models, GROUP_DIRS[groupSegment(group)] ?? group, version)
    return join(dir, `${kind}.d.ts`)
  }

  private resolveModule(fromFile: string, spec: string): string | undefined {
    let path: string
    if (spec.startsWith('.')) path = resolve(dirname(fromFile), spec)
    else if (spec.startsWith('@kubernetes-models/apimachinery/')) path = join(this.dirs.machinery, spec.slice('@kubernetes-models/apimachinery/'.length))
    else if (spec.startsWith('kubernetes-models/')) path = join(this.dirs.models, spec.slice('kubernetes-models/'.length))
    else return undefined
    path = path.replace(/\.js$/, '')
    return `${path}.d.ts`
  }

  /** Adds a top-level kind (and everything it references) to the catalogue. Returns its schema name. */
  addRoot(root: Root): string | undefined {
    const from = root.from ?? root
    const file = this.kindFile(from.group, from.version, root.kind)
    if (!this.file(file)) return undefined
    const name = this.enqueue(file)
    const list = (this.gvks[name] ??= [])
    if (!list.some((g) => g.group === root.group && g.version === root.version && g.kind === root.kind)) {
      list.push({ group: root.group, version: root.version, kind: root.kind })
    }
    this.drain()
    return name
  }

  /** Adds an apimachinery schema by path ("apis/meta/v1/DeleteOptions"), without a GVK. */
  addMachinery(relPath: string): string | undefined {
    const file = join(this.dirs.machinery, `${relPath}.d.ts`)
    if (!this.file(file)) return undefined
    const name = this.enqueue(file)
    this.drain()
    return name
  }

  private enqueue(file: string): string {
    const name = this.schemaNameOfFile(file)
    if (!this.types[name] && !this.queue.some((q) => q.name === name)) this.queue.push({ name, file })
    return name
  }

  private drain(): void {
    for (let item = this.queue.shift(); item; item = this.queue.shift()) {
      if (this.types[item.name]) continue
      this.types[item.name] = this.buildType(item.name, item.file)
    }
  }

  private buildType(name: string, path: string): TypeDef {
    const parsed = this.file(path)
    if (!parsed) return { name, kind: 'raw' }
    const { dts } = parsed
    const special = SPECIAL_KINDS[name]
    // each file declares one interface (a struct) or one alias (IntOrString, Quantity, Time …)
    const iface = [...dts.interfaces.values()][0]
    const alias = [...dts.aliases.values()].find((a) => a.type.k !== 'ref')
    const description = iface?.doc ?? alias?.doc ?? this.fallbackDescription(name)
    if (special) return { name, kind: special, ...(description ? { description } : {}) }
    if (!iface) return { name, kind: 'raw', ...(description ? { description } : {}) }
    if (iface.members.length === 0) return { name, kind: 'raw', ...(description ? { description } : {}) }
    const fields = iface.members.map((m) => this.buildField(name, parsed, iface, m))
    fields.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    const meta = PATCH_META[name]
    const typeExt = meta?.['']
    return { name, kind: 'object', fields, ...(description ? { description } : {}), ...(typeExt ? { ext: { ...typeExt } } : {}) }
  }

  /** the type's description in kubernetes-types, for the few types kubernetes-models has none for */
  private fallbackDescription(name: string): string | undefined {
    if (!this.dirs.types) return undefined
    const parts = name.split('.')
    const short = parts.pop()!
    let rel: string[]
    if (name.startsWith('io.k8s.apimachinery.pkg.')) rel = parts.slice(4).filter((p, i) => !(i === 0 && p === 'apis'))
    else if (name.startsWith('io.k8s.api.')) rel = parts.slice(3)
    else return undefined
    const parsed = this.file(join(this.dirs.types, ...rel) + '.d.ts')
    return parsed?.dts.interfaces.get(short)?.doc ?? parsed?.dts.aliases.get(short)?.doc
  }

  private buildField(owner: string, file: ParsedFile, iface: TsInterface, m: TsMember): FieldDef {
    if (iface.extendsTypeMeta && (m.name === 'apiVersion' || m.name === 'kind')) {
      const doc = m.doc ?? this.stdDocs[m.name]
      return { name: m.name, type: { t: 'string' }, ...(doc ? { description: doc } : {}) }
    }
    const type = this.convert(owner, m.name, file, m.type)
    const ext = PATCH_META[owner]?.[m.name]
    return {
      name: m.name,
      type,
      ...(m.doc ? { description: m.doc } : {}),
      ...(!m.optional ? { required: true } : {}),
      ...(ext ? { ext: { ...ext } } : {}),
    }
  }

  private convert(owner: string, field: string, file: ParsedFile, t: TsType): TypeRef {
    switch (t.k) {
      case 'kw':
        if (t.name === 'string') {
          const a = this.formats.attr(owner, field)
          return a?.format === 'byte' ? { t: 'string', format: 'byte' } : { t: 'string' }
        }
        if (t.name === 'number') return this.numberType(owner, field)
        if (t.name === 'boolean') return { t: 'boolean' }
        return { t: 'any' }
      case 'lit':
        if (typeof t.value === 'string') return { t: 'string', enum: [t.value] }
        if (typeof t.value === 'number') return this.numberType(owner, field)
        return { t: 'boolean' }
      case 'union': {
        const lits = t.types.filter((x): x is { k: 'lit'; value: string } => x.k === 'lit' && typeof x.value === 'string')
        if (lits.length === t.types.length) return { t: 'string', enum: lits.map((l) => l.value) }
        const nonNull = t.types.filter((x) => !(x.k === 'kw' && (x.name === 'null' || x.name === 'undefined')))
        if (nonNull.length === 1) return this.convert(owner, field, file, nonNull[0]!)
        return { t: 'any' }
      }
      case 'array':
        return { t: 'array', items: this.convert(owner, field, file, t.items) }
      case 'map':
        return { t: 'map', values: this.convert(owner, field, file, t.values) }
      case 'object':
        return this.inlineObject(owner, field, file)
      case 'ref': {
        const spec = file.dts.imports.get(t.name)
        const target = spec ? this.resolveModule(file.path, spec) : undefined
        if (!target || !this.file(target)) return { t: 'any' }
        return { t: 'ref', name: this.enqueue(target) }
      }
    }
  }

  private numberType(owner: string, field: string): TypeRef {
    const a = this.formats.attr(owner, field)
    if (a?.format === 'double') return { t: 'number', format: 'double' }
    if (a?.format === 'int64') return { t: 'integer', format: 'int64' }
    return { t: 'integer', format: 'int32' }
  }

  /**
   * kubernetes-models inlines a top-level kind referenced from another type (StatefulSetSpec's
   * volumeClaimTemplates are PersistentVolumeClaims without required apiVersion/kind). Upstream
   * refers to the kind by name: find it through client-node's type name for the field.
   */
  private inlineObject(owner: string, field: string, file: ParsedFile): TypeRef {
    const a = this.formats.attr(owner, field)
    const cls = a?.type.replace(/^Array<(.*)>$/, '$1')
    const kind = cls?.replace(/^([A-Z][a-z]+)?V\d+((alpha|beta)\d+)?/, '')
    if (kind) {
      for (const candidate of [join(dirname(file.path), `${kind}.d.ts`), join(this.dirs.models, 'v1', `${kind}.d.ts`)]) {
        if (this.file(candidate)) return { t: 'ref', name: this.enqueue(candidate) }
      }
    }
    return { t: 'any' }
  }

  catalog(): Catalog {
    this.drain()
    return {
      sources: [packageVersion(this.dirs.models), packageVersion(this.dirs.machinery), ...(this.dirs.clientNode ? [packageVersion(join(this.dirs.clientNode, '..', '..', '..'))] : [])],
      types: this.types,
      gvks: this.gvks,
    }
  }
}

const SPECIAL_KINDS: Record<string, TypeKind> = {
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': 'int-or-string',
  'io.k8s.apimachinery.pkg.api.resource.Quantity': 'quantity',
  'io.k8s.apimachinery.pkg.apis.meta.v1.Time': 'time',
  'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime': 'micro-time',
}
