/**
 * Core-group validation other than pods and storage: Service, Endpoints, Node,
 * Namespace, ConfigMap, Secret, ServiceAccount, Event; plus Lease and EndpointSlice.
 */
import { child, fe, goQuote, goStringSlice, goStruct, goValue, index, key, type Errs } from './field.js'
import { arr, byteLen, deepEqual, isObj, num, obj, objs, sortedKeys, str, type J } from './json.js'
import {
  FIELD_IMMUTABLE_MSG, validateFinalizers, validateKubeFinalizerNames, validateLabelName,
  validateLabels, validateObjectMeta, validateObjectMetaUpdate,
} from './meta.js'
import {
  IP_ERROR, isConfigMapKey, isDNS1123Label, isDNS1123Subdomain, isIP, isIPv6, isQualifiedName, isValidLabelValue, isValidPortNum,
  nameIsDNS1035Label, nameIsDNSLabel, nameIsDNSSubdomain, parseIPv4,
} from './names.js'
import { validateTaintEffect } from './pod.js'
import { validateResourceQuantity } from './common.js'

const dnsLabel = (v: string, path: string): Errs => isDNS1123Label(v).map((m) => fe.invalid(path, v, m))
const dnsSubdomain = (v: string, path: string): Errs => isDNS1123Subdomain(v).map((m) => fe.invalid(path, v, m))
const qualifiedName = (v: string, path: string): Errs => isQualifiedName(v).map((m) => fe.invalid(path, v, m))
const ipErrors = (v: string, path: string): Errs => (isIP(v) ? [] : [fe.invalid(path, v, IP_ERROR)])
const PORT_PROTOCOLS = ['SCTP', 'TCP', 'UDP']

function isValidCIDR(v: string): boolean {
  const m = /^(.+)\/(\d{1,3})$/.exec(v)
  if (!m) return false
  const bits = Number(m[2])
  if (parseIPv4(m[1]!)) return bits <= 32
  return isIPv6(m[1]!) && bits <= 128
}
const cidrErrors = (v: string, path: string): Errs =>
  isValidCIDR(v) ? [] : [fe.invalid(path, v, 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)')]

export function validateNonSpecialIP(ip: string, path: string): Errs {
  const v4 = parseIPv4(ip)
  if (!v4 && !isIPv6(ip)) return [fe.invalid(path, ip, 'must be a valid IP address')]
  const errs: Errs = []
  const lower = ip.toLowerCase()
  const unspecified = v4 ? v4.every((p) => p === 0) : /^(0*:)*:?0*$/.test(lower) || lower === '::'
  const loopback = v4 ? v4[0] === 127 : lower === '::1'
  const linkLocal = v4 ? v4[0] === 169 && v4[1] === 254 : /^fe[89ab]/.test(lower)
  const llMulticast = v4 ? v4[0] === 224 && v4[1] === 0 && v4[2] === 0 : /^ff02:/.test(lower)
  if (unspecified) errs.push(fe.invalid(path, ip, `may not be unspecified (${ip})`))
  if (loopback) errs.push(fe.invalid(path, ip, 'may not be in the loopback range (127.0.0.0/8, ::1/128)'))
  if (linkLocal) errs.push(fe.invalid(path, ip, 'may not be in the link-local range (169.254.0.0/16, fe80::/10)'))
  if (llMulticast) errs.push(fe.invalid(path, ip, 'may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)'))
  return errs
}

function validatePortNumOrName(port: unknown, path: string): Errs {
  if (typeof port === 'number') return isValidPortNum(port).map((m) => fe.invalid(path, port, m))
  if (typeof port === 'string' && port !== '') {
    return isValidPortNameOrNum(port, path)
  }
  return isValidPortNum(0).map((m) => fe.invalid(path, 0, m))
}

function isValidPortNameOrNum(port: string, path: string): Errs {
  const msgs: string[] = []
  if (byteLen(port) > 15) msgs.push('must be no more than 15 characters')
  if (!/^[-a-z0-9]+$/.test(port)) msgs.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)')
  if (!/[a-z]/.test(port)) msgs.push('must contain at least one letter (a-z)')
  if (port.includes('--')) msgs.push('must not contain consecutive hyphens')
  if (port.startsWith('-') || port.endsWith('-')) msgs.push('must not begin or end with a hyphen')
  return msgs.map((m) => fe.invalid(path, port, m))
}

// ---------------------------------------------------------------- Service

const isHeadless = (spec: J): boolean => arr(spec['clusterIPs']).length === 1 && arr(spec['clusterIPs'])[0] === 'None'
const SERVICE_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort']

function goServicePort(p: J): string {
  return `core.ServicePort{Name:"", Protocol:${goQuote(str(p['protocol']))}, AppProtocol:(*string)(nil), Port:${num(p['port']) ?? 0}, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}`
}

function validateServicePort(sp: J, requireName: boolean, names: Set<string>, path: string): Errs {
  const errs: Errs = []
  const name = str(sp['name'])
  if (requireName && name === '') errs.push(fe.required(child(path, 'name')))
  else if (name !== '') {
    errs.push(...dnsLabel(name, child(path, 'name')))
    if (names.has(name)) errs.push(fe.duplicate(child(path, 'name'), name))
    else names.add(name)
  }
  const port = num(sp['port']) ?? 0
  for (const m of isValidPortNum(port)) errs.push(fe.invalid(child(path, 'port'), port, m))
  const proto = str(sp['protocol'])
  if (proto === '') errs.push(fe.required(child(path, 'protocol')))
  else if (!PORT_PROTOCOLS.includes(proto)) errs.push(fe.notSupported(child(path, 'protocol'), proto, PORT_PROTOCOLS))
  errs.push(...validatePortNumOrName(sp['targetPort'], child(path, 'targetPort')))
  if (typeof sp['appProtocol'] === 'string') errs.push(...qualifiedName(sp['appProtocol'], child(path, 'appProtocol')))
  return errs
}

function validateClusterIPsRelated(spec: J): Errs {
  if (str(spec['type']) === 'ExternalName') return []
  const errs: Errs = []
  const clusterIP = str(spec['clusterIP'])
  const ips = arr(spec['clusterIPs']).map(String)
  const ipsValue = goValue(goStringSlice(spec['clusterIPs']))
  if (clusterIP !== '') {
    if (ips.length === 0) errs.push(fe.required('spec.clusterIPs'))
    else if (ips[0] !== clusterIP) errs.push(fe.invalid('spec.clusterIPs', ipsValue, 'first value must match `clusterIP`'))
  } else if (ips.length !== 0) {
    errs.push(fe.invalid('spec.clusterIPs', ipsValue, 'must be empty when `clusterIP` is not specified'))
  }
  const seen = new Set<string>()
  arr(spec['ipFamilies']).map(String).forEach((f, i) => {
    if (f !== 'IPv4' && f !== 'IPv6') errs.push(fe.notSupported(`spec.ipFamilies[${i}]`, f, ['IPv4', 'IPv6']))
    if (seen.has(f)) errs.push(fe.duplicate(`spec.ipFamilies[${i}]`, f))
    seen.add(f)
  })
  const pol = spec['ipFamilyPolicy']
  if (pol !== undefined && pol !== null && !['PreferDualStack', 'RequireDualStack', 'SingleStack'].includes(str(pol))) {
    errs.push(fe.notSupported('spec.ipFamilyPolicy', str(pol), ['PreferDualStack', 'RequireDualStack', 'SingleStack']))
  }
  let invalidIPs = false
  ips.forEach((ip, i) => {
    if (i === 0 && ip === 'None') {
      if (ips.length > 1) {
        invalidIPs = true
        errs.push(fe.invalid('spec.clusterIPs', ipsValue, "'None' must be the first and only value"))
      }
      return
    }
    const e = ipErrors(ip, `spec.clusterIPs[${i}]`)
    if (e.length) invalidIPs = true
    errs.push(...e)
  })
  if (ips.length > 2) errs.push(fe.invalid('spec.clusterIPs', ipsValue, 'may only hold up to 2 values'))
  if (invalidIPs) return errs
  if (ips.length > 1) {
    const v4 = ips.filter((ip) => parseIPv4(ip)).length
    if (v4 !== 1 || ips.length !== 2) errs.push(fe.invalid('spec.clusterIPs', ipsValue, 'may specify no more than one IP for each IP family'))
  }
  const fams = arr(spec['ipFamilies']).map(String)
  if (!isHeadless(spec) && ips.length > 0 && fams.length > 0) {
    ips.forEach((ip, i) => {
      if (i > fams.length - 1) return
      if (fams[i] === 'IPv4' && isIPv6(ip)) errs.push(fe.invalid(`spec.clusterIPs[${i}]`, ip, `expected an IPv4 value as indicated by \`ipFamilies[${i}]\``))
      if (fams[i] === 'IPv6' && !isIPv6(ip)) errs.push(fe.invalid(`spec.clusterIPs[${i}]`, ip, `expected an IPv6 value as indicated by \`ipFamilies[${i}]\``))
    })
  }
  return errs
}

const externallyAccessible = (spec: J): boolean =>
  spec['type'] === 'LoadBalancer' || spec['type'] === 'NodePort' || (spec['type'] === 'ClusterIP' && arr(spec['externalIPs']).length > 0)
const needsHealthCheck = (spec: J): boolean => spec['type'] === 'LoadBalancer' && spec['externalTrafficPolicy'] === 'Local'

export function validateService(svc: J): Errs {
  const errs = validateObjectMeta(svc['metadata'], { namespaced: true, nameFn: nameIsDNS1035Label })
  const ann = obj(obj(svc['metadata'])?.['annotations']) ?? {}
  const hints = 'service.kubernetes.io/topology-aware-hints'
  const mode = 'service.kubernetes.io/topology-mode'
  if (mode in ann && hints in ann && ann[mode] !== ann[hints]) {
    errs.push(fe.invalid(key('metadata.annotations', mode), str(ann[mode]), `must match annotations[${hints}] when both are specified`))
  }
  const spec = obj(svc['spec']) ?? {}
  const type = str(spec['type'])
  const ports = objs(spec['ports'])
  if (ports.length === 0 && !isHeadless(spec) && type !== 'ExternalName') errs.push(fe.required('spec.ports'))
  switch (type) {
    case 'LoadBalancer':
      ports.forEach((p, i) => { if (num(p['port']) === 10250) errs.push(fe.invalid(`spec.ports[${i}]`, 10250, 'may not expose port 10250 externally since it is used by kubelet')) })
      if (isHeadless(spec)) errs.push(fe.invalid('spec.clusterIPs[0]', 'None', "may not be set to 'None' for LoadBalancer services"))
      break
    case 'NodePort':
      if (isHeadless(spec)) errs.push(fe.invalid('spec.clusterIPs[0]', 'None', "may not be set to 'None' for NodePort services"))
      break
    case 'ExternalName': {
      if (arr(spec['clusterIPs']).length > 0) errs.push(fe.forbidden('spec.clusterIPs', 'may not be set for ExternalName services'))
      if (arr(spec['ipFamilies']).length > 0) errs.push(fe.forbidden('spec.ipFamilies', 'may not be set for ExternalName services'))
      if (spec['ipFamilyPolicy'] !== undefined && spec['ipFamilyPolicy'] !== null) errs.push(fe.forbidden('spec.ipFamilyPolicy', 'may not be set for ExternalName services'))
      const cname = str(spec['externalName']).replace(/\.$/, '')
      if (cname) errs.push(...dnsSubdomain(cname, 'spec.externalName'))
      else errs.push(fe.required('spec.externalName'))
      break
    }
  }
  const names = new Set<string>()
  ports.forEach((p, i) => errs.push(...validateServicePort(p, ports.length > 1, names, `spec.ports[${i}]`)))
  if (isObj(spec['selector'])) errs.push(...validateLabels(spec['selector'], 'spec.selector'))
  const sa = str(spec['sessionAffinity'])
  if (sa === '') errs.push(fe.required('spec.sessionAffinity'))
  else if (sa !== 'ClientIP' && sa !== 'None') errs.push(fe.notSupported('spec.sessionAffinity', sa, ['ClientIP', 'None']))
  const sac = obj(spec['sessionAffinityConfig'])
  if (sa === 'ClientIP') {
    const p = 'spec.sessionAffinityConfig'
    const cip = obj(sac?.['clientIP'])
    if (!sac) errs.push(fe.required(p, 'when session affinity type is ClientIP'))
    else if (!cip) errs.push(fe.required(`${p}.clientIP`, 'when session affinity type is ClientIP'))
    else if (num(cip['timeoutSeconds']) === undefined) errs.push(fe.required(`${p}.clientIP.timeoutSeconds`, 'when session affinity type is ClientIP'))
    else {
      const t = num(cip['timeoutSeconds'])!
      if (t <= 0 || t > 86400) errs.push(fe.invalid(`${p}.clientIP.timeoutSeconds`, t, 'must be greater than 0 and less than 86400'))
    }
  } else if (sa === 'None' && sac) {
    errs.push(fe.forbidden('spec.sessionAffinityConfig', 'must not be set when session affinity is None'))
  }
  errs.push(...validateClusterIPsRelated(spec))
  arr(spec['externalIPs']).map(String).forEach((ip, i) => {
    const p = `spec.externalIPs[${i}]`
    const e = ipErrors(ip, p)
    errs.push(...(e.length ? e : validateNonSpecialIP(ip, p)))
  })
  if (type === '') errs.push(fe.required('spec.type'))
  else if (!SERVICE_TYPES.includes(type)) errs.push(fe.notSupported('spec.type', type, SERVICE_TYPES))
  if (type === 'ClusterIP') {
    ports.forEach((p, i) => { if ((num(p['nodePort']) ?? 0) !== 0) errs.push(fe.forbidden(`spec.ports[${i}].nodePort`, "may not be used when `type` is 'ClusterIP'")) })
  }
  const nodePorts = new Set<string>()
  ports.forEach((p, i) => {
    const np = num(p['nodePort']) ?? 0
    if (np === 0) return
    const k = `${str(p['protocol'])}/${np}`
    if (nodePorts.has(k)) errs.push(fe.duplicate(`spec.ports[${i}].nodePort`, np))
    nodePorts.add(k)
  })
  const seen = new Set<string>()
  ports.forEach((p, i) => {
    const k = `${str(p['protocol'])}/${num(p['port']) ?? 0}`
    if (seen.has(k)) errs.push(fe.duplicate(`spec.ports[${i}]`, goValue(goServicePort(p))))
    seen.add(k)
  })
  const ranges = arr(spec['loadBalancerSourceRanges']).map(String)
  if (ranges.length > 0) {
    if (type !== 'LoadBalancer') errs.push(fe.forbidden('spec.LoadBalancerSourceRanges', "may only be used when `type` is 'LoadBalancer'"))
    ranges.forEach((r, i) => errs.push(...cidrErrors(r.trim(), `spec.LoadBalancerSourceRanges[${i}]`)))
  }
  if (spec['allocateLoadBalancerNodePorts'] !== undefined && spec['allocateLoadBalancerNodePorts'] !== null && type !== 'LoadBalancer') {
    errs.push(fe.forbidden('spec.allocateLoadBalancerNodePorts', "may only be used when `type` is 'LoadBalancer'"))
  }
  if (type === 'LoadBalancer' && (spec['allocateLoadBalancerNodePorts'] === undefined || spec['allocateLoadBalancerNodePorts'] === null)) {
    errs.push(fe.required('allocateLoadBalancerNodePorts'))
  }
  const lbc = spec['loadBalancerClass']
  if (typeof lbc === 'string') {
    if (type === 'LoadBalancer') errs.push(...qualifiedName(lbc, 'spec.loadBalancerClass'))
    else errs.push(fe.forbidden('spec.loadBalancerClass', "may only be used when `type` is 'LoadBalancer'"))
  }
  const etp = str(spec['externalTrafficPolicy'])
  if (!externallyAccessible(spec)) {
    if (etp !== '') errs.push(fe.invalid('spec.externalTrafficPolicy', etp, 'may only be set for externally-accessible services'))
  } else if (etp === '') errs.push(fe.required('spec.externalTrafficPolicy'))
  else if (etp !== 'Cluster' && etp !== 'Local') errs.push(fe.notSupported('spec.externalTrafficPolicy', etp, ['Cluster', 'Local']))
  const hcnp = num(spec['healthCheckNodePort']) ?? 0
  if (!needsHealthCheck(spec)) {
    if (hcnp !== 0) errs.push(fe.invalid('spec.healthCheckNodePort', hcnp, "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"))
  } else if (hcnp === 0) errs.push(fe.required('spec.healthCheckNodePort'))
  else for (const m of isValidPortNum(hcnp)) errs.push(fe.invalid('spec.healthCheckNodePort', hcnp, m))
  const itp = spec['internalTrafficPolicy']
  if (itp === undefined || itp === null) {
    if (type === 'NodePort' || type === 'LoadBalancer' || type === 'ClusterIP') errs.push(fe.required('spec.internalTrafficPolicy'))
  } else if (itp !== 'Cluster' && itp !== 'Local') errs.push(fe.notSupported('spec.internalTrafficPolicy', str(itp), ['Cluster', 'Local']))
  const td = spec['trafficDistribution']
  if (td !== undefined && td !== null && !['PreferClose', 'PreferSameZone', 'PreferSameNode'].includes(str(td))) {
    errs.push(fe.notSupported('spec.trafficDistribution', str(td), ['PreferClose', 'PreferSameZone', 'PreferSameNode']))
  }
  return errs
}

export function validateServiceUpdate(svc: J, old: J): Errs {
  const errs = validateObjectMetaUpdate(svc['metadata'], old['metadata'])
  const spec = obj(svc['spec']) ?? {}
  const oldSpec = obj(old['spec']) ?? {}
  const ext = spec['type'] === 'ExternalName' || oldSpec['type'] === 'ExternalName'
  if (!ext && !(isHeadless(spec) && isHeadless(oldSpec))) {
    const ips = arr(spec['clusterIPs']).map(String)
    const oldIPs = arr(oldSpec['clusterIPs']).map(String)
    const value = goValue(goStringSlice(spec['clusterIPs']))
    if (oldIPs.length === ips.length) {
      oldIPs.forEach((ip, i) => { if (ip !== ips[i]) errs.push(fe.invalid(`spec.clusterIPs[${i}]`, value, 'may not change once set')) })
    } else if (oldIPs.length > ips.length) {
      if (ips.length === 0) errs.push(fe.invalid('spec.clusterIPs[0]', value, 'primary clusterIP can not be unset'))
      if (oldIPs.length > 0 && ips.length > 0 && ips[0] !== oldIPs[0]) errs.push(fe.invalid('spec.clusterIPs[0]', value, 'may not change once set'))
      if (ips.length === 1 && spec['ipFamilyPolicy'] !== 'SingleStack') {
        errs.push(fe.invalid('spec.ipFamilyPolicy', spec['ipFamilyPolicy'] ?? null, "must be set to 'SingleStack' when releasing the secondary clusterIP"))
      }
    } else if (oldIPs.length > 0 && ips[0] !== oldIPs[0]) {
      errs.push(fe.invalid('spec.clusterIPs[0]', value, 'may not change once set'))
    }
  }
  if (!ext && isHeadless(spec) === isHeadless(oldSpec) && !isHeadless(spec)) {
    const fams = arr(spec['ipFamilies']).map(String)
    const oldFams = arr(oldSpec['ipFamilies']).map(String)
    const value = goValue(goStringSlice(spec['ipFamilies'], '[]core.IPFamily'))
    if (oldFams.length === fams.length) {
      oldFams.forEach((f, i) => { if (f !== fams[i]) errs.push(fe.invalid('spec.ipFamilies[0]', value, 'may not change once set')) })
    } else if (oldFams.length > fams.length) {
      if (arr(spec['clusterIPs']).length === 0) errs.push(fe.invalid('spec.ipFamilies[0]', value, 'primary ipFamily can not be unset'))
      if (fams.length > 0 && fams[0] !== oldFams[0]) errs.push(fe.invalid('spec.ipFamilies[0]', goValue(goStringSlice(spec['clusterIPs'])), 'may not change once set'))
      if (fams.length === 1 && spec['ipFamilyPolicy'] !== 'SingleStack') {
        errs.push(fe.invalid('spec.ipFamilyPolicy', spec['ipFamilyPolicy'] ?? null, "must be set to 'SingleStack' when releasing the secondary ipFamily"))
      }
    } else if (oldFams.length > 0 && fams.length > 0 && fams[0] !== oldFams[0]) {
      errs.push(fe.invalid('spec.ipFamilies[0]', goValue(goStringSlice(spec['clusterIPs'])), 'may not change once set'))
    }
  }
  if (oldSpec['type'] === 'LoadBalancer' && spec['type'] === 'LoadBalancer' && !deepEqual(oldSpec['loadBalancerClass'] ?? null, spec['loadBalancerClass'] ?? null)) {
    errs.push(fe.invalid('spec.loadBalancerClass', spec['loadBalancerClass'] ?? null, 'may not change once set'))
  }
  if (needsHealthCheck(oldSpec) && needsHealthCheck(spec) && num(spec['healthCheckNodePort']) !== num(oldSpec['healthCheckNodePort'])) {
    errs.push(fe.forbidden('spec.healthCheckNodePort', FIELD_IMMUTABLE_MSG))
  }
  errs.push(...validateService(svc))
  return errs
}

export function validateServiceStatusUpdate(svc: J, old: J): Errs {
  const errs = validateObjectMetaUpdate(svc['metadata'], old['metadata'])
  objs(obj(obj(svc['status'])?.['loadBalancer'])?.['ingress']).forEach((ing, i) => {
    const p = `status.loadBalancer.ingress[${i}]`
    if (str(ing['ip'])) errs.push(...ipErrors(str(ing['ip']), `${p}.ip`))
    const mode = ing['ipMode']
    if (mode !== undefined && mode !== null) {
      if (!str(ing['ip'])) errs.push(fe.forbidden(`${p}.ipMode`, 'may not be specified when `ip` is not set'))
      else if (mode !== 'VIP' && mode !== 'Proxy') errs.push(fe.notSupported(`${p}.ipMode`, str(mode), ['Proxy', 'VIP']))
    }
    const host = str(ing['hostname'])
    if (host) {
      errs.push(...dnsSubdomain(host, `${p}.hostname`))
      if (isIP(host)) errs.push(fe.invalid(`${p}.hostname`, host, 'must be a DNS name, not an IP address'))
    }
  })
  return errs
}

// ---------------------------------------------------------------- Endpoints

function validateEndpointAddress(a: J, path: string): Errs {
  const ip = str(a['ip'])
  const errs = ipErrors(ip, child(path, 'ip'))
  if (str(a['hostname'])) errs.push(...dnsLabel(str(a['hostname']), child(path, 'hostname')))
  if (typeof a['nodeName'] === 'string') for (const m of nameIsDNSSubdomain(a['nodeName'], false)) errs.push(fe.invalid(child(path, 'nodeName'), a['nodeName'], m))
  errs.push(...validateNonSpecialIP(ip, child(path, 'ip')))
  return errs
}

function validateEndpointPort(p: J, requireName: boolean, path: string): Errs {
  const errs: Errs = []
  const name = str(p['name'])
  if (requireName && name === '') errs.push(fe.required(child(path, 'name')))
  else if (name !== '') errs.push(...dnsLabel(name, child(path, 'name')))
  const port = num(p['port']) ?? 0
  for (const m of isValidPortNum(port)) errs.push(fe.invalid(child(path, 'port'), port, m))
  const proto = str(p['protocol'])
  if (proto === '') errs.push(fe.required(child(path, 'protocol')))
  else if (!PORT_PROTOCOLS.includes(proto)) errs.push(fe.notSupported(child(path, 'protocol'), proto, PORT_PROTOCOLS))
  if (typeof p['appProtocol'] === 'string') errs.push(...qualifiedName(p['appProtocol'], child(path, 'appProtocol')))
  return errs
}

export function validateEndpoints(ep: J): Errs {
  const errs = validateObjectMeta(ep['metadata'], { namespaced: true, nameFn: nameIsDNSSubdomain })
  objs(ep['subsets']).forEach((ss, i) => {
    const p = `subsets[${i}]`
    if (arr(ss['addresses']).length === 0 && arr(ss['notReadyAddresses']).length === 0) errs.push(fe.required(p, 'must specify `addresses` or `notReadyAddresses`'))
    objs(ss['addresses']).forEach((a, j) => errs.push(...validateEndpointAddress(a, `${p}.addresses[${j}]`)))
    objs(ss['notReadyAddresses']).forEach((a, j) => errs.push(...validateEndpointAddress(a, `${p}.notReadyAddresses[${j}]`)))
    const ports = objs(ss['ports'])
    ports.forEach((pt, j) => errs.push(...validateEndpointPort(pt, ports.length > 1, `${p}.ports[${j}]`)))
  })
  return errs
}

// ---------------------------------------------------------------- EndpointSlice

export function validateEndpointSlice(es: J): Errs {
  const errs = validateObjectMeta(es['metadata'], { namespaced: true, nameFn: nameIsDNSSubdomain })
  const addrType = str(es['addressType'])
  const eps = objs(es['endpoints'])
  if (eps.length > 1000) errs.push(fe.tooMany('endpoints', eps.length, 1000))
  eps.forEach((ep, i) => {
    const p = `endpoints[${i}]`
    const addrs = arr(ep['addresses']).map(String)
    if (addrs.length === 0) errs.push(fe.required(`${p}.addresses`, 'must contain at least 1 address'))
    else if (addrs.length > 100) errs.push(fe.tooMany(`${p}.addresses`, addrs.length, 100))
    addrs.forEach((a, j) => {
      const ap = `${p}.addresses[${j}]`
      if (addrType === 'IPv4' && !parseIPv4(a)) errs.push(fe.invalid(ap, a, 'must be a valid IPv4 address'))
      if (addrType === 'IPv6' && !isIPv6(a)) errs.push(fe.invalid(ap, a, 'must be a valid IPv6 address'))
      if (addrType === 'FQDN') {
        if (a === '') errs.push(fe.required(ap))
        else {
          const name = a.replace(/\.$/, '')
          const sub = isDNS1123Subdomain(name)
          if (sub.length) errs.push(fe.invalid(ap, name, sub.join(',')))
          else if (name.split('.').length < 2) errs.push(fe.invalid(ap, name, 'should be a domain with at least two segments separated by dots'))
        }
      }
    })
    if (typeof ep['nodeName'] === 'string') for (const m of nameIsDNSSubdomain(ep['nodeName'], false)) errs.push(fe.invalid(`${p}.nodeName`, ep['nodeName'], m))
    if (typeof ep['hostname'] === 'string') errs.push(...dnsLabel(ep['hostname'], `${p}.hostname`))
  })
  const ports = objs(es['ports'])
  if (ports.length > 100) errs.push(fe.tooMany('ports', ports.length, 100))
  const names = new Set<string>()
  ports.forEach((pt, i) => {
    const p = `ports[${i}]`
    const name = str(pt['name'])
    if (name) errs.push(...dnsLabel(name, `${p}.name`))
    if (names.has(name)) errs.push(fe.duplicate(`${p}.name`, name))
    else names.add(name)
    const proto = pt['protocol']
    if (proto === undefined || proto === null) errs.push(fe.required(`${p}.protocol`))
    else if (!PORT_PROTOCOLS.includes(str(proto))) errs.push(fe.notSupported(`${p}.protocol`, str(proto), PORT_PROTOCOLS))
    if (typeof pt['appProtocol'] === 'string') errs.push(...qualifiedName(pt['appProtocol'], `${p}.appProtocol`))
  })
  if (addrType === '') errs.push(fe.required('addressType'))
  else if (!['FQDN', 'IPv4', 'IPv6'].includes(addrType)) errs.push(fe.notSupported('addressType', addrType, ['FQDN', 'IPv4', 'IPv6']))
  return errs
}

export function validateEndpointSliceUpdate(es: J, old: J): Errs {
  const errs = validateObjectMetaUpdate(es['metadata'], old['metadata'])
  errs.push(...validateEndpointSlice(es))
  if (str(es['addressType']) !== str(old['addressType'])) errs.push(fe.invalid('addressType', str(es['addressType']), FIELD_IMMUTABLE_MSG))
  return errs
}

// ---------------------------------------------------------------- Node

function goTaint(t: J): string {
  return goStruct('core.Taint', [['Key', t['key'], 'string'], ['Value', t['value'], 'string'], ['Effect', t['effect'], 'string'], ['TimeAdded', t['timeAdded'], '*v1.Time']])
}

function validateNodeTaints(taints: unknown, path: string): Errs {
  const errs: Errs = []
  const unique = new Map<string, Set<string>>()
  objs(taints).forEach((t, i) => {
    const p = index(path, i)
    errs.push(...validateLabelName(str(t['key']), child(p, 'key')))
    const vm = isValidLabelValue(str(t['value']))
    if (vm.length) errs.push(fe.invalid(child(p, 'value'), str(t['value']), vm.join(';')))
    errs.push(...validateTaintEffect(str(t['effect']), false, child(p, 'effect')))
    const effect = str(t['effect'])
    const keys = unique.get(effect) ?? new Set<string>()
    if (keys.has(str(t['key']))) {
      const d = fe.duplicate(p, goValue(goTaint(t)))
      d.detail = 'taints must be unique by key and effect pair'
      errs.push(d)
      return
    }
    keys.add(str(t['key']))
    unique.set(effect, keys)
  })
  return errs
}

function validateNodeResources(node: J): Errs {
  const errs: Errs = []
  const status = obj(node['status']) ?? {}
  for (const kind of ['capacity', 'allocatable']) {
    const list = obj(status[kind]) ?? {}
    for (const k of sortedKeys(list)) errs.push(...validateResourceQuantity(k, list[k], `status.${kind}.${k}`))
  }
  return errs
}

export function validateNode(node: J): Errs {
  const errs = validateObjectMeta(node['metadata'], { namespaced: false, nameFn: nameIsDNSSubdomain })
  const spec = obj(node['spec']) ?? {}
  errs.push(...validateNodeTaints(spec['taints'], 'metadata.taints'))
  errs.push(...validateNodeResources(node))
  const cidrs = arr(spec['podCIDRs']).map(String)
  cidrs.forEach((c, i) => errs.push(...cidrErrors(c, `spec.podCIDRs[${i}]`)))
  if (cidrs.length > 1) {
    const v4 = cidrs.filter((c) => parseIPv4(c.split('/')[0] ?? '')).length
    if (v4 !== 1 || cidrs.length > 2) errs.push(fe.invalid('spec.podCIDRs', goValue(goStringSlice(cidrs)), 'may specify no more than one CIDR for each IP family'))
    const seen = new Set<string>()
    cidrs.forEach((c, i) => { if (seen.has(c)) errs.push(fe.duplicate(`spec.podCIDRs[${i}]`, c)); seen.add(c) })
  }
  return errs
}

export function validateNodeUpdate(node: J, old: J): Errs {
  const errs = validateObjectMetaUpdate(node['metadata'], old['metadata'])
  errs.push(...validateNodeResources(node))
  const seen = new Set<string>()
  objs(obj(node['status'])?.['addresses']).forEach((a, i) => {
    const k = `${str(a['type'])}/${str(a['address'])}`
    if (seen.has(k)) errs.push(fe.duplicate(`status.addresses[${i}]`, goValue(`core.NodeAddress{Type:${goQuote(str(a['type']))}, Address:${goQuote(str(a['address']))}}`)))
    seen.add(k)
  })
  const spec = obj(node['spec']) ?? {}
  const oldSpec = obj(old['spec']) ?? {}
  const oldCidrs = arr(oldSpec['podCIDRs']).map(String)
  const cidrs = arr(spec['podCIDRs']).map(String)
  if (oldCidrs.length > 0) {
    const msg = 'node updates may not change podCIDR except from "" to valid'
    if (oldCidrs.length !== cidrs.length) errs.push(fe.forbidden('spec.podCIDRs', msg))
    else oldCidrs.forEach((c, i) => { if (c !== cidrs[i]) errs.push(fe.forbidden('spec.podCIDRs', msg)) })
  }
  if (str(oldSpec['providerID']) !== '' && str(oldSpec['providerID']) !== str(spec['providerID'])) {
    errs.push(fe.forbidden('spec.providerID', 'node updates may not change providerID except from "" to valid'))
  }
  errs.push(...validateNodeTaints(spec['taints'], 'metadata.taints'))
  if (str(spec['externalID']) !== str(oldSpec['externalID'])) errs.push(fe.forbidden('spec.externalID', 'may not be updated'))
  return errs
}

// ---------------------------------------------------------------- Namespace

export function validateNamespace(ns: J): Errs {
  const errs = validateObjectMeta(ns['metadata'], { namespaced: false, nameFn: nameIsDNSLabel })
  const finalizers = obj(ns['spec'])?.['finalizers']
  for (const f of arr(finalizers).map(String)) {
    errs.push(...validateFinalizers([f], 'spec.finalizers'))
    errs.push(...validateKubeFinalizerNames([f], 'spec.finalizers').map((e) => ({ ...e, field: 'spec.finalizers' })))
  }
  return errs
}

export function validateNamespaceStatusUpdate(ns: J, old: J): Errs {
  const errs = validateObjectMetaUpdate(ns['metadata'], old['metadata'])
  const phase = str(obj(ns['status'])?.['phase'])
  if (!obj(ns['metadata'])?.['deletionTimestamp']) {
    if (phase !== 'Active') errs.push(fe.invalid('status.Phase', phase, "may only be 'Active' if `deletionTimestamp` is empty"))
  } else if (phase !== 'Terminating') {
    errs.push(fe.invalid('status.Phase', phase, "may only be 'Terminating' if `deletionTimestamp` is not empty"))
  }
  return errs
}

// ---------------------------------------------------------------- ConfigMap / Secret

export const MAX_SECRET_SIZE = 1024 * 1024

function base64Len(s: string): number {
  const clean = s.replace(/\s/g, '')
  const pad = clean.endsWith('==') ? 2 : clean.endsWith('=') ? 1 : 0
  return Math.floor((clean.length * 3) / 4) - pad
}

export function validateConfigMap(cm: J): Errs {
  const errs = validateObjectMeta(cm['metadata'], { namespaced: true, nameFn: nameIsDNSSubdomain })
  const data = obj(cm['data']) ?? {}
  const bin = obj(cm['binaryData']) ?? {}
  let total = 0
  for (const k of sortedKeys(data)) {
    for (const m of isConfigMapKey(k)) errs.push(fe.invalid(key('data', k), k, m))
    if (k in bin) errs.push(fe.invalid(key('data', k), k, 'duplicate of key present in binaryData'))
    total += byteLen(str(data[k]))
  }
  for (const k of sortedKeys(bin)) {
    for (const m of isConfigMapKey(k)) errs.push(fe.invalid(key('binaryData', k), k, m))
    total += base64Len(str(bin[k]))
  }
  if (total > MAX_SECRET_SIZE) errs.push(fe.tooLong('', MAX_SECRET_SIZE))
  return errs
}

function immutableData(obj1: J, old: J, fields: readonly string[]): Errs {
  const errs: Errs = []
  if (old['immutable'] !== true) return errs
  if (obj1['immutable'] !== true) errs.push(fe.forbidden('immutable', 'field is immutable when `immutable` is set'))
  for (const f of fields) if (!deepEqual(obj1[f] ?? {}, old[f] ?? {})) errs.push(fe.forbidden(f, 'field is immutable when `immutable` is set'))
  return errs
}

export function validateConfigMapUpdate(cm: J, old: J): Errs {
  const errs = validateObjectMetaUpdate(cm['metadata'], old['metadata'])
  errs.push(...immutableData(cm, old, ['data', 'binaryData']))
  errs.push(...validateConfigMap(cm))
  return errs
}

export function validateSecret(secret: J): Errs {
  const errs = validateObjectMeta(secret['metadata'], { namespaced: true, nameFn: nameIsDNSSubdomain })
  const data = obj(secret['data']) ?? {}
  const stringData = obj(secret['stringData']) ?? {}
  const keys = [...new Set([...Object.keys(data), ...Object.keys(stringData)])].sort()
  let total = 0
  for (const k of keys) {
    for (const m of isConfigMapKey(k)) errs.push(fe.invalid(key('data', k), k, m))
    total += k in stringData ? byteLen(str(stringData[k])) : base64Len(str(data[k]))
  }
  if (total > MAX_SECRET_SIZE) errs.push(fe.tooLong('data', MAX_SECRET_SIZE))
  const has = (k: string) => k in data || k in stringData
  const ann = obj(obj(secret['metadata'])?.['annotations']) ?? {}
  switch (str(secret['type'])) {
    case 'kubernetes.io/service-account-token':
      if (str(ann['kubernetes.io/service-account.name']) === '') errs.push(fe.required(key('metadata.annotations', 'kubernetes.io/service-account.name')))
      break
    case 'kubernetes.io/dockercfg':
      if (!has('.dockercfg')) errs.push(fe.required(key('data', '.dockercfg')))
      break
    case 'kubernetes.io/dockerconfigjson':
      if (!has('.dockerconfigjson')) errs.push(fe.required(key('data', '.dockerconfigjson')))
      break
    case 'kubernetes.io/basic-auth':
      if (!has('username') && !has('password')) {
        errs.push(fe.required(key('data', 'username')))
        errs.push(fe.required(key('data', 'password')))
      }
      break
    case 'kubernetes.io/ssh-auth':
      if (!has('ssh-privatekey')) errs.push(fe.required(key('data', 'ssh-privatekey')))
      break
    case 'kubernetes.io/tls':
      if (!has('tls.crt')) errs.push(fe.required(key('data', 'tls.crt')))
      if (!has('tls.key')) errs.push(fe.required(key('data', 'tls.key')))
      break
  }
  return errs
}

export function validateSecretUpdate(secret: J, old: J): Errs {
  const errs = validateObjectMetaUpdate(secret['metadata'], old['metadata'])
  if (str(secret['type']) !== str(old['type'])) errs.push(fe.invalid('type', str(secret['type']), FIELD_IMMUTABLE_MSG))
  errs.push(...immutableData(secret, old, ['data']))
  errs.push(...validateSecret(secret))
  return errs
}

export function validateServiceAccount(sa: J): Errs {
  return validateObjectMeta(sa['metadata'], { namespaced: true, nameFn: nameIsDNSSubdomain })
}

// ---------------------------------------------------------------- Events

/** Internal core.Event view of an events.k8s.io/v1 Event. */
function fromEventsV1(ev: J): J {
  return {
    ...ev,
    involvedObject: ev['regarding'] ?? {},
    message: ev['note'],
    source: ev['deprecatedSource'],
    firstTimestamp: ev['deprecatedFirstTimestamp'],
    lastTimestamp: ev['deprecatedLastTimestamp'],
    count: ev['deprecatedCount'],
  }
}

function legacyValidateEvent(ev: J): Errs {
  const errs: Errs = []
  const ns = str(obj(ev['metadata'])?.['namespace'])
  const involvedNs = str(obj(ev['involvedObject'])?.['namespace'])
  if (!ev['eventTime']) {
    if (involvedNs === '') {
      if (ns !== '' && ns !== 'default') errs.push(fe.invalid('involvedObject.namespace', involvedNs, 'does not match event.namespace'))
    } else if (ns !== involvedNs) errs.push(fe.invalid('involvedObject.namespace', involvedNs, 'does not match event.namespace'))
  } else {
    if (involvedNs === '' && ns !== 'default' && ns !== 'kube-system') errs.push(fe.invalid('involvedObject.namespace', involvedNs, 'does not match event.namespace'))
    const rc = str(ev['reportingController'])
    if (rc === '') errs.push(fe.required('reportingController'))
    errs.push(...qualifiedName(rc, 'reportingController'))
    const limit = (field: string, max: number) => {
      const v = str(ev[field])
      if (v === '' && field !== 'message') errs.push(fe.required(field))
      if (v.length > max) errs.push(fe.invalid(field, '', `can have at most ${max} characters`))
    }
    limit('reportingInstance', 128)
    limit('action', 128)
    limit('reason', 128)
    limit('message', 1024)
  }
  for (const m of isDNS1123Subdomain(ns)) errs.push(fe.invalid('namespace', ns, m))
  return errs
}

export function validateEvent(ev: J, strict: boolean): Errs {
  const e = strict ? fromEventsV1(ev) : ev
  const errs = legacyValidateEvent(e)
  if (!strict) return errs
  errs.push(...validateObjectMeta(e['metadata'], { namespaced: true, nameFn: nameIsDNSSubdomain }))
  const series = obj(e['series'])
  if (series) {
    if ((num(series['count']) ?? 0) < 2) errs.push(fe.invalid('series.count', '', 'should be at least 2'))
    if (!series['lastObservedTime']) errs.push(fe.required('series.lastObservedTime'))
  }
  if (!e['eventTime']) errs.push(fe.required('eventTime'))
  const type = str(e['type'])
  if (type !== 'Normal' && type !== 'Warning') errs.push(fe.invalid('type', '', `has invalid value: ${type}`))
  if (e['firstTimestamp']) errs.push(fe.invalid('firstTimestamp', '', 'needs to be unset'))
  if (e['lastTimestamp']) errs.push(fe.invalid('lastTimestamp', '', 'needs to be unset'))
  if ((num(e['count']) ?? 0) !== 0) errs.push(fe.invalid('count', '', 'needs to be unset'))
  const src = obj(e['source'])
  if (src && (str(src['component']) || str(src['host']))) errs.push(fe.invalid('source', '', 'needs to be unset'))
  return errs
}

export function validateEventUpdate(ev: J, old: J, strict: boolean): Errs {
  const errs = validateEvent(ev, false)
  if (!strict) return errs
  const n = fromEventsV1(ev)
  const o = fromEventsV1(old)
  errs.push(...validateObjectMetaUpdate(n['metadata'], o['metadata']))
  for (const f of ['involvedObject', 'reason', 'message', 'source', 'firstTimestamp', 'lastTimestamp', 'count', 'type', 'eventTime', 'action', 'related', 'reportingController', 'reportingInstance']) {
    if (!deepEqual(n[f] ?? null, o[f] ?? null)) errs.push(fe.invalid(f, typeof n[f] === 'string' || typeof n[f] === 'number' ? n[f] : goValue(JSON.stringify(n[f] ?? null)), FIELD_IMMUTABLE_MSG))
  }
  return errs
}

// ---------------------------------------------------------------- Lease

export function validateLease(lease: J): Errs {
  const errs = validateObjectMeta(lease['metadata'], { namespaced: true, nameFn: nameIsDNSSubdomain })
  const spec = obj(lease['spec']) ?? {}
  const d = num(spec['leaseDurationSeconds'])
  if (d !== undefined && d <= 0) errs.push(fe.invalid('spec.leaseDurationSeconds', d, 'must be greater than 0'))
  const t = num(spec['leaseTransitions'])
  if (t !== undefined && t < 0) errs.push(fe.invalid('spec.leaseTransitions', t, 'must be greater than or equal to 0'))
  return errs
}
