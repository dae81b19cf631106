/**
 * A small parser for the generated declaration files of the `kubernetes-models` packages:
 * imports, `export interface` bodies (with JSDoc), and `export type X = …` aliases. It handles
 * exactly the TypeScript subset those generated files use; anything else is skipped.
 */

export type TsType =
  | { k: 'kw'; name: string } // string, number, boolean, any, unknown, object, null, undefined
  | { k: 'lit'; value: string | number | boolean }
  | { k: 'ref'; name: string }
  | { k: 'array'; items: TsType }
  | { k: 'map'; values: TsType }
  | { k: 'object'; members: TsMember[] }
  | { k: 'union'; types: TsType[] }

export interface TsMember {
  name: string
  optional: boolean
  type: TsType
  doc?: string
}

export interface TsInterface {
  name: string
  doc?: string
  extendsTypeMeta: boolean
  members: TsMember[]
}

export interface TsAlias {
  name: string
  doc?: string
  type: TsType
}

export interface DtsFile {
  /** local name → module specifier */
  imports: Map<string, string>
  interfaces: Map<string, TsInterface>
  aliases: Map<string, TsAlias>
}

interface Token {
  t: 'doc' | 'id' | 'str' | 'num' | 'p'
  v: string
}

function tokenize(src: string): Token[] {
  const out: Token[] = []
  let i = 0
  const n = src.length
  while (i < n) {
    const c = src[i]!
    if (c === ' ' || c === '\n' || c === '\t' || c === '\r') { i++; continue }
    if (c === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2)
      const stop = end < 0 ? n : end
      if (src[i + 2] === '*') out.push({ t: 'doc', v: src.slice(i + 3, stop) })
      i = stop + 2
      continue
    }
    if (c === '/' && src[i + 1] === '/') {
      const end = src.indexOf('\n', i)
      i = end < 0 ? n : end + 1
      continue
    }
    if (c === '"' || c === "'") {
      let j = i + 1
      let s = ''
      while (j < n && src[j] !== c) {
        if (src[j] === '\\' && j + 1 < n) {
          const e = src[j + 1]!
          s += e === 'n' ? '\n' : e === 't' ? '\t' : e
          j += 2
        } else {
          s += src[j]
          j++
        }
      }
      out.push({ t: 'str', v: s })
      i = j + 1
      continue
    }
    if (/[A-Za-z_$]/.test(c)) {
      let j = i + 1
      while (j < n && /[A-Za-z0-9_$]/.test(src[j]!)) j++
      out.push({ t: 'id', v: src.slice(i, j) })
      i = j
      continue
    }
    if (/[0-9]/.test(c) || (c === '-' && /[0-9]/.test(src[i + 1] ?? ''))) {
      let j = i + 1
      while (j < n && /[0-9.eE+-]/.test(src[j]!)) j++
      out.push({ t: 'num', v: src.slice(i, j) })
      i = j
      continue
    }
    out.push({ t: 'p', v: c })
    i++
  }
  return out
}

/** The text of a JSDoc block: the leading ` * ` of each line removed, blank edges trimmed. */
export function docText(raw: string): string {
  const lines = raw.split('\n').map((l) => l.replace(/^\s*\* ?/, '').replace(/\s+$/, ''))
    // JSDoc tags the generator adds (@deprecated) are not part of the upstream description
    .filter((l) => !/^@(deprecated|see|link)\b/.test(l))
  while (lines.length && lines[0]!.trim() === '') lines.shift()
  while (lines.length && lines[lines.length - 1]!.trim() === '') lines.pop()
  return lines.join('\n').replace(/\*\\\//g, '*/')
}

class Parser {
  private i = 0
  constructor(private readonly toks: Token[]) {}

  private peek(o = 0): Token | undefined { return this.toks[this.i + o] }
  private next(): Token | undefined { return this.toks[this.i++] }
  private isP(v: string, o = 0): boolean { const t = this.peek(o); return t?.t === 'p' && t.v === v }
  private isId(v: string, o = 0): boolean { const t = this.peek(o); return t?.t === 'id' && t.v === v }
  private expectP(v: string): void {
    const t = this.next()
    if (t?.t !== 'p' || t.v !== v) throw new Error(`expected '${v}', got ${t ? `'${t.v}'` : 'end of file'}`)
  }

  /** skips to just past the matching close of the bracket at the current position */
  private skipBalanced(): void {
    const open = this.next()!.v
    const close = open === '{' ? '}' : open === '(' ? ')' : open === '[' ? ']' : '>'
    let depth = 1
    while (depth > 0 && this.i < this.toks.length) {
      const t = this.next()!
      if (t.t !== 'p') continue
      if (t.v === open) depth++
      else if (t.v === close) depth--
    }
  }

  private skipStatement(): void {
    while (this.i < this.toks.length) {
      if (this.isP('{')) { this.skipBalanced(); if (this.isP(';')) this.i++; return }
      const t = this.next()!
      if (t.t === 'p' && t.v === ';') return
    }
  }

  parseFile(): DtsFile {
    const file: DtsFile = { imports: new Map(), interfaces: new Map(), aliases: new Map() }
    let doc: string | undefined
    while (this.i < this.toks.length) {
      const t = this.peek()!
      if (t.t === 'doc') { doc = docText(t.v); this.i++; continue }
      if (this.isId('import')) { this.parseImport(file); doc = undefined; continue }
      if (this.isId('export') && this.isId('interface', 1)) {
        this.i += 2
        const iface = this.parseInterface(doc)
        file.interfaces.set(iface.name, iface)
        doc = undefined
        continue
      }
      if (this.isId('export') && this.isId('type', 1) && this.peek(2)?.t === 'id' && this.isP('=', 3)) {
        const name = this.peek(2)!.v
        this.i += 4
        const type = this.parseType()
        if (this.isP(';')) this.i++
        file.aliases.set(name, { name, type, ...(doc !== undefined ? { doc } : {}) })
        doc = undefined
        continue
      }
      this.skipStatement()
      doc = undefined
    }
    return file
  }

  private parseImport(file: DtsFile): void {
    this.i++ // import
    if (this.isId('type')) this.i++
    const names: string[] = []
    if (this.isP('{')) {
      this.i++
      while (!this.isP('}') && this.i < this.toks.length) {
        const t = this.next()!
        if (t.t !== 'id') continue
        if (t.v === 'type') continue
        if (this.isId('as')) { this.i++; names.push(this.next()!.v) } else names.push(t.v)
      }
      this.i++
    } else {
      this.skipStatement()
      return
    }
    if (this.isId('from')) {
      this.i++
      const spec = this.next()!
      for (const nm of names) file.imports.set(nm, spec.v)
    }
    if (this.isP(';')) this.i++
  }

  private parseInterface(doc: string | undefined): TsInterface {
    const name = this.next()!.v
    let extendsTypeMeta = false
    if (this.isId('extends')) {
      this.i++
      while (!this.isP('{') && this.i < this.toks.length) {
        const t = this.next()!
        if (t.t === 'id' && t.v === 'TypeMeta') extendsTypeMeta = true
      }
    }
    const members = this.parseMembers()
    return { name, extendsTypeMeta, members, ...(doc !== undefined ? { doc } : {}) }
  }

  /** `{ member; member; }` — returns properties; an index signature becomes a member named "[key]" */
  private parseMembers(): TsMember[] {
    this.expectP('{')
    const members: TsMember[] = []
    let doc: string | undefined
    while (!this.isP('}')) {
      const t = this.peek()
      if (!t) throw new Error('unterminated type literal')
      if (t.t === 'doc') { doc = docText(t.v); this.i++; continue }
      if (t.t === 'p' && t.v === ';') { this.i++; continue }
      if (this.isId('readonly')) { this.i++; continue }
      if (t.t === 'p' && t.v === '[') {
        // [key: string]: T
        this.skipBalanced()
        this.expectP(':')
        members.push({ name: '[key]', optional: true, type: this.parseType() })
        doc = undefined
        continue
      }
      if (t.t === 'str' || t.t === 'id') {
        this.i++
        let optional = false
        if (this.isP('?')) { optional = true; this.i++ }
        if (this.isP('(')) { this.skipBalanced(); this.expectP(':'); this.parseType(); doc = undefined; continue } // method
        this.expectP(':')
        const type = this.parseType()
        members.push({ name: t.v, optional, type, ...(doc !== undefined ? { doc } : {}) })
        doc = undefined
        continue
      }
      throw new Error(`unexpected token '${t.v}' in type literal`)
    }
    this.i++ // }
    return members
  }

  parseType(): TsType {
    if (this.isP('|')) this.i++
    const types: TsType[] = [this.parsePostfix()]
    while (this.isP('|')) { this.i++; types.push(this.parsePostfix()) }
    return types.length === 1 ? types[0]! : { k: 'union', types }
  }

  private parsePostfix(): TsType {
    let type = this.parsePrimary()
    for (;;) {
      if (this.isP('[') && this.isP(']', 1)) { this.i += 2; type = { k: 'array', items: type }; continue }
      if (this.isP('[')) { this.skipBalanced(); type = { k: 'kw', name: 'unknown' }; continue } // indexed access
      return type
    }
  }

  private parsePrimary(): TsType {
    const t = this.peek()
    if (!t) throw new Error('unexpected end of type')
    if (t.t === 'str') { this.i++; return { k: 'lit', value: t.v } }
    if (t.t === 'num') { this.i++; return { k: 'lit', value: Number(t.v) } }
    if (t.t === 'p' && t.v === '(') {
      this.i++
      const inner = this.parseType()
      this.expectP(')')
      return inner
    }
    if (t.t === 'p' && t.v === '{') {
      const members = this.parseMembers()
      const index = members.find((m) => m.name === '[key]')
      if (index && members.length === 1) return { k: 'map', values: index.type }
      return { k: 'object', members }
    }
    if (t.t === 'id') {
      this.i++
      let name = t.v
      while (this.isP('.') && this.peek(1)?.t === 'id') { name += '.' + this.peek(1)!.v; this.i += 2 }
      if (name === 'true' || name === 'false') return { k: 'lit', value: name === 'true' }
      if (this.isP('<')) {
        this.i++
        const args: TsType[] = [this.parseType()]
        while (this.isP(',')) { this.i++; args.push(this.parseType()) }
        this.expectP('>')
        if ((name === 'Array' || name === 'ReadonlyArray') && args[0]) return { k: 'array', items: args[0] }
        if (name === 'Record' && args[1]) return { k: 'map', values: args[1] }
        return { k: 'kw', name: 'unknown' }
      }
      if (['string', 'number', 'boolean', 'any', 'unknown', 'object', 'null', 'undefined', 'never'].includes(name)) {
        return { k: 'kw', name }
      }
      return { k: 'ref', name }
    }
    throw new Error(`unexpected token '${t.v}' in type`)
  }
}

export function parseDts(src: string): DtsFile {
  return new Parser(tokenize(src)).parseFile()
}
