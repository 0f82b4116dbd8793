/**
 * `npm run bench`: starts its own local stack, runs the scenarios, prints a table and
 * writes bench/results.json and docs/benchmarks.md. See docs/benchmarks.md for the method.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { compareCosts } from './cost-comparison.js';
import type { CapacityProbe } from './instrument/capacity-probe.js';
import { evaluateGoals } from './goals.js';
import { readClientResults } from './client/report.js';
import { LoadDriver } from './load/load-driver.js';
import { describeMachine, gitState, loadAverage, packageVersions } from './machine.js';
import { type BenchOptions, parseOptions, SECTIONS, UsageError } from './options.js';
import { loadPrices } from './prices.js';
import { renderConsole } from './report/console.js';
import { renderMarkdown } from './report/markdown.js';
import type { BenchResults, SectionResults } from './results.js';
import { runColdStartSection } from './scenarios/cold-start.js';
import { NOT_MEASURED_YET, SECTION_RUNNERS, type StackSectionName } from './scenarios/index.js';
import type { SectionContext } from './scenarios/section.js';
import { type BenchStack, startBenchStack } from './stack.js';

const RESULTS_FILE = join(process.cwd(), 'bench', 'results.json');
const REPORT_FILE = join(process.cwd(), 'docs', 'benchmarks.md');

const progress = (message: string) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);

async function main(): Promise<void> {
  let options: BenchOptions;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(err.message);
      process.exitCode = 2;
      return;
    }
    throw err;
  }
  const started = performance.now();
  const date = new Date().toISOString();
  const machine = describeMachine();
  const prices = loadPrices();
  progress(`machine: ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, ${machine.os}, Node ${machine.node}; load ${machine.loadAverageAtStart.join(' ')}`);

  let stack: BenchStack | undefined;
  let driver: LoadDriver | undefined;
  const stopAll = async () => {
    await driver?.stop();
    await stack?.stop();
    driver = undefined;
    stack = undefined;
  };
  // Ctrl-C or a kill must not leave the emulators or the load driver behind.
  const onSignal = (signal: NodeJS.Signals) => {
    progress(`${signal}: stopping`);
    void stopAll().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const sections: Partial<SectionResults> = {};
  let capacityProbe: CapacityProbe[] = [];
  // Before the emulators start: a process start is what this section times, on a machine as quiet as the run gets.
  if (options.only.has('cold-start')) {
    progress('section cold-start');
    sections['cold-start'] = await runColdStartSection(options, progress);
  }
  const stackSections = SECTIONS.filter((s): s is StackSectionName => s !== 'cold-start' && options.only.has(s));
  if (stackSections.length > 0) {
    try {
      progress('starting DynamoDB Local, s3rver and the API');
      stack = await startBenchStack();
      capacityProbe = stack.capacityProbe;
      driver = LoadDriver.start();
      progress(
        `API on ${stack.api.baseUrl}; transaction capacity, DynamoDB Local vs model: ${stack.capacityProbe.map((p) => `${p.items} items ${p.reportedByDynamoDbLocal} vs ${p.modelled} WRU`).join(', ')}`,
      );
      const ctx: SectionContext = { stack, driver, options, prices, progress };
      for (const name of stackSections) {
        progress(`section ${name}`);
        await runSection(name, ctx, sections);
      }
    } finally {
      await stopAll();
    }
  }
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);

  // A run of some sections keeps the others' figures from the last results, so that
  // `--only=cold-start` does not wipe the produce and fetch figures the cost model prices.
  const previous = options.only.size < SECTIONS.length ? await previousResults() : undefined;
  const carried = previous ? carryOver(previous, sections) : [];
  if (carried.length > 0 && previous) progress(`kept ${carried.join(', ')} as measured on ${measuredIn(previous, carried).date}`);
  const produce = sections.produce ?? previous?.produce;
  const fetch = sections.fetch ?? (previous?.fetch && previous.maintenance ? { scenarios: previous.fetch, maintenance: previous.maintenance } : undefined);
  const endToEnd = sections['end-to-end'] ?? (previous?.endToEnd && previous.webhook && previous.idleConsumer ? { endToEnd: previous.endToEnd, webhook: previous.webhook, idleConsumer: previous.idleConsumer } : undefined);
  const coldStart = sections['cold-start'] ?? previous?.coldStart;
  const codec = sections.codec ?? previous?.codec;
  const schemas = sections.schemas ?? previous?.schemas;
  const directRead = sections['direct-read'] ?? previous?.directRead;
  const keyCompaction = sections['key-compaction'] ?? previous?.keyCompaction;

  const versions = packageVersions();
  const partial: Omit<BenchResults, 'goals'> = {
    run: {
      date,
      durationSeconds: Math.round((performance.now() - started) / 1000),
      command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
      quick: options.quick,
      phases: {
        warmupMs: options.warmupMs,
        measureMs: options.measureMs,
        repeats: options.repeats,
        fetchPasses: options.fetchPasses,
        fetchBudgetMs: options.fetchBudgetMs,
        endToEndMs: options.endToEndMs,
        codecRoundMs: options.codecRoundMs,
      },
      git: gitState(),
      machine: { ...machine, loadAverageAtEnd: loadAverage() },
      versions,
      process:
        'One bench process hosts the API (Hono on @hono/node-server, loopback HTTP), the storage floor and the codec runs; its clients run in a child process (the load driver) so that building and parsing request bodies does not share the server\'s event loop. DynamoDB Local (Java) and s3rver run as further child processes; on this machine all of them share the same cores.',
      transactionCapacityProbe: capacityProbe.length > 0 ? capacityProbe : (previous?.run.transactionCapacityProbe ?? []),
      ...(carried.length > 0 && previous ? { carriedOver: { sections: carried, ...measuredIn(previous, carried) } } : {}),
    },
    ...(coldStart ? { coldStart } : {}),
    ...(codec ? { codec } : {}),
    ...(directRead ? { directRead } : {}),
    ...(produce ? { produce } : {}),
    ...(schemas ? { schemas } : {}),
    ...(fetch ? { fetch: fetch.scenarios, maintenance: fetch.maintenance } : {}),
    ...(endToEnd ? { endToEnd: endToEnd.endToEnd, webhook: endToEnd.webhook, idleConsumer: endToEnd.idleConsumer } : {}),
    ...(keyCompaction ? { keyCompaction } : {}),
    cost: compareCosts(prices, produce, fetch, endToEnd),
    notMeasuredYet: NOT_MEASURED_YET,
    prices,
  };
  const results: BenchResults = { ...partial, goals: evaluateGoals(partial, readClientResults()) };

  await writeFile(RESULTS_FILE, `${JSON.stringify(results, null, 2)}\n`);
  await mkdir(dirname(REPORT_FILE), { recursive: true });
  await writeFile(REPORT_FILE, renderMarkdown(results));
  console.log(`\n${renderConsole(results)}\n`);
  progress(`wrote ${RESULTS_FILE} and ${REPORT_FILE} (${results.run.durationSeconds} s)`);
}

async function previousResults(): Promise<BenchResults | undefined> {
  try {
    return JSON.parse(await readFile(RESULTS_FILE, 'utf8')) as BenchResults;
  } catch {
    return undefined;
  }
}

/** When the carried sections were measured: the previous run, or the run it had carried them from. */
function measuredIn(previous: BenchResults, sections: string[]): { date: string; git: BenchResults['run']['git'] } {
  const earlier = previous.run.carriedOver;
  if (earlier && sections.every((s) => earlier.sections.includes(s))) return { date: earlier.date, git: earlier.git };
  return { date: previous.run.date, git: previous.run.git };
}

/** The sections this run did not measure that the previous results have. */
function carryOver(previous: BenchResults, measured: Partial<SectionResults>): string[] {
  const had: Record<(typeof SECTIONS)[number], boolean> = {
    'cold-start': previous.coldStart !== undefined,
    codec: previous.codec !== undefined,
    'direct-read': previous.directRead !== undefined,
    fetch: previous.fetch !== undefined,
    produce: previous.produce !== undefined,
    'end-to-end': previous.endToEnd !== undefined,
    'key-compaction': previous.keyCompaction !== undefined,
    schemas: previous.schemas !== undefined,
  };
  return SECTIONS.filter((s) => measured[s] === undefined && had[s]);
}

async function runSection<K extends StackSectionName>(name: K, ctx: SectionContext, into: Partial<SectionResults>): Promise<void> {
  into[name] = await SECTION_RUNNERS[name](ctx);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exitCode = 1;
});
