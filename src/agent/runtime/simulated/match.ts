/**
 * The pure stage engine: which stage applies to a container (or image pull) at `now`, and
 * after how long. `matchStage(view, stages, now, random)` → the due stage or undefined.
 * Among matching stages the one due first wins; ties go to the higher weight, then to the
 * earlier stage in load order. Stages that are alternatives (a pull that fails vs one that
 * succeeds) must therefore exclude each other by selector, or the override must never be
 * due later (the shipped error stages have no default delay and weight 10).
 */
import type { Stage, StageKind } from './stage.js'

/** What a selector can look at. Keys: `.state`, `.pod.annotations["x"]` … */
export interface StageView {
  readonly kind: StageKind
  /** when the current phase began (state change, or stop request) — delays count from here */
  readonly since: number
  readonly fields: Readonly<Record<string, unknown>>
}

export interface StageMatch {
  readonly stage: Stage
  /** remaining delay from `now` (0 = due) */
  readonly delayMs: number
}

/** Resolves `.a.b["c"]` in a nested object; undefined when absent. */
export function lookup(obj: unknown, key: string): unknown {
  const re = /\.([A-Za-z][A-Za-z0-9_]*)|\["([^"]+)"\]/g
  let cur: unknown = obj
  let m: RegExpExecArray | null
  while ((m = re.exec(key)) !== null) {
    if (typeof cur !== 'object' || cur === null) return undefined
    cur = (cur as Record<string, unknown>)[m[1] ?? m[2]!]
  }
  return cur
}

function asString(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined
  if (typeof v === 'string') return v
  if (typeof v === 'number' || typeof v === 'boolean') return String(v)
  return JSON.stringify(v)
}

export function selects(stage: Stage, view: StageView): boolean {
  if (stage.kind !== view.kind) return false
  return stage.selector.every((e) => {
    const v = asString(lookup(view.fields, e.key))
    switch (e.operator) {
      case 'In': return v !== undefined && e.values.includes(v)
      case 'NotIn': return v === undefined || !e.values.includes(v)
      case 'Exists': return v !== undefined
      case 'DoesNotExist': return v === undefined
    }
    return false
  })
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }

/** `1.5s`, `500ms`, `1m30s`, or a bare number of milliseconds; undefined when invalid. */
export function parseDuration(v: unknown): number | undefined {
  const s = asString(v)?.trim()
  if (!s) return undefined
  if (/^\d+$/.test(s)) return Number(s)
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy
  let total = 0
  let pos = 0
  let m: RegExpExecArray | null
  while ((m = re.exec(s)) !== null) {
    total += Number(m[1]) * UNITS[m[2]!]!
    pos = re.lastIndex
  }
  return pos === s.length && pos > 0 ? Math.round(total) : undefined
}

/** The stage's total delay for this view (jitter drawn from `random`). */
export function stageDelay(stage: Stage, view: StageView, random: () => number): number {
  const d = stage.delay
  const base = (d.durationFrom !== undefined ? parseDuration(lookup(view.fields, d.durationFrom)) : undefined) ?? d.durationMs
  const max = (d.jitterFrom !== undefined ? parseDuration(lookup(view.fields, d.jitterFrom)) : undefined) ?? d.jitterMs
  return max > base ? base + Math.floor(random() * (max - base)) : base
}

export function matchStage(view: StageView, stages: readonly Stage[], now: number, random: () => number = Math.random): StageMatch | undefined {
  let best: StageMatch | undefined
  let bestIndex = 0
  stages.forEach((stage, i) => {
    if (!selects(stage, view)) return
    const delayMs = Math.max(0, view.since + stageDelay(stage, view, random) - now)
    if (!best || delayMs < best.delayMs || (delayMs === best.delayMs && (stage.weight > best.stage.weight || (stage.weight === best.stage.weight && i < bestIndex)))) {
      best = { stage, delayMs }
      bestIndex = i
    }
  })
  return best
}
