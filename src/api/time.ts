/** RFC 3339 to the second, as metav1.Time marshals (`2026-01-02T15:04:05Z`). */
export function rfc3339(ms: number = Date.now()): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z')
}
