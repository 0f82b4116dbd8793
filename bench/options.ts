/**
 * Command-line options of `npm run bench`, parsed once. Durations are fixed per phase
 * (not request counts), so the whole run takes about the same time on any machine.
 */
/**
 * In run order. key-compaction runs while the stack holds nothing but its own topic: its
 * maintenance passes are metered whole, and another section's data would be worked on too.
 */
export const SECTIONS = ['cold-start', 'codec', 'key-compaction', 'direct-read', 'fetch', 'produce', 'end-to-end', 'schemas'] as const;
export type SectionName = (typeof SECTIONS)[number];

export interface BenchOptions {
  /** Shorter phases for a smoke run; the figures are then too noisy to quote. */
  quick: boolean;
  /** Run only these sections (default: all). */
  only: ReadonlySet<SectionName>;
  /** Repeated runs of every paired measurement, for the noise of the key ratios. */
  repeats: number;
  /** Warm-up before every measured produce or floor phase. */
  warmupMs: number;
  /** One measured produce or floor phase. */
  measureMs: number;
  /** Warm-up of the whole stack (JIT, connections, heads) before anything is measured. */
  stackWarmupMs: number;
  /** Full read-backs of each fetch scenario: at most this many, and no new one once `fetchBudgetMs` is spent (at least one). */
  fetchPasses: number;
  fetchBudgetMs: number;
  endToEndMs: number;
  idlePollMs: number;
  /** One timed round of one codec; rounds alternate ours and kafkajs. */
  codecRoundMs: number;
  /** Fresh processes that import each function's bundle. */
  coldStarts: number;
}

export function parseOptions(argv: readonly string[]): BenchOptions {
  let quick = false;
  let only: Set<SectionName> = new Set(SECTIONS);
  let repeats = 3;
  for (const arg of argv) {
    if (arg === '--quick') quick = true;
    else if (arg.startsWith('--only=')) only = new Set(arg.slice('--only='.length).split(',').map(sectionName));
    else if (arg.startsWith('--repeats=')) repeats = positiveInteger(arg.slice('--repeats='.length), '--repeats');
    else if (arg === '--help' || arg === '-h') throw new UsageError(usage());
    else throw new UsageError(`unknown argument '${arg}'\n${usage()}`);
  }
  const scale = quick ? 0.25 : 1;
  return {
    quick,
    only,
    repeats,
    warmupMs: Math.round(400 * scale),
    measureMs: Math.round(2_200 * scale),
    stackWarmupMs: Math.round(3_000 * scale),
    fetchPasses: quick ? 1 : 3,
    fetchBudgetMs: 12_000,
    endToEndMs: Math.round(6_000 * scale),
    idlePollMs: quick ? 1_000 : 3_000,
    codecRoundMs: Math.round(400 * scale),
    coldStarts: quick ? 5 : 21,
  };
}

export class UsageError extends Error {}

function usage(): string {
  return [
    'usage: npm run bench -- [--quick] [--only=section,...] [--repeats=N]',
    `  sections: ${SECTIONS.join(', ')}`,
    '  --quick     short phases, for checking the machinery (figures not quotable)',
    '  --repeats   paired runs per produce scenario and codec (default 3, at least 3 for noise)',
  ].join('\n');
}

function sectionName(name: string): SectionName {
  const found = SECTIONS.find((s) => s === name);
  if (!found) throw new UsageError(`unknown section '${name}'; known: ${SECTIONS.join(', ')}`);
  return found;
}

function positiveInteger(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} must be a positive integer, got '${text}'`);
  return n;
}
