/**
 * The `kubeling` binary: parses the command line and hands over to a command. This is a
 * composition root: the only place (with its siblings) that picks concrete stores and runtimes.
 */
import { parseArgs } from 'node:util'
import { runUp } from './up.js'

const USAGE = `kubeling — a small Kubernetes-compatible control plane

Usage:
  kubeling up [--nodes N] [--runtime simulated] [--data-dir DIR] [--port P] [--store URL]
             [--stages DIR] [--node-monitor-grace-period 40s]
      Start an all-in-one cluster in the foreground (API server, controllers, scheduler,
      DNS, node agents). Prints the kubeconfig path and an export line. Ctrl-C stops it.
  kubeling server [--data-dir DIR] [--port P] [--store URL] [--address ADDR]
      Start the control plane alone.
  kubeling agent --server URL --token T --name NODE [--runtime simulated] [--count N] [--ca FILE | --insecure]
      Start node agent(s) against a running control plane.
  kubeling version
`

const COMMON = {
  'data-dir': { type: 'string' },
  port: { type: 'string' },
  store: { type: 'string' },
  address: { type: 'string' },
  nodes: { type: 'string' },
  runtime: { type: 'string' },
  'dns-addr': { type: 'string' },
  stages: { type: 'string' },
  'node-monitor-grace-period': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const

function fail(message: string): never {
  process.stderr.write(`kubeling: ${message}\n`)
  process.exit(2)
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(USAGE)
    return
  }
  if (command === 'version' || command === '--version') {
    const { VERSION_INFO } = await import('../apiserver/index.js')
    process.stdout.write(`kubeling ${VERSION_INFO.gitVersion}\n`)
    return
  }
  if (command === 'up' || command === 'server') {
    let values
    try {
      ({ values } = parseArgs({ args: rest, options: COMMON, strict: true, allowPositionals: false }))
    } catch (e) {
      fail((e as Error).message)
    }
    if (values.help) {
      process.stdout.write(USAGE)
      return
    }
    await runUp({
      controlPlaneOnly: command === 'server',
      dataDir: values['data-dir'],
      port: values.port,
      store: values.store,
      address: values.address,
      nodes: values.nodes,
      runtime: values.runtime,
      dnsAddr: values['dns-addr'],
      stagesDir: values.stages,
      nodeMonitorGracePeriod: values['node-monitor-grace-period'],
    })
    return
  }
  if (command === 'agent') {
    const { runAgent } = await import('./agent.js')
    await runAgent(rest)
    return
  }
  if (command === 'image') fail(`'image' is not yet available in this build (it arrives with the containerd runtime)`)
  fail(`unknown command "${command}"; run 'kubeling help'`)
}

main(process.argv.slice(2)).catch((e: unknown) => fail((e as Error)?.message ?? String(e)))
