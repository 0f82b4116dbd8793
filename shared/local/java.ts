import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const INSTALL_HINT = 'install a JDK, e.g. `apt-get install -y openjdk-17-jre-headless`';

/** Java is needed only for DynamoDB Local; the message is one line so it reads well in any runner's output. */
export class JavaMissingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JavaMissingError';
  }
}

/**
 * The java executable to run DynamoDB Local with: `$JAVA_HOME/bin/java` when JAVA_HOME is
 * set, else `java` from PATH. It is actually run (`java -version`), so a dangling JAVA_HOME
 * or a PATH without java fails here with a clear message instead of as a spawn ENOENT later.
 * `env` exists so tests can check the failure without uninstalling Java.
 */
export function findJava(env: NodeJS.ProcessEnv = process.env): string {
  const javaHome = env.JAVA_HOME;
  const java = javaHome ? join(javaHome, 'bin', 'java') : 'java';
  // With `env` given, spawnSync looks the command up on env.PATH rather than the parent's PATH.
  const result = spawnSync(java, ['-version'], { env, stdio: 'ignore', timeout: 15_000 });
  if (result.error === undefined && result.status === 0) return java;

  const reason = describeFailure(result.error, result.status, result.signal);
  if (javaHome) {
    throw new JavaMissingError(
      `Java 11+ is required to run DynamoDB Local, but JAVA_HOME=${javaHome} has no working bin/java (${reason}); fix or unset JAVA_HOME, or ${INSTALL_HINT}`,
    );
  }
  throw new JavaMissingError(`Java 11+ is required to run DynamoDB Local (${reason}); ${INSTALL_HINT}`);
}

function describeFailure(error: Error | undefined, status: number | null, signal: NodeJS.Signals | null): string {
  if ((error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') return 'the `java` command was not found';
  if (error) return `\`java -version\` failed: ${oneLine(error.message)}`;
  return `\`java -version\` exited with ${signal ?? `code ${status}`}`;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
