import { FakeClock } from '../clock.js'
import { runRuntimeContract } from '../contract.js'
import { loadStages } from './load.js'
import { SimulatedRuntime } from './runtime.js'

const stages = loadStages()

runRuntimeContract('SimulatedRuntime (default stages)', () => {
  const clock = new FakeClock()
  return { runtime: new SimulatedRuntime({ stages, clock }), clock }
})

runRuntimeContract('SimulatedRuntime (no stages: immediate)', () => {
  const clock = new FakeClock()
  return { runtime: new SimulatedRuntime({ stages: [], clock }), clock }
})
