/**
 * What an operator can do to an execution, each after a confirmation page that says what will
 * happen: stop it, redrive it, and (local cloud only) answer a task it waits on. Against AWS the
 * console is read-only: these are refused, and never shown.
 */
import {
  RedriveExecutionCommand,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import {
  type ConsoleContext,
  ConsoleError,
  type ConsoleHandler,
  type ConsoleResponse,
  requireLocal,
} from '../context.ts';
import { buildExecutionModel } from '../history.ts';
import { actionForm, escapeHtml, href, jsonBlock, text } from '../html.ts';
import { describeExecution, describeStateMachine, parseDefinitionText, readHistory } from '../sfn.ts';

function executionArnOf(form: URLSearchParams): string {
  const arn = form.get('arn') ?? '';
  if (!arn.startsWith('arn:'))
    throw new ConsoleError('Which execution? The form lacks its ARN; reload the execution page.');
  return arn;
}

function confirmation(
  ctx: ConsoleContext,
  options: {
    arn: string;
    name: string;
    question: string;
    explain: string;
    action: string;
    label: string;
    fields: Record<string, string>;
    danger?: boolean;
    extra?: string;
  },
): ConsoleResponse {
  return {
    kind: 'page',
    title: options.question,
    section: '/executions',
    main: `<p class="breadcrumbs"><a href="/executions">Executions</a> / <a href="${href('/execution', { arn: options.arn })}">${text(options.name)}</a> /</p>
<h1>${escapeHtml(options.question)}</h1>
<p>${options.explain}</p>
${options.extra ?? ''}
<div class="actions">${actionForm({ action: options.action, label: options.label, csrf: ctx.csrf, fields: { ...options.fields, arn: options.arn, confirmed: 'yes' }, ...(options.danger ? { danger: true } : {}) })}
<a class="button" href="${href('/execution', { arn: options.arn })}">Cancel</a></div>`,
  };
}

const done = (arn: string, what: string): ConsoleResponse => ({
  kind: 'redirect',
  location: `/execution?arn=${encodeURIComponent(arn)}&done=${what}`,
});

export const stopAction: ConsoleHandler = async (ctx, request) => {
  requireLocal(ctx, 'stopping an execution');
  const arn = executionArnOf(request.form);
  const execution = await describeExecution(ctx, arn);
  if (execution.status !== 'RUNNING')
    throw new ConsoleError(
      `The execution is ${execution.status}, not RUNNING: there is nothing to stop.`,
      409,
    );
  const error = (request.form.get('error') ?? '').slice(0, 256);
  const cause = (request.form.get('cause') ?? '').slice(0, 32_768);
  if (request.form.get('confirmed') !== 'yes') {
    return confirmation(ctx, {
      arn,
      name: execution.name ?? arn,
      question: `Stop ${execution.name ?? 'this execution'}?`,
      explain:
        'StopExecution aborts every running state now; the execution ends ABORTED. It can be redriven afterwards.',
      action: '/actions/stop',
      label: 'Stop execution',
      fields: { error, cause },
      danger: true,
    });
  }
  await ctx.clients.sfn.send(
    new StopExecutionCommand({ executionArn: arn, ...(error ? { error } : {}), ...(cause ? { cause } : {}) }),
  );
  return done(arn, 'stopped');
};

export const redriveAction: ConsoleHandler = async (ctx, request) => {
  requireLocal(ctx, 'redriving an execution');
  const arn = executionArnOf(request.form);
  const execution = await describeExecution(ctx, arn);
  if (execution.redriveStatus !== 'REDRIVABLE') {
    throw new ConsoleError(
      `The execution cannot be redriven: ${execution.redriveStatusReason ?? execution.redriveStatus ?? 'Step Functions says so'}.`,
      409,
    );
  }
  if (request.form.get('confirmed') !== 'yes') {
    return confirmation(ctx, {
      arn,
      name: execution.name ?? arn,
      question: `Redrive ${execution.name ?? 'this execution'}?`,
      explain: `RedriveExecution restarts it from the state that ${execution.status === 'ABORTED' ? 'was running when it stopped' : 'failed'}, with the input that state had; states that succeeded are not run again.`,
      action: '/actions/redrive',
      label: 'Redrive execution',
      fields: {},
    });
  }
  await ctx.clients.sfn.send(new RedriveExecutionCommand({ executionArn: arn }));
  return done(arn, 'redriven');
};

export const answerTaskAction: ConsoleHandler = async (ctx, request) => {
  requireLocal(ctx, 'answering a task token');
  const arn = executionArnOf(request.form);
  const entered = Number(request.form.get('run') ?? '');
  const outcome = request.form.get('outcome');
  if (outcome !== 'success' && outcome !== 'failure')
    throw new ConsoleError('Answer with success or failure.');
  const execution = await describeExecution(ctx, arn);
  if (execution.status !== 'RUNNING')
    throw new ConsoleError(`The execution is ${execution.status}: no task waits any more.`, 409);
  const [events, machine] = await Promise.all([
    readHistory(ctx, arn),
    describeStateMachine(ctx, execution.stateMachineArn ?? ''),
  ]);
  // The token is where the waiting task's recorded parameters hold it: the execution model finds it.
  const run = buildExecutionModel(events, parseDefinitionText(machine.definition)).runs.find(
    (r) => r.enteredEventId === entered,
  );
  if (!run)
    throw new ConsoleError(`Event ${entered} is not a state this execution entered; reload the page.`, 404);
  const stateName = run.name;
  const token = (run.context.Task as { Token?: unknown } | undefined)?.Token;
  if (typeof token !== 'string' || token === '')
    throw new ConsoleError(
      `The console cannot find the task token ${stateName} was given in its task's parameters.`,
      409,
    );
  const output = request.form.get('output') ?? '{}';
  const error = (request.form.get('error') ?? '').slice(0, 256);
  const cause = (request.form.get('cause') ?? '').slice(0, 32_768);
  if (outcome === 'success') {
    try {
      JSON.parse(output);
    } catch (problem) {
      throw new ConsoleError(
        `The output is not JSON: ${problem instanceof Error ? problem.message : String(problem)}. Go back: your text is still in the form.`,
      );
    }
  }
  if (request.form.get('confirmed') !== 'yes') {
    return confirmation(ctx, {
      arn,
      name: execution.name ?? arn,
      question: `Answer ${stateName} with ${outcome}?`,
      explain:
        outcome === 'success'
          ? `SendTaskSuccess gives the waiting state <strong>${text(stateName)}</strong> this output, and the execution goes on from it.`
          : `SendTaskFailure fails the waiting state <strong>${text(stateName)}</strong> with this error; its Retry and Catch apply.`,
      action: '/actions/answer-task',
      label: outcome === 'success' ? 'Send task success' : 'Send task failure',
      fields: { run: String(entered), outcome, output, error, cause },
      danger: outcome === 'failure',
      extra:
        outcome === 'success'
          ? jsonBlock(output, { label: 'Output' })
          : `<dl class="facts"><dt>Error</dt><dd>${text(error || '(none)')}</dd><dt>Cause</dt><dd>${text(cause || '(none)', 2000)}</dd></dl>`,
    });
  }
  if (outcome === 'success')
    await ctx.clients.sfn.send(new SendTaskSuccessCommand({ taskToken: token, output }));
  else
    await ctx.clients.sfn.send(
      new SendTaskFailureCommand({
        taskToken: token,
        ...(error ? { error } : {}),
        ...(cause ? { cause } : {}),
      }),
    );
  return done(arn, 'answered');
};
