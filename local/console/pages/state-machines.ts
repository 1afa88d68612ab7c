/** `/state-machines` (every state machine, its type and its recent outcomes) and one machine's page. */
import { ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { ConsoleError, type ConsoleHandler } from '../context.ts';
import { renderGraph } from '../graph.ts';
import { href, jsonBlock, status, table, text, time } from '../html.ts';
import { describeStateMachine, listStateMachines, parseDefinitionText } from '../sfn.ts';
import { EXECUTION_HEADERS, executionRows } from './executions.ts';
import { startForm } from './start.ts';

const RECENT = 20;

export const stateMachinesPage: ConsoleHandler = async (ctx) => {
  const machines = await listStateMachines(ctx);
  const rows = await Promise.all(
    machines.map(async (machine) => {
      const arn = machine.stateMachineArn ?? '';
      let outcomes = '';
      if (machine.type === 'EXPRESS') {
        outcomes = '<span class="note">Express: no execution history through the API</span>';
      } else {
        const recent = await ctx.clients.sfn.send(
          new ListExecutionsCommand({ stateMachineArn: arn, maxResults: RECENT }),
        );
        const counts = new Map<string, number>();
        for (const e of recent.executions ?? [])
          counts.set(e.status ?? 'UNKNOWN', (counts.get(e.status ?? 'UNKNOWN') ?? 0) + 1);
        outcomes =
          counts.size === 0
            ? '<span class="note">no executions yet</span>'
            : [...counts].map(([s, n]) => `${status(s)} ${n}`).join(' ');
      }
      return [
        `<a href="${href('/state-machine', { arn })}">${text(machine.name ?? '', 80)}</a>`,
        text(machine.type ?? ''),
        time(machine.creationDate),
        outcomes,
        machine.type === 'EXPRESS'
          ? ''
          : `<a href="${href('/executions', { machine: arn })}">Executions<span class="skip"> of ${text(machine.name ?? '')}</span></a>`,
      ];
    }),
  );
  return {
    kind: 'page',
    title: 'State machines',
    section: '/state-machines',
    main: `<h1>State machines</h1>
<p class="note">${machines.length} state machine${machines.length === 1 ? '' : 's'}${ctx.prefix ? ` named ${text(ctx.prefix)}…` : ''}. Outcomes of the last ${RECENT} executions of each.</p>
${table('State machines', ['Name', 'Type', 'Created', `Last ${RECENT} executions`, ''], rows, 'none deployed.')}`,
  };
};

export const stateMachinePage: ConsoleHandler = async (ctx, request) => {
  const arn = request.url.searchParams.get('arn');
  if (!arn) throw new ConsoleError('Which state machine? The link needs ?arn=<state machine ARN>.');
  const machine = await describeStateMachine(ctx, arn);
  const definition = parseDefinitionText(machine.definition);
  const name = machine.name ?? arn;
  const graph = await renderGraph(definition, { title: `Definition of ${name}` });
  let recent = '';
  if (machine.type !== 'EXPRESS') {
    const page = await ctx.clients.sfn.send(
      new ListExecutionsCommand({ stateMachineArn: arn, maxResults: 10 }),
    );
    recent = table(
      'Recent executions',
      EXECUTION_HEADERS,
      executionRows(page.executions ?? [], false),
      'none yet.',
    );
  }
  return {
    kind: 'page',
    title: name,
    section: '/state-machines',
    main: `<p class="breadcrumbs"><a href="/state-machines">State machines</a> /</p>
<h1>${text(name, 120)}</h1>
<dl class="facts">
<dt>Type</dt><dd>${text(machine.type ?? '')}</dd>
<dt>Status</dt><dd>${status(machine.status)}</dd>
<dt>Revision</dt><dd class="mono">${text(machine.revisionId ?? '(none: never updated)')}</dd>
<dt>Created</dt><dd>${time(machine.creationDate)}</dd>
<dt>ARN</dt><dd class="mono">${text(arn, 300)}</dd>
<dt>Role</dt><dd class="mono">${text(machine.roleArn ?? '', 300)}</dd>
${machine.description ? `<dt>Description</dt><dd>${text(machine.description, 500)}</dd>` : ''}
</dl>
${machine.type !== 'EXPRESS' ? `<p><a href="${href('/executions', { machine: arn })}">All executions of ${text(name)}</a></p>` : ''}
${ctx.mode === 'local' ? startForm(ctx, arn, name) : ''}
<h2>Definition</h2>
${graph}
<details><summary>Definition as JSON</summary>${jsonBlock(definition, { label: `Definition of ${name}` })}</details>
${recent ? `<h2>Recent executions</h2>${recent}` : ''}`,
  };
};
