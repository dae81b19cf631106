// The layering of style.md §4.1, made executable: components depend "down" only.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    { name: 'api-is-pure', severity: 'error', from: { path: '^src/(api|lib)/' }, to: { path: '^src/(apiserver|storage|client|controllers|scheduler|agent|dns|cli|cmd)/' } },
    { name: 'api-no-node', severity: 'error', from: { path: '^src/api/', pathNot: '\\.test\\.ts$' }, to: { dependencyTypes: ['core'] } },
    { name: 'storage-below-apiserver', severity: 'error', from: { path: '^src/storage/' }, to: { path: '^src/(apiserver|client|controllers|scheduler|agent|dns|cli|cmd)/' } },
    { name: 'apiserver-no-clients', severity: 'error', from: { path: '^src/apiserver/' }, to: { path: '^src/(client|controllers|scheduler|agent|dns|cli|cmd)/' } },
    { name: 'clients-never-touch-store-or-server', severity: 'error', from: { path: '^src/(client|controllers|scheduler|agent|dns|cli)/' }, to: { path: '^src/(storage|apiserver)/' } },
    { name: 'peers-stay-apart', severity: 'error', from: { path: '^src/(controllers|scheduler|agent|dns)/' }, to: { path: '^src/(controllers|scheduler|agent|dns|cli|cmd)/', pathNot: '^src/$1/' } },
    { name: 'only-cmd-picks-stores', severity: 'error', from: { path: '^src/', pathNot: '^src/(cmd|storage)/|\\.test\\.ts$|^src/storage/' }, to: { path: '^src/storage/(sqlite|memory|etcd)/|^src/storage/open-store' } },
    { name: 'no-cycles', severity: 'error', from: {}, to: { circular: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    // Tests may compose anything (in-process server over the memory store, clients): not checked.
    exclude: { path: '^dist/|\\.test\\.ts$' },
  },
}
