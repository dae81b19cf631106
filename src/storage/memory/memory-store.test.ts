import { runStoreContract } from '../contract.js'
import { MemoryStore } from './memory-store.js'

runStoreContract('MemoryStore', () => Promise.resolve(new MemoryStore()))
