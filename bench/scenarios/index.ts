/**
 * The bench's sections, in the order they run. A capability that lands later (consumer
 * groups, maintenance beyond compaction) adds its section here and its result type
 * to SectionResults; nothing else needs to change to run it.
 */
import type { SectionName } from '../options.js';
import type { SectionResults } from '../results.js';
import { runCodecSection } from './codec.js';
import { runDirectReadSection } from './direct-read.js';
import { runEndToEndSection } from './end-to-end.js';
import { runFetchSection } from './fetch.js';
import { runKeyCompactionSection } from './key-compaction.js';
import { runProduceSection } from './produce.js';
import { runSchemasSection } from './schemas.js';
import type { SectionContext } from './section.js';

/** Sections measured against the local stack; `cold-start` needs none and runs before it starts. */
export type StackSectionName = Exclude<SectionName, 'cold-start'>;
export type SectionRunners = { [K in StackSectionName]: (ctx: SectionContext) => Promise<SectionResults[K]> };

export const SECTION_RUNNERS: SectionRunners = {
  // CPU only: first, while the machine is quietest.
  codec: runCodecSection,
  // Before fetch: its maintenance pass would compact this topic too.
  'direct-read': runDirectReadSection,
  // Before produce: its maintenance pass then sees only the fetch topics.
  fetch: runFetchSection,
  produce: runProduceSection,
  'end-to-end': runEndToEndSection,
  'key-compaction': runKeyCompactionSection,
  schemas: runSchemasSection,
};

/** What the issue asks for that cannot be measured until its capability exists. */
export const NOT_MEASURED_YET = [
  'Consumer groups (join, group fetch, offset commit, lag): they landed while this bench was being written; no scenario measures them yet.',
  'Maintenance beyond compaction and the idle pass: retention, tiering to a colder storage class and orphan GC are not measured.',
];
