/**
 * What a data dir holds besides the store: the PKI and the admin token, created on first
 * start and reused afterwards so a restarted cluster keeps its identity and credentials.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { generatePki } from '../lib/pki.js'
import type { Pki } from '../lib/pki.js'

export interface Credentials {
  pki: Pki
  token: string
}

export async function loadOrCreateCredentials(dir: string, extraHosts: string[] = []): Promise<Credentials> {
  const pkiDir = join(dir, 'pki')
  mkdirSync(pkiDir, { recursive: true, mode: 0o700 })
  const files = { caCert: 'ca.crt', caKey: 'ca.key', serverCert: 'apiserver.crt', serverKey: 'apiserver.key' } as const
  let pki: Pki
  if (Object.values(files).every((f) => existsSync(join(pkiDir, f)))) {
    pki = {
      caCert: readFileSync(join(pkiDir, files.caCert), 'utf8'),
      caKey: readFileSync(join(pkiDir, files.caKey), 'utf8'),
      serverCert: readFileSync(join(pkiDir, files.serverCert), 'utf8'),
      serverKey: readFileSync(join(pkiDir, files.serverKey), 'utf8'),
    }
  } else {
    const ips = ['127.0.0.1', '::1', ...extraHosts.filter((h) => /^[\d.:]+$/.test(h))]
    const dns = ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', hostname(), ...extraHosts.filter((h) => !/^[\d.:]+$/.test(h))]
    pki = await generatePki({ dns, ips })
    for (const [k, f] of Object.entries(files)) writeFileSync(join(pkiDir, f), pki[k as keyof Pki], { mode: 0o600 })
  }
  const tokenFile = join(dir, 'token')
  let token: string
  if (existsSync(tokenFile)) token = readFileSync(tokenFile, 'utf8').trim()
  else {
    token = randomBytes(24).toString('hex')
    writeFileSync(tokenFile, token + '\n', { mode: 0o600 })
  }
  return { pki, token }
}
