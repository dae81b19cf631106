/**
 * The intermediate model the OpenAPI documents and the field checker are built from: one
 * `TypeDef` per upstream schema name (io.k8s.api.apps.v1.StatefulSet …). It is generated from
 * installed npm packages (see source.ts), never committed.
 */

export type TypeRef =
  | { t: 'string'; format?: string; enum?: string[] }
  | { t: 'integer'; format: 'int32' | 'int64' }
  | { t: 'number'; format: 'double' }
  | { t: 'boolean' }
  | { t: 'ref'; name: string }
  | { t: 'array'; items: TypeRef }
  | { t: 'map'; values: TypeRef }
  /** any JSON value (upstream: an object schema without properties, e.g. RawExtension) */
  | { t: 'any' }

export interface FieldDef {
  name: string
  type: TypeRef
  description?: string
  required?: boolean
  /** x-kubernetes-* extensions of the property (patch strategy, list type …) */
  ext?: Record<string, unknown>
}

/**
 * `object`: a struct with `fields`. The other kinds are the apimachinery scalars with custom
 * JSON encodings.
 */
export type TypeKind = 'object' | 'int-or-string' | 'quantity' | 'time' | 'micro-time' | 'raw'

export interface TypeDef {
  name: string
  kind: TypeKind
  description?: string
  fields?: FieldDef[]
  /** schema-level extensions (x-kubernetes-map-type …) */
  ext?: Record<string, unknown>
}

export interface GVK {
  group: string
  version: string
  kind: string
}

export interface Catalog {
  /** which packages (name@version) the catalogue was generated from */
  sources: string[]
  types: Record<string, TypeDef>
  /** schema name → the GVKs it is the top-level kind of */
  gvks: Record<string, GVK[]>
}
