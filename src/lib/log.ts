/** Structured logging: a message plus key/value fields, one JSON line per entry on stderr. */
export type Level = 'debug' | 'info' | 'warn' | 'error'
const order: Record<Level, number> = { debug: 0, info: 1, warn: 2, error: 3 }
let threshold: Level = (process.env['KUBELING_LOG'] as Level | undefined) ?? 'warn'

export function setLogLevel(level: Level): void {
  threshold = level
}

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void
  info(msg: string, fields?: Record<string, unknown>): void
  warn(msg: string, fields?: Record<string, unknown>): void
  error(msg: string, fields?: Record<string, unknown>): void
}

export function logger(component: string): Logger {
  const emit = (level: Level) => (msg: string, fields?: Record<string, unknown>): void => {
    if (order[level] < order[threshold]) return
    const line = { t: new Date().toISOString(), level, component, msg, ...fields }
    process.stderr.write(JSON.stringify(line, (_k, v: unknown) => (v instanceof Error ? v.message : v)) + '\n')
  }
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') }
}
