/**
 * A self-signed CA and a serving certificate signed by it (ECDSA P-256, PEM), so the API
 * server can speak HTTPS from its first start with nothing installed. Loaded lazily:
 * only the first start of a data dir pays for it.
 */
import { webcrypto } from 'node:crypto'

type CryptoKey = webcrypto.CryptoKey
type CryptoKeyPair = webcrypto.CryptoKeyPair
type Crypto = webcrypto.Crypto

export interface Pki {
  caCert: string
  caKey: string
  serverCert: string
  serverKey: string
}

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const
const TEN_YEARS_MS = 10 * 365 * 24 * 3600 * 1000

function pemKey(der: ArrayBuffer): string {
  const b64 = Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')
  return `-----BEGIN PRIVATE KEY-----\n${b64}\n-----END PRIVATE KEY-----\n`
}

export async function generatePki(hosts: { dns: string[]; ips: string[] }): Promise<Pki> {
  await import('reflect-metadata') // @peculiar/x509's DI container needs it loaded first
  const x509 = await import('@peculiar/x509')
  x509.cryptoProvider.set(webcrypto as unknown as Crypto)
  const notBefore = new Date(Date.now() - 60_000)
  const notAfter = new Date(Date.now() + TEN_YEARS_MS)
  const caKeys = await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: 'CN=kubeling-ca',
    notBefore,
    notAfter,
    keys: caKeys as CryptoKeyPair,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey as CryptoKey),
    ],
  })
  const serverKeys = await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])
  const names = [
    ...hosts.dns.map((value) => ({ type: 'dns' as const, value })),
    ...hosts.ips.map((value) => ({ type: 'ip' as const, value })),
  ]
  const server = await x509.X509CertificateGenerator.create({
    serialNumber: '02',
    subject: 'CN=kubeling-apiserver',
    issuer: ca.subject,
    notBefore,
    notAfter,
    signingKey: caKeys.privateKey as CryptoKey,
    publicKey: serverKeys.publicKey as CryptoKey,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
      new x509.SubjectAlternativeNameExtension(names),
    ],
  })
  return {
    caCert: ca.toString('pem') + '\n',
    caKey: pemKey(await webcrypto.subtle.exportKey('pkcs8', caKeys.privateKey as CryptoKey)),
    serverCert: server.toString('pem') + '\n',
    serverKey: pemKey(await webcrypto.subtle.exportKey('pkcs8', serverKeys.privateKey as CryptoKey)),
  }
}
