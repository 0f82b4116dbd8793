import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { DriverCommand, DriverRequest, DriverResponse, OutcomeOf } from './protocol.js';

/**
 * The bench's handle on its load driver process. The child inherits this process's
 * execArgv, i.e. tsx's loader, so it runs the TypeScript source directly.
 */
export class LoadDriver {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (outcome: DriverResponse) => void }>();
  private exited = false;

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (response: DriverResponse) => {
      this.pending.get(response.id)?.resolve(response);
      this.pending.delete(response.id);
    });
    child.once('exit', (code, signal) => {
      this.exited = true;
      const error = `load driver exited (${signal ?? `code ${code}`})`;
      for (const [id, p] of this.pending) p.resolve({ id, ok: false, error });
      this.pending.clear();
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  static start(): LoadDriver {
    const entry = fileURLToPath(new URL('./driver.ts', import.meta.url));
    return new LoadDriver(fork(entry, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  }

  async run<C extends DriverCommand>(command: C): Promise<OutcomeOf[C['kind']]> {
    if (this.exited) throw new Error('load driver is not running');
    const id = this.nextId++;
    const response = await new Promise<DriverResponse>((resolve) => {
      this.pending.set(id, { resolve });
      const request: DriverRequest = { id, command };
      this.child.send(request);
    });
    if (!response.ok) throw new Error(`load driver failed ${command.kind}: ${response.error}`);
    return response.outcome as OutcomeOf[C['kind']];
  }

  /** Disconnecting makes the child exit; SIGKILL if it has not after a grace period. */
  async stop(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.disconnect();
    const kill = setTimeout(() => this.child.kill('SIGKILL'), 3_000);
    await exited;
    clearTimeout(kill);
  }
}
