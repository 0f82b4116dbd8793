import type { BenchOptions } from '../options.js';
import type { LoadDriver } from '../load/load-driver.js';
import type { PriceTable } from '../prices.js';
import type { BenchStack } from '../stack.js';

/** What every section of the bench gets. */
export interface SectionContext {
  stack: BenchStack;
  driver: LoadDriver;
  options: BenchOptions;
  prices: PriceTable;
  progress(message: string): void;
}
