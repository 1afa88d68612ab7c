/** `wf run`: run one execution to its end with the local engine. */
import { basename } from 'node:path';
import { type HistoryEvent, parseDefinition, runExecution, systemClock, VirtualClock } from '../asl/index.ts';
import { createDefaultRegistry } from '../asl/services/index.ts';
import { UsageError } from './errors.ts';
import { readJsonArgument, readText } from './io.ts';

interface Parsed {
  values: {
    definition?: string | undefined;
    input?: string | undefined;
    substitutions?: string | undefined;
    json?: boolean | undefined;
    'virtual-time'?: boolean | undefined;
    name?: string | undefined;
  };
}

export async function runCommand({ values }: Parsed): Promise<number> {
  if (!values.definition) throw new UsageError('wf run needs --definition <file>.');
  const substitutions = values.substitutions
    ? (readJsonArgument(values.substitutions, 'Substitutions') as Record<string, string>)
    : undefined;
  const definition = parseDefinition(
    readText(values.definition, 'Definition'),
    substitutions ? { substitutions } : {},
  );
  const input = values.input === undefined ? {} : readJsonArgument(values.input, 'Input');
  const result = await runExecution({
    definition,
    input,
    tasks: createDefaultRegistry(),
    clock: values['virtual-time'] ? new VirtualClock({ start: Date.now(), autoAdvance: true }) : systemClock,
    stateMachineName: basename(values.definition)
      .replace(/\.asl\.json$|\.json$/, '')
      .replace(/[^A-Za-z0-9_-]/g, '-'),
    ...(values.name ? { name: values.name } : {}),
  });
  if (values.json) {
    const printed = {
      status: result.status,
      output: result.output ?? null,
      error: result.error ?? null,
      cause: result.cause ?? null,
      transitions: result.transitions,
      events: result.events.map(toApiShape),
    };
    process.stdout.write(`${JSON.stringify(printed, null, 2)}\n`);
  } else {
    process.stdout.write(`status: ${result.status}\n`);
    if (result.status === 'SUCCEEDED') process.stdout.write(`output: ${JSON.stringify(result.output)}\n`);
    if (result.error !== undefined) process.stdout.write(`error: ${result.error}\n`);
    if (result.cause !== undefined) process.stdout.write(`cause: ${result.cause}\n`);
    process.stdout.write(`transitions: ${result.transitions}\nevents: ${result.events.length}\n`);
    for (const e of result.events)
      process.stdout.write(`  ${String(e.id).padStart(4)} ${e.type}${stateName(e)}\n`);
  }
  return result.status === 'SUCCEEDED' ? 0 : 1;
}

/** Events as GetExecutionHistory returns them (timestamps as ISO-8601 text, as the AWS CLI prints them). */
function toApiShape(event: HistoryEvent): Record<string, unknown> {
  return { ...event, timestamp: event.timestamp?.toISOString() };
}

function stateName(event: HistoryEvent): string {
  const name = event.stateEnteredEventDetails?.name ?? event.stateExitedEventDetails?.name;
  return name ? ` ${name}` : '';
}
