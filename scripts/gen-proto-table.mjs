#!/usr/bin/env node
/**
 * One-off generator for src/apiserver/protobuf/schema.ts: the field table the Kubernetes protobuf
 * decoder uses. Reads generated.proto (field numbers, proto types, repeated/map) and the Go
 * types (json tag names, omitempty/omitzero, pointer-ness, embedding) of git checkouts of
 * github.com/kubernetes/api and github.com/kubernetes/apimachinery, and writes only those facts.
 *
 *   node scripts/gen-proto-table.mjs <kubernetes/api git dir> <kubernetes/apimachinery git dir>
 *
 * The output is committed; CI never runs this script.
 */
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const [apiDir, machineryDir] = process.argv.slice(2)
if (!apiDir || !machineryDir) {
  console.error('usage: gen-proto-table.mjs <kubernetes/api git dir> <kubernetes/apimachinery git dir>')
  process.exit(2)
}

const git = (dir, ...args) => execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 })
const show = (dir, path) => git(dir, 'show', `HEAD:${path}`)
const lsFiles = (dir, path) => git(dir, 'ls-tree', '--name-only', 'HEAD', `${path}/`).split('\n').filter(Boolean)

/** API group-version packages of kubernetes/api whose kinds are decodable. */
const API_PACKAGES = [
  'core/v1',
  'apps/v1',
  'apps/v1beta1',
  'apps/v1beta2',
  'extensions/v1beta1',
  'policy/v1',
  'autoscaling/v1',
  'autoscaling/v2',
  'coordination/v1',
  'discovery/v1',
  'storage/v1',
  'events/v1',
  'batch/v1',
  'rbac/v1',
  'networking/v1',
  'scheduling/v1',
  'authentication/v1',
  'authorization/v1',
  'certificates/v1',
]

/** apimachinery packages: short name, directory, proto package. */
const MACHINERY = [
  { short: 'meta/v1', dir: 'pkg/apis/meta/v1', proto: 'k8s.io.apimachinery.pkg.apis.meta.v1' },
  { short: 'runtime', dir: 'pkg/runtime', proto: 'k8s.io.apimachinery.pkg.runtime' },
  { short: 'runtime/schema', dir: 'pkg/runtime/schema', proto: 'k8s.io.apimachinery.pkg.runtime.schema' },
  { short: 'intstr', dir: 'pkg/util/intstr', proto: 'k8s.io.apimachinery.pkg.util.intstr' },
  { short: 'resource', dir: 'pkg/api/resource', proto: 'k8s.io.apimachinery.pkg.api.resource' },
]

/** Messages with hand-written JSON forms; the decoder knows them, their Go structs are not read. */
const SPECIAL = new Set([
  'meta/v1.Time',
  'meta/v1.MicroTime',
  'meta/v1.Duration',
  'meta/v1.FieldsV1',
  'runtime.RawExtension',
  'runtime.Unknown',
  'intstr.IntOrString',
  'resource.Quantity',
])

/** meta/v1 kinds every group version registers (metav1.AddToGroupVersion). */
const META_KINDS = ['Status', 'DeleteOptions', 'ListOptions', 'GetOptions', 'CreateOptions', 'UpdateOptions', 'PatchOptions']

const protoPkgToShort = new Map()
for (const p of API_PACKAGES) protoPkgToShort.set(`k8s.io.api.${p.replace('/', '.')}`, p)
for (const m of MACHINERY) protoPkgToShort.set(m.proto, m.short)

const SCALARS = new Set(['string', 'int32', 'int64', 'bool', 'bytes'])

// ---- generated.proto -----------------------------------------------------------------------

/** @returns {Map<string, {name: string, type: string, number: number, repeated: boolean, map: boolean}[]>} */
function parseProto(text, short) {
  const lines = text.split('\n').map((l) => l.replace(/\/\/.*$/, '').trim()).filter(Boolean)
  const messages = new Map()
  let current = null
  const qualify = (t) => {
    if (SCALARS.has(t)) return t
    if (t.startsWith('.')) {
      const i = t.lastIndexOf('.')
      const pkg = t.slice(1, i)
      const s = protoPkgToShort.get(pkg) ?? (pkg.startsWith('k8s.io.api.') ? pkg.slice(11).replace('.', '/') : undefined)
      if (!s) throw new Error(`unknown proto package ${pkg}`)
      return `${s}.${t.slice(i + 1)}`
    }
    if (t.includes('.')) throw new Error(`unexpected type ${t}`)
    return `${short}.${t}`
  }
  for (const line of lines) {
    let m
    if ((m = /^message (\w+) \{$/.exec(line))) {
      if (current) throw new Error(`nested message ${m[1]}`)
      current = []
      messages.set(`${short}.${m[1]}`, current)
    } else if (line === '}') {
      current = null
    } else if (current && (m = /^(optional|repeated|required) (\S+) (\w+) = (\d+);$/.exec(line))) {
      current.push({ name: m[3], type: qualify(m[2]), number: Number(m[4]), repeated: m[1] === 'repeated', map: false })
    } else if (current && (m = /^map<(\S+), (\S+)> (\w+) = (\d+);$/.exec(line))) {
      if (m[1] !== 'string') throw new Error(`map key ${m[1]}`)
      current.push({ name: m[3], type: qualify(m[2]), number: Number(m[4]), repeated: false, map: true })
    } else if (current) {
      throw new Error(`${short}: cannot parse proto line: ${line}`)
    }
  }
  return messages
}

// ---- Go types -------------------------------------------------------------------------------

/**
 * @returns {{structs: Map<string, Map<number, {goName: string|null, goType: string, json: string, omitempty: boolean, omitzero: boolean}>>, slices: Set<string>}}
 */
function parseGo(dir, pkgDir) {
  const structs = new Map()
  const slices = new Set()
  const aliases = new Map()
  const files = lsFiles(dir, pkgDir).filter(
    (f) =>
      f.endsWith('.go') &&
      !f.endsWith('_test.go') &&
      !/\/(generated\.pb|zz_generated\.[\w.]+|types_swagger_doc_generated)\.go$/.test(f),
  )
  for (const f of files) {
    const lines = show(dir, f).split('\n')
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]
      let m
      if ((m = /^type (\w+) \[\](\S+)\s*$/.exec(line))) {
        slices.add(m[1])
        continue
      }
      if ((m = /^type (\w+) metav1\.(\w+)\s*$/.exec(line))) {
        aliases.set(m[1], `meta/v1.${m[2]}`)
        continue
      }
      if (!(m = /^type (\w+) struct \{\s*$/.exec(line))) continue
      const fields = new Map()
      structs.set(m[1], fields)
      for (i++; i < lines.length && lines[i] !== '}'; i++) {
        const l = lines[i].replace(/^\s+/, '')
        if (l.startsWith('//') || l === '') continue
        const fm = /^(?:(\w+)\s+)?([^\s`]+)\s+`([^`]*)`/.exec(l)
        if (!fm) continue
        const tags = fm[3]
        const pb = /protobuf:"([^"]*)"/.exec(tags)
        if (!pb || pb[1] === '-') continue
        const number = Number(pb[1].split(',')[1])
        const js = /json:"([^"]*)"/.exec(tags)
        const jsonParts = js ? js[1].split(',') : ['']
        const goName = fm[1] ?? null
        const goType = fm[2]
        // no json tag: encoding/json uses the Go field name (only runtime.Unknown, which is special)
        const json = jsonParts[0] || (goName ?? '')
        fields.set(number, {
          goName,
          goType,
          json,
          omitempty: jsonParts.includes('omitempty'),
          omitzero: jsonParts.includes('omitzero'),
        })
      }
    }
  }
  return { structs, slices, aliases }
}

// ---- registered kinds -------------------------------------------------------------------------

function parseRegister(dir, pkgDir) {
  const text = show(dir, `${pkgDir}/register.go`)
  const group = /const GroupName = "([^"]*)"/.exec(text)
  if (!group) throw new Error(`${pkgDir}: no GroupName`)
  const version = pkgDir.split('/').pop()
  const body = /func addKnownTypes\([^)]*\) error \{([\s\S]*?)\n\}/.exec(text)
  if (!body) throw new Error(`${pkgDir}: no addKnownTypes`)
  const kinds = [...body[1].matchAll(/&(\w+)\{\}/g)].map((k) => k[1])
  return { apiVersion: group[1] ? `${group[1]}/${version}` : version, kinds }
}

// ---- assemble ---------------------------------------------------------------------------------

const FLAG = { repeated: 1, map: 2, pointer: 4, omitempty: 8, omitzero: 16, inline: 32 }

const protoMessages = new Map()
const goInfo = new Map() // short -> parseGo result
/** Loads a package (kubernetes/api group-version like 'core/v1', or an apimachinery short name). */
function load(short) {
  if (goInfo.has(short)) return
  const m = MACHINERY.find((x) => x.short === short)
  const [dir, pkgDir] = m ? [machineryDir, m.dir] : [apiDir, short]
  for (const [k, v] of parseProto(show(dir, `${pkgDir}/generated.proto`), short)) protoMessages.set(k, v)
  goInfo.set(short, parseGo(dir, pkgDir))
}
for (const p of API_PACKAGES) load(p)
for (const m of MACHINERY) load(m.short)

const kinds = {}
const roots = []
for (const p of API_PACKAGES) {
  const { apiVersion, kinds: ks } = parseRegister(apiDir, p)
  const table = (kinds[apiVersion] ??= {})
  for (const k of ks) {
    const name = `${p}.${k}`
    if (!protoMessages.has(name)) throw new Error(`registered kind without message: ${name}`)
    table[k] = name
    roots.push(name)
  }
  for (const k of META_KINDS) table[k] ??= `meta/v1.${k}`
}
kinds['meta.k8s.io/v1'] = Object.fromEntries(META_KINDS.map((k) => [k, `meta/v1.${k}`]))
for (const k of META_KINDS) roots.push(`meta/v1.${k}`)

const out = new Map()
const listWrappers = new Set()
const queue = [...roots]
while (queue.length) {
  const name = queue.shift()
  if (out.has(name)) continue
  load(name.slice(0, name.lastIndexOf('.')))
  const fields = protoMessages.get(name)
  if (!fields) throw new Error(`missing message ${name}`)
  const dot = name.lastIndexOf('.')
  const pkg = name.slice(0, dot)
  const goName = name.slice(dot + 1)
  if (SPECIAL.has(name)) {
    out.set(name, null)
    continue
  }
  const go = goInfo.get(pkg)
  if (go.slices.has(goName)) {
    if (fields.length !== 1 || fields[0].name !== 'items' || !fields[0].repeated || fields[0].number !== 1) {
      throw new Error(`unexpected list wrapper ${name}`)
    }
    listWrappers.add(name)
    out.set(name, [[1, 'items', fields[0].type, FLAG.repeated]])
    if (!SCALARS.has(fields[0].type)) queue.push(fields[0].type)
    continue
  }
  const alias = go.aliases.get(goName)
  let struct = go.structs.get(goName)
  if (!struct && alias) {
    load(alias.slice(0, alias.lastIndexOf('.')))
    struct = goInfo.get(alias.slice(0, alias.lastIndexOf('.'))).structs.get(alias.slice(alias.lastIndexOf('.') + 1))
  }
  if (!struct) throw new Error(`no Go struct for ${name}`)
  const rows = []
  for (const f of fields) {
    const g = struct.get(f.number)
    if (!g) throw new Error(`${name}: no Go field for proto field ${f.name} = ${f.number}`)
    let flags = 0
    if (f.repeated) flags |= FLAG.repeated
    if (f.map) flags |= FLAG.map
    if (g.goType.startsWith('*')) flags |= FLAG.pointer
    if (g.omitempty) flags |= FLAG.omitempty
    if (g.omitzero) flags |= FLAG.omitzero
    const json = g.json
    // an embedded struct without a json name has its fields promoted (encoding/json)
    if (g.goName === null && json === '') flags |= FLAG.inline
    rows.push([f.number, json, f.type, flags])
    if (!SCALARS.has(f.type)) queue.push(f.type)
  }
  out.set(name, rows)
}

const sorted = [...out.keys()].sort()
const apiSha = git(apiDir, 'rev-parse', 'HEAD').trim()
const machinerySha = git(machineryDir, 'rev-parse', 'HEAD').trim()
let ts = `// Generated by scripts/gen-proto-table.mjs from generated.proto and Go types of
// github.com/kubernetes/api@${apiSha} and github.com/kubernetes/apimachinery@${machinerySha}.
// Do not edit by hand.

/** [field number, JSON name ('' = embedded/inlined), type (scalar or message name), flags (F_*)] */
export type FieldRow = readonly [number, string, string, number]

export const F_REPEATED = ${FLAG.repeated}
export const F_MAP = ${FLAG.map}
export const F_POINTER = ${FLAG.pointer}
export const F_OMITEMPTY = ${FLAG.omitempty}
export const F_OMITZERO = ${FLAG.omitzero}
export const F_INLINE = ${FLAG.inline}

/** Message name -> fields; null for messages with a hand-written JSON form. */
export const MESSAGES: Readonly<Record<string, readonly FieldRow[] | null>> = {
`
for (const name of sorted) {
  const rows = out.get(name)
  if (rows === null) {
    ts += `  '${name}': null,\n`
    continue
  }
  ts += `  '${name}': [${rows.map((r) => `[${r[0]}, '${r[1]}', '${r[2]}', ${r[3]}]`).join(', ')}],\n`
}
ts += `}

/** Messages that stand for a Go named slice type (\`type X []T\`): JSON is the items array. */
export const LIST_WRAPPERS: ReadonlySet<string> = new Set([${[...listWrappers].sort().map((n) => `'${n}'`).join(', ')}])

/** apiVersion -> kind -> message name. */
export const KINDS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
`
for (const av of Object.keys(kinds).sort()) {
  const entries = Object.entries(kinds[av]).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  ts += `  '${av}': {\n${entries.map(([k, v]) => `    ${k}: '${v}',\n`).join('')}  },\n`
}
ts += '}\n'

const target = fileURLToPath(new URL('../src/apiserver/protobuf/schema.ts', import.meta.url))
writeFileSync(target, ts)
console.log(`wrote ${target}: ${sorted.length} messages, ${Object.keys(kinds).length} api versions`)
