/** The store strategies, each one import line; `openStore` opens the configured one. */
import './sqlite/index.js';
import './postgres/index.js';
import { openStoreStrategy, type StoreOptions } from './registry.js';
import type { Store } from './types.js';

export { storeStrategies } from './registry.js';
export type * from './types.js';

export function openStore(strategy: string, options: StoreOptions): Promise<Store> {
  return openStoreStrategy(strategy, options);
}
