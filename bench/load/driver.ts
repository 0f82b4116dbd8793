/**
 * The load driver: a child process of the bench that plays the API's clients. It runs one
 * command at a time, sent over IPC, and answers with what it measured. It exits when the
 * bench disconnects, so it can never outlive it.
 */
import { runDirectReadPass } from './direct-read.js';
import { runEndToEnd, runIdlePoll } from './long-poll.js';
import { runProduceLoad } from './produce-load.js';
import type { DriverCommand, DriverRequest, DriverResponse, OutcomeOf } from './protocol.js';
import { runReadBack } from './read-back.js';
import { runWebhookEndToEnd } from './webhook.js';

async function execute(command: DriverCommand): Promise<OutcomeOf[DriverCommand['kind']]> {
  switch (command.kind) {
    case 'produce':
      return runProduceLoad(command);
    case 'read-back':
      return runReadBack(command);
    case 'end-to-end':
      return runEndToEnd(command);
    case 'idle-poll':
      return runIdlePoll(command);
    case 'webhook':
      return runWebhookEndToEnd(command);
    case 'direct-read':
      return runDirectReadPass(command);
  }
}

const reply = (response: DriverResponse) => process.send?.(response);

process.on('message', (message: DriverRequest) => {
  execute(message.command).then(
    (outcome) => reply({ id: message.id, ok: true, outcome }),
    (err: unknown) => reply({ id: message.id, ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
  );
});
process.on('disconnect', () => process.exit(0));
