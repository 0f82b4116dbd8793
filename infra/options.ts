import type { Construct } from 'constructs';

/**
 * What one deployment may tune, each from CDK context (`cdk.json`, or `-c freshet:key=value`
 * on the command line) or, when the stack is built in code, from the stack's props. Several
 * deployments (dev, stage, prod) in one account and region differ only in these; docs/deploy.md.
 */
export interface FreshetOptions {
  /** Context `freshet:destroyOnRemoval`. Delete data and logs on `cdk destroy`. @default false (RETAIN) */
  readonly destroyOnRemoval?: boolean;
  /** Context `freshet:alarmEmail`. Subscribe this address to the alarms. @default none */
  readonly alarmEmail?: string;
  /** Context `freshet:maintenanceEveryMinutes`. How often maintenance runs. @default 5 */
  readonly maintenanceEveryMinutes?: number;
  /** Context `freshet:dispatcherRetryEveryMinutes`. How often the dispatcher looks for due webhook retries. @default 1 */
  readonly dispatcherRetryEveryMinutes?: number;
  /** Context `freshet:apiMemoryMb`. Memory (and so CPU) of the api function. @default 1024 */
  readonly apiMemoryMb?: number;
  /** Context `freshet:apiThrottleRate`. Steady requests per second the API accepts before 429. @default 200 */
  readonly apiThrottleRate?: number;
  /** Context `freshet:apiThrottleBurst`. Requests the API accepts in a burst above the rate. @default 400 */
  readonly apiThrottleBurst?: number;
  /** Context `freshet:alarmServerErrors`. API 5xx answers in five minutes that raise the alarm. @default 5 */
  readonly alarmServerErrors?: number;
  /** Context `freshet:alarmGroupLag`. Raise an alarm when some group's lag on some topic reaches this, two passes running. @default none (no alarm) */
  readonly alarmGroupLag?: number;
  /** Context `freshet:alarmSubscriptions`. Alarm on a paused subscription, and on one failing two passes running. @default true */
  readonly alarmSubscriptions?: boolean;
  /** Context `freshet:alarmDeadLetters`. Dead-lettered records in five minutes that raise the alarm; 0 turns it off. @default 1 */
  readonly alarmDeadLetters?: number;
  /** Context `freshet:alarmMaintenanceMissedPasses`. Alarm when no maintenance pass completed in this many intervals; 0 turns it off. @default 3 */
  readonly alarmMaintenanceMissedPasses?: number;
  /**
   * Context `freshet:legacyTimeIndex`. Keep the `byTime` local secondary index of a table
   * deployed before offsets-for-time stopped using it: an LSI cannot be removed from a
   * table in place, and CloudFormation would replace the table (docs/deploy.md, "Upgrading
   * a table that has the byTime index"). Nothing writes to it any more. @default false
   */
  readonly legacyTimeIndex?: boolean;
  /** Context `freshet:dashboard`. One CloudWatch dashboard for this deployment (3 per account are free, then $3 a month each). @default true */
  readonly dashboard?: boolean;
}

/** The CloudFormation name of the stack: context `freshet:stackName`. @default Freshet */
export function stackNameFromContext(scope: Construct): string {
  const name = scope.node.tryGetContext('freshet:stackName') as unknown;
  if (name === undefined || name === '') return 'Freshet';
  if (typeof name !== 'string' || !/^[A-Za-z][A-Za-z0-9-]{0,127}$/.test(name)) {
    throw new Error(`context freshet:stackName must be a CloudFormation stack name (a letter, then letters, digits and hyphens, at most 128), not ${JSON.stringify(name)}`);
  }
  return name;
}

const WHOLE_NUMBERS: Record<string, [min: number, max: number, what: string]> = {
  maintenanceEveryMinutes: [1, 1440, 'minutes'],
  dispatcherRetryEveryMinutes: [1, 60, 'minutes'],
  // Lambda's own bounds.
  apiMemoryMb: [128, 10_240, 'MB'],
  // API Gateway's account default is 10,000 rps and a burst of 5,000.
  apiThrottleRate: [1, 10_000, 'requests per second'],
  apiThrottleBurst: [1, 5_000, 'requests'],
  alarmServerErrors: [1, 1_000_000, 'responses'],
  alarmGroupLag: [1, Number.MAX_SAFE_INTEGER, 'records'],
  alarmDeadLetters: [0, 1_000_000, 'records'],
  alarmMaintenanceMissedPasses: [0, 100, 'passes'],
};
const BOOLEANS = ['destroyOnRemoval', 'alarmSubscriptions', 'dashboard', 'legacyTimeIndex'] as const;

/**
 * Reads the stack's options from CDK context, which arrive as booleans, numbers or strings.
 * A value it cannot read fails the synth with the key's name, rather than silently
 * retaining or deleting, alarming or not.
 */
export function propsFromContext(scope: Construct): FreshetOptions & { destroyOnRemoval: boolean } {
  const props: Record<string, unknown> = {};
  const read = (key: string) => scope.node.tryGetContext(`freshet:${key}`) as unknown;
  for (const [key, [min, max, what]] of Object.entries(WHOLE_NUMBERS)) {
    const raw = read(key);
    // cdk.json cannot hold undefined: an empty string there means "not set".
    if (raw === undefined || raw === '') continue;
    const value = Number(raw);
    if (!(Number.isInteger(value) && value >= min && value <= max)) {
      throw new Error(`context freshet:${key} must be a whole number of ${what} from ${min} to ${max}, not ${JSON.stringify(raw)}`);
    }
    props[key] = value;
  }
  for (const key of BOOLEANS) {
    const raw = read(key);
    if (raw === undefined || raw === '') continue;
    if (![true, false, 'true', 'false'].includes(raw as string | boolean)) throw new Error(`context freshet:${key} must be true or false, not ${JSON.stringify(raw)}`);
    props[key] = raw === true || raw === 'true';
  }
  const email = read('alarmEmail');
  if (email !== undefined && email !== '' && (typeof email !== 'string' || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email))) {
    throw new Error(`context freshet:alarmEmail must be an email address, not ${JSON.stringify(email)}`);
  }
  if (typeof email === 'string' && email !== '') props.alarmEmail = email;
  return { ...props, destroyOnRemoval: props.destroyOnRemoval === true } as FreshetOptions & { destroyOnRemoval: boolean };
}
