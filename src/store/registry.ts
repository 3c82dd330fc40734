/**
 * The store strategies register themselves here (src/store/<strategy>/index.ts); src/store/index.ts
 * imports them all and opens the one the STORE setting names.
 */
import type { Store, StoreFaults } from './types.js';

export interface StoreOptions {
  /** Folder of the embedded strategy's database and of the archived files. */
  dataDir: string;
  /** Connection string of a networked strategy. */
  url?: string;
  /** Most connections a networked strategy opens at once (PG_POOL_MAX). */
  poolMax?: number;
  faults?: StoreFaults;
}

type Factory = (options: StoreOptions) => Store | Promise<Store>;

const strategies = new Map<string, Factory>();

export function registerStore(name: string, factory: Factory): void {
  if (strategies.has(name)) throw new Error(`Store strategy "${name}" is already registered`);
  strategies.set(name, factory);
}

export function storeStrategies(): string[] {
  return [...strategies.keys()];
}

export async function openStoreStrategy(name: string, options: StoreOptions): Promise<Store> {
  const factory = strategies.get(name);
  if (!factory) throw new Error(`Unknown store "${name}" (available: ${storeStrategies().join(', ')})`);
  return factory(options);
}
