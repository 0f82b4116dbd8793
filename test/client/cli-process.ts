import { spawn } from 'node:child_process';

const bin = new URL('../../client/bin/freshet.js', import.meta.url).pathname;

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `freshet …` as a real child process, as a user's shell would (stdout and stderr are pipes, not a TTY). */
export function runCli(env: { url: string; key: string }, args: string[], input = ''): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      env: { ...process.env, FRESHET_URL: env.url, FRESHET_KEY: env.key, NO_COLOR: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

/** The widest line of a CLI output (a table must fit an 80-column terminal). */
export const widest = (text: string) => Math.max(0, ...text.split('\n').map((l) => l.length));

/** The line that makes `widest`, for failure messages. */
export const widestLine = (text: string) => text.split('\n').reduce((a, b) => (b.length > a.length ? b : a), '');
