import { spawn } from 'node:child_process';
import { setTimeout as delay } from 'node:timers/promises';

/** A local stand-in for an AWS service, running as a child process of this one. */
export interface RunningEmulator {
  /** Base URL to give an SDK client, e.g. `http://127.0.0.1:8000`. */
  endpoint: string;
  port: number;
  /** Stops the process (SIGTERM, SIGKILL after a grace period); resolves once it has exited. Safe to call twice. */
  stop(): Promise<void>;
  /** Resolves when the process has exited, for whatever reason, with how (e.g. "killed by SIGKILL"). */
  exited: Promise<string>;
  /** The process id, so a test can kill it the hard way. */
  pid: number | undefined;
}

/** The emulator died or never answered; the message carries the tail of its output. */
export class EmulatorStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EmulatorStartError';
  }
}

export interface EmulatorSpec {
  /** For messages, e.g. "DynamoDB Local". */
  name: string;
  command: string;
  args: readonly string[];
  port: number;
  endpoint: string;
  /** One real request against the endpoint; resolves once the emulator serves it. */
  probe(signal: AbortSignal): Promise<void>;
  /** Output that means the start failed even though the process lives on (DynamoDB Local does not exit when it cannot bind). */
  fatalOutput?: RegExp;
  readyTimeoutMs?: number;
}

const OUTPUT_TAIL_CHARS = 4_000;
const PROBE_TIMEOUT_MS = 2_000;
const PROBE_INTERVAL_MS = 100;
const KILL_GRACE_MS = 5_000;

/** Spawns the emulator and resolves once `probe` succeeds; on failure the process is stopped before rejecting. */
export async function launchEmulator(spec: EmulatorSpec): Promise<RunningEmulator> {
  const child = spawn(spec.command, spec.args, { stdio: ['ignore', 'pipe', 'pipe'] });

  // Both pipes are drained for the process's whole life (a full pipe would block the child);
  // only the tail is kept, for error messages.
  let output = '';
  const keepOutput = (chunk: string) => {
    output = (output + chunk).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout.setEncoding('utf8').on('data', keepOutput);
  child.stderr.setEncoding('utf8').on('data', keepOutput);

  // 'exit' handlers may only do synchronous work; sending a signal is, and both emulators
  // shut down promptly on SIGTERM. A parent killed by a signal it does not handle never
  // emits 'exit': whoever owns the process (e.g. local mode) should turn SIGINT/SIGTERM into stop().
  const killOnParentExit = () => child.kill('SIGTERM');
  process.on('exit', killOnParentExit);

  let exitStatus: string | undefined;
  let stopping: Promise<void> | undefined;
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => resolve(signal ? `killed by ${signal}` : `exit code ${code}`));
    // Spawn failures emit 'error' and may never emit 'exit'. `on`, not `once`: a later
    // 'error' (a failed kill) without a listener would crash the parent.
    child.on('error', (error) => resolve(`could not run ${spec.command}: ${error.message}`));
  }).then((status) => {
    exitStatus = status;
    process.off('exit', killOnParentExit);
    return status;
  });

  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (exitStatus !== undefined) return;
      child.kill('SIGTERM');
      const escalate = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
      await exited;
      clearTimeout(escalate);
    })();
    return stopping;
  };

  const failure = await waitUntilReady(spec, exited, () => output);
  if (failure !== undefined) {
    await stop();
    throw new EmulatorStartError(`${failure}\n--- last output of ${spec.name} ---\n${output.trimEnd() || '(none)'}`);
  }

  // After a successful start, a death nobody asked for would otherwise surface only as
  // ECONNREFUSED somewhere far away; say what happened and why.
  void exited.then((status) => {
    if (stopping === undefined) {
      process.emitWarning(`${spec.name} on ${spec.endpoint} stopped unexpectedly (${status}):\n${output.trimEnd()}`);
    }
  });

  return { endpoint: spec.endpoint, port: spec.port, stop, exited, pid: child.pid };
}

/** Resolves to undefined once the probe succeeds, or to a one-line reason the start failed. */
async function waitUntilReady(spec: EmulatorSpec, exited: Promise<string>, output: () => string): Promise<string | undefined> {
  const timeoutMs = spec.readyTimeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  const exit = exited.then((status) => ({ status }));
  let lastError = 'no attempt finished';

  while (Date.now() < deadline) {
    const attempt = spec.probe(AbortSignal.timeout(PROBE_TIMEOUT_MS)).then(
      () => true,
      (error: unknown) => {
        lastError = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        return false;
      },
    );
    const outcome = await Promise.race([attempt, exit]);
    if (typeof outcome === 'object') return `${spec.name} exited before it was ready (${outcome.status})`;
    if (spec.fatalOutput?.test(output())) return `${spec.name} reported a fatal error while starting`;
    if (outcome) return undefined;
    await delay(PROBE_INTERVAL_MS);
  }
  return `${spec.name} did not answer on ${spec.endpoint} within ${timeoutMs / 1000} s (last attempt: ${lastError})`;
}
