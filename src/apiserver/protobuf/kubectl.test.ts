/**
 * Request bodies captured from real kubectl v1.33.1 (testdata/<name>.pb, sent with
 * `Content-Type: application/vnd.kubernetes.protobuf`) against the JSON of the same object
 * (testdata/<name>.json: `kubectl.1.33 <same args> --dry-run=client -o json`, or, for
 * tokenrequest, selfsubjectaccessreview, hpa-v1, debug-node and debug-copy, the JSON request body
 * kubectl v1.27.16 sends for the same command, with the generated pod name made equal). Commands:
 *
 *   configmap               create configmap fx-cm --from-literal=a=1 --from-literal=b=two
 *   configmap-binary        create configmap fx-cmb --from-file=bin=<00 01 ff 'bin'> --from-literal=x=y
 *   secret-generic          create secret generic fx-s --from-literal=password=hunter2 --from-literal=empty=
 *   secret-docker-registry  create secret docker-registry fx-reg --docker-server=r.example --docker-username=u --docker-password=p
 *   namespace               create namespace fx-ns
 *   deployment              create deployment fx-web --image=nginx
 *   deployment-full         create deployment fx-web2 --image=busybox --replicas=0 --port=8080 -- sleep 10
 *   serviceaccount          create serviceaccount fx-sa
 *   service-clusterip       create service clusterip fx-svc --tcp=80:8080 --tcp=443:https
 *   service-clusterip-none  create service clusterip fx-headless --clusterip=None
 *   service-nodeport        create service nodeport fx-np --tcp=80:8080 --node-port=30080
 *   service-loadbalancer    create service loadbalancer fx-lb --tcp=5678:8080
 *   service-externalname    create service externalname fx-ext --external-name=example.com
 *   job                     create job fx-job --image=busybox -- echo hi
 *   cronjob                 create cronjob fx-cj --image=busybox --schedule='*\/1 * * * *' -- echo hi
 *   role                    create role fx-role --verb=get,list --resource=pods,deployments.apps --resource-name=a
 *   rolebinding             create rolebinding fx-rb --role=fx-role --serviceaccount=default:fx-sa --user=bob
 *   clusterrole             create clusterrole fx-cr --verb=get,watch --resource=nodes
 *   clusterrole-nonresource create clusterrole fx-cr2 --verb=get --non-resource-url=/healthz
 *   clusterrole-aggregated  create clusterrole fx-cra --aggregation-rule=a=b
 *   clusterrolebinding      create clusterrolebinding fx-crb --clusterrole=fx-cr --group=devs
 *   quota                   create quota fx-q --hard=cpu=1,memory=1Gi,pods=10 --scopes=BestEffort
 *   priorityclass           create priorityclass fx-pc --value=1000 --description=hi --preemption-policy=Never
 *   pdb                     create poddisruptionbudget fx-pdb --selector=app=x --min-available=50%
 *   pdb-int                 create poddisruptionbudget fx-pdb2 --selector=app=x --max-unavailable=1
 *   ingress                 create ingress fx-ing --rule='foo.com/bar*=svc1:80,tls=sec' --class=nginx --annotation=a=b
 *   hpa                     autoscale deployment web --min=1 --max=3 --cpu-percent=50   (autoscaling/v2)
 *   hpa-v1                  the same, retried as autoscaling/v1 after a 404
 *   tokenrequest            create token default --duration=1h --audience=x
 *   selfsubjectaccessreview auth can-i get pods --subresource=log -n kube-system
 *   selfsubjectreview       auth whoami
 *   debug-node              debug node/n1 --image=busybox --profile=general -- true
 *   debug-copy              debug p1 --image=busybox --copy-to=fx-copy --container=dbg --profile=general -- true
 *
 * kubectl 1.33 marshals a zero metadata.creationTimestamp as `null`; current apimachinery tags it
 * `omitzero`, which the decoder follows, so the reference JSON is compared without those nulls.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { canDecode, decodeProtobufObject, protobufTypeMeta } from './index.js'

const TESTDATA = new URL('../../../../src/apiserver/protobuf/testdata/', import.meta.url)
const read = (name: string): Buffer => readFileSync(new URL(name, TESTDATA))

function withoutNullCreationTimestamps(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutNullCreationTimestamps)
  if (typeof v !== 'object' || v === null) return v
  const out: Record<string, unknown> = {}
  for (const [k, x] of Object.entries(v)) {
    if (k === 'creationTimestamp' && x === null) continue
    out[k] = withoutNullCreationTimestamps(x)
  }
  return out
}

const names = readdirSync(TESTDATA)
  .filter((f) => f.endsWith('.pb'))
  .map((f) => f.slice(0, -3))
  .sort()
const withJSON = new Set(readdirSync(TESTDATA).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)))

test('the kubectl fixtures are all there', () => {
  for (const n of ['configmap', 'secret-generic', 'namespace', 'deployment', 'serviceaccount', 'service-clusterip']) {
    assert.ok(names.includes(n) && withJSON.has(n), n)
  }
})

for (const name of names.filter((n) => withJSON.has(n))) {
  test(`kubectl protobuf body decodes to kubectl's JSON: ${name}`, () => {
    const body = read(`${name}.pb`)
    const tm = protobufTypeMeta(body)
    assert.ok(tm && canDecode(tm.apiVersion, tm.kind), `${tm?.apiVersion} ${tm?.kind}`)
    const want = withoutNullCreationTimestamps(JSON.parse(read(`${name}.json`).toString('utf8')))
    assert.deepEqual(decodeProtobufObject(body), want)
  })
}

test('kubectl auth whoami (SelfSubjectReview) decodes', () => {
  assert.deepEqual(decodeProtobufObject(read('selfsubjectreview.pb')), {
    kind: 'SelfSubjectReview',
    apiVersion: 'authentication.k8s.io/v1',
    metadata: {},
    status: { userInfo: {} },
  })
})

test('a kubectl body of an undecodable version is rejected with its kind and version', () => {
  const body = read('selfsubjectreview-v1beta1.pb')
  assert.deepEqual(protobufTypeMeta(body), { apiVersion: 'authentication.k8s.io/v1beta1', kind: 'SelfSubjectReview' })
  assert.equal(canDecode('authentication.k8s.io/v1beta1', 'SelfSubjectReview'), false)
  assert.throws(() => decodeProtobufObject(body), /no kind "SelfSubjectReview" is registered for version "authentication.k8s.io\/v1beta1"/)
})

test('binary ConfigMap data arrives as base64 binaryData', () => {
  const obj = decodeProtobufObject(read('configmap-binary.pb'))
  assert.deepEqual(obj['binaryData'], { bin: Buffer.from([0, 1, 0xff, 0x62, 0x69, 0x6e]).toString('base64') })
  assert.deepEqual(obj['data'], { x: 'y' })
})
