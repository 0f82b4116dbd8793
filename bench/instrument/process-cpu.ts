import { readFileSync } from 'node:fs';

/** Linux's USER_HZ: /proc reports CPU time in these ticks on every architecture Node runs on. */
const TICKS_PER_SECOND = 100;

/** The processes of the bench stack whose CPU a phase is charged with, by name. */
export type ProcessCpu = Record<string, number>;

/**
 * CPU time (user + system, ms) of the bench's processes: this one (the API server, the
 * storage floor) by `process.cpuUsage`, the others (load driver, DynamoDB Local, s3rver)
 * from /proc. On a machine without /proc only this process is counted.
 */
export class ProcessCpuMeter {
  constructor(private readonly others: readonly { name: string; pid: number | undefined }[]) {}

  snapshot(): ProcessCpu {
    const self = process.cpuUsage();
    const cpu: ProcessCpu = { server: (self.user + self.system) / 1000 };
    for (const { name, pid } of this.others) {
      const ms = pid === undefined ? undefined : procCpuMs(pid);
      if (ms !== undefined) cpu[name] = ms;
    }
    return cpu;
  }

  /** ms per operation between two snapshots, per process. */
  static perOperation(before: ProcessCpu, after: ProcessCpu, operations: number): ProcessCpu {
    const out: ProcessCpu = {};
    for (const [name, ms] of Object.entries(after)) {
      const start = before[name];
      if (start !== undefined) out[name] = (ms - start) / Math.max(1, operations);
    }
    return out;
  }
}

function procCpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may itself contain spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}
