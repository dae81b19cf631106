import { FakeClock } from './clock.js'
import { runRuntimeContract } from './contract.js'
import { FakeRuntime } from './fake.js'

runRuntimeContract('FakeRuntime', () => {
  const clock = new FakeClock()
  return { runtime: new FakeRuntime(clock), clock }
})
