/**
 * `wf`: the project's command line.
 *   wf validate <definition> [--substitutions <file|json>]
 *   wf run --definition <file> [--input <file|json>] [--json] [--virtual-time]
 */
import { parseArgs } from 'node:util';
import { DefinitionErrors } from '../asl/index.ts';
import { DataDirLockedError } from '../local/lock.ts';
import { consoleCommand } from './console.ts';
import { UsageError } from './errors.ts';
import { runCommand } from './run.ts';
import { upCommand } from './up.ts';
import { validateCommand } from './validate.ts';

const USAGE = `Usage:
  wf up [--data-dir <dir>] [--fresh] [--quiet] [--port <n>]
      The local cloud: AWS-compatible endpoints on loopback (npm start). Ctrl-C stops it.
      --port is the edge endpoint every SDK can use (default 4566; 0 picks a free one).
  wf console --region <region> [--prefix wf-] [--port 8080] [--host 127.0.0.1]
            [--database-arn <arn> --secret-arn <arn> --database <name>]
      The operator console against a real AWS account, read-only, with the AWS SDK's usual
      credentials. (wf up starts it against the local cloud, with its actions.)
  wf validate <definition.asl.json> [--substitutions <file|json>]
      Checks a definition as CreateStateMachine would; exits 1 with each problem and its fix.
  wf run --definition <definition.asl.json> [--input <file|json>] [--json] [--virtual-time]
      Runs an execution to its end with the local engine. --json prints
      { status, output, error, cause, transitions, events } with events in GetExecutionHistory shape.
      --virtual-time makes Wait states and retry delays pass instantly.
`;

export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'validate':
      return validateCommand(
        parseArgs({ args: rest, allowPositionals: true, options: { substitutions: { type: 'string' } } }),
      );
    case 'run':
      return runCommand(
        parseArgs({
          args: rest,
          allowPositionals: false,
          options: {
            definition: { type: 'string' },
            input: { type: 'string' },
            substitutions: { type: 'string' },
            json: { type: 'boolean', default: false },
            'virtual-time': { type: 'boolean', default: false },
            name: { type: 'string' },
          },
        }),
      );
    case 'up':
      return upCommand(
        parseArgs({
          args: rest,
          allowPositionals: false,
          options: {
            'data-dir': { type: 'string' },
            fresh: { type: 'boolean', default: false },
            quiet: { type: 'boolean', default: false },
            port: { type: 'string' },
          },
        }),
      );
    case 'console':
      return consoleCommand(
        parseArgs({
          args: rest,
          allowPositionals: false,
          options: {
            region: { type: 'string' },
            prefix: { type: 'string' },
            port: { type: 'string' },
            host: { type: 'string' },
            'database-arn': { type: 'string' },
            'secret-arn': { type: 'string' },
            database: { type: 'string' },
          },
        }),
      );
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return command === undefined ? 1 : 0;
    default:
      throw new UsageError(`Unknown command '${command}'.`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (
      error instanceof UsageError ||
      (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))
    ) {
      process.stderr.write(`wf: ${error.message}\n\n${USAGE}`);
      process.exitCode = 2;
    } else if (error instanceof DataDirLockedError) {
      // Not a bug: the message names the holder and the fix; a stack trace would bury it.
      process.stderr.write(`wf: ${error.message}\n`);
      process.exitCode = 1;
    } else if (error instanceof DefinitionErrors) {
      process.stderr.write(`wf: invalid definition\n${error.message}\n`);
      process.exitCode = 1;
    } else {
      process.stderr.write(
        `wf: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exitCode = 1;
    }
  },
);
