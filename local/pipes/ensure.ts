/**
 * Deploys one pipe idempotently, as `wf up` deploys state machines: created when absent, updated
 * when its declaration changed (its checkpoints are kept, so it resumes where it was), left alone
 * otherwise. A changed Source or StartingPosition, which UpdatePipe cannot change, replaces the
 * pipe (delete, create): it then reads from its StartingPosition again.
 */
import {
  CreatePipeCommand,
  type CreatePipeCommandInput,
  DeletePipeCommand,
  DescribePipeCommand,
  type DescribePipeCommandOutput,
  NotFoundException,
  type PipesClient,
  UpdatePipeCommand,
} from '@aws-sdk/client-pipes';

export type PipeDeclaration = CreatePipeCommandInput & { Name: string };

export type EnsureOutcome = 'created' | 'updated' | 'replaced' | 'unchanged';

/** JSON with object keys sorted, so two equal declarations compare equal. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'object' && v !== null && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

function startingPosition(parameters: unknown): unknown {
  return (parameters as { DynamoDBStreamParameters?: { StartingPosition?: unknown } } | undefined)
    ?.DynamoDBStreamParameters?.StartingPosition;
}

const COMPARED = ['Description', 'RoleArn', 'SourceParameters', 'Target', 'TargetParameters'] as const;

export async function ensurePipe(client: PipesClient, declaration: PipeDeclaration): Promise<EnsureOutcome> {
  let current: DescribePipeCommandOutput;
  try {
    current = await client.send(new DescribePipeCommand({ Name: declaration.Name }));
  } catch (error) {
    if (!(error instanceof NotFoundException)) throw error;
    await client.send(new CreatePipeCommand(declaration));
    return 'created';
  }
  if (
    current.Source !== declaration.Source ||
    startingPosition(current.SourceParameters) !== startingPosition(declaration.SourceParameters)
  ) {
    await client.send(new DeletePipeCommand({ Name: declaration.Name }));
    await client.send(new CreatePipeCommand(declaration));
    return 'replaced';
  }
  const desired = declaration.DesiredState ?? 'RUNNING';
  const same =
    current.DesiredState === desired &&
    COMPARED.every((field) => canonical(current[field]) === canonical(declaration[field]));
  if (same) return 'unchanged';
  const { Source: _source, Tags: _tags, SourceParameters, ...rest } = declaration;
  const stream = SourceParameters?.DynamoDBStreamParameters;
  await client.send(
    new UpdatePipeCommand({
      ...rest,
      DesiredState: desired,
      ...(SourceParameters
        ? {
            SourceParameters: {
              // No filters declared: the pipe's filters are removed (an empty list).
              FilterCriteria: SourceParameters.FilterCriteria ?? { Filters: [] },
              ...(stream
                ? { DynamoDBStreamParameters: (({ StartingPosition: _p, ...s }) => s)(stream) }
                : {}),
            },
          }
        : {}),
    }),
  );
  return 'updated';
}
