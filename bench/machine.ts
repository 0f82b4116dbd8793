import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { arch, cpus, loadavg, release, totalmem, type } from 'node:os';
import { dirname, join } from 'node:path';
import { findJava } from '../shared/local/java.js';
import type { RunInfo } from './results.js';

/** The packages whose versions shape the figures. */
const PACKAGES = [
  'hono',
  '@hono/node-server',
  '@hono/zod-openapi',
  'zod',
  '@aws-sdk/client-s3',
  '@aws-sdk/client-dynamodb',
  '@aws-sdk/lib-dynamodb',
  'kafkajs',
  'hdr-histogram-js',
  's3rver',
  'amplify-dynamodb-simulator',
  'tsx',
];

export function describeMachine(): RunInfo['machine'] {
  const cpuList = cpus();
  return {
    cpus: cpuList.length,
    cpuModel: cpuList[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    os: `${osName()} (${type()} ${release()} ${arch()})`,
    loadAverageAtStart: loadavg().map((l) => Math.round(l * 100) / 100),
    loadAverageAtEnd: [],
  };
}

export const loadAverage = (): number[] => loadavg().map((l) => Math.round(l * 100) / 100);

function osName(): string {
  try {
    const line = readFileSync('/etc/os-release', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('PRETTY_NAME='));
    return line ? line.slice('PRETTY_NAME='.length).replace(/^"|"$/g, '') : type();
  } catch {
    return type();
  }
}

export function packageVersions(): Record<string, string> {
  const versions: Record<string, string> = {};
  for (const name of PACKAGES) {
    const file = join(process.cwd(), 'node_modules', name, 'package.json');
    versions[name] = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version : 'not installed';
  }
  versions['DynamoDB Local'] = dynamoDbLocalVersion();
  versions.java = javaVersion();
  return versions;
}

function dynamoDbLocalVersion(): string {
  try {
    const emulator = join(dirname(createRequire(import.meta.url).resolve('amplify-dynamodb-simulator/package.json')), 'emulator');
    const out = spawnSync(findJava(), ['-XX:TieredStopAtLevel=1', '-jar', join(emulator, 'DynamoDBLocal.jar'), '-version'], { encoding: 'utf8', timeout: 15_000 });
    return out.stdout.trim().split('\n')[0] || 'unknown';
  } catch {
    return 'unknown';
  }
}

function javaVersion(): string {
  try {
    const out = spawnSync(findJava(), ['-version'], { encoding: 'utf8', timeout: 15_000 });
    return (out.stderr || out.stdout).trim().split('\n')[0] ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** The commit measured, and whether the working tree differed from it (read-only git). */
export function gitState(): RunInfo['git'] {
  try {
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const status = execFileSync('git', ['status', '--porcelain'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return { commit, dirty: status.trim().length > 0 };
  } catch {
    return null;
  }
}
