/** The admin kubeconfig `up` and `server` write: CA, server URL and bearer token. */
export function renderKubeconfig(opts: { server: string; caCert: string; token: string; name?: string }): string {
  const name = opts.name ?? 'kubeling'
  const ca = Buffer.from(opts.caCert).toString('base64')
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: ${name}`,
    '  cluster:',
    `    server: ${opts.server}`,
    `    certificate-authority-data: ${ca}`,
    'users:',
    `- name: ${name}-admin`,
    '  user:',
    `    token: ${opts.token}`,
    'contexts:',
    `- name: ${name}`,
    '  context:',
    `    cluster: ${name}`,
    `    user: ${name}-admin`,
    '    namespace: default',
    `current-context: ${name}`,
    'preferences: {}',
    '',
  ].join('\n')
}
