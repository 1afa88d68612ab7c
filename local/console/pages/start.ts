/**
 * Starting an execution (local cloud only): an input editor checked against the workflow's
 * declared input schema (workflows/<name>/workflow.ts) before anything starts, a confirmation
 * showing exactly what will start, then StartExecution. A rejected input comes back in the
 * editor with what was wrong, so nothing typed is lost.
 */
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { z } from 'zod';
import { WORKFLOWS, type Workflow } from '../../../workflows/index.ts';
import { type ConsoleContext, type ConsoleHandler, requireLocal } from '../context.ts';
import { actionForm, attr, escapeHtml, href, jsonBlock, text } from '../html.ts';
import { describeStateMachine } from '../sfn.ts';

/** The workflow a state machine runs, when it is one of this project's. */
export function workflowOf(ctx: ConsoleContext, machineName: string): Workflow | undefined {
  return WORKFLOWS.find((w) => `${ctx.prefix}${w.name}` === machineName);
}

/** AWS's execution name rule: 1–80 characters, none of whitespace, `<>{}[]?*"#%\^|~\`$&,;:/`, or controls. */
const NAME = /^[^\s<>{}[\]?*"#%\\^|~`$&,;:/\p{Cc}]{1,80}$/u;

export function startForm(
  ctx: ConsoleContext,
  arn: string,
  machineName: string,
  values: { input?: string; name?: string; problems?: readonly string[] } = {},
): string {
  const workflow = workflowOf(ctx, machineName);
  const schema = workflow
    ? JSON.stringify(z.toJSONSchema(workflow.input, { unrepresentable: 'any' }), null, 2)
    : undefined;
  const problems = values.problems?.length
    ? `<div class="error" role="alert" id="start-problems"><p>Not started: the input is not valid.</p><ul>${values.problems.map((p) => `<li>${escapeHtml(p)}</li>`).join('')}</ul></div>`
    : '';
  return `<section aria-labelledby="start-heading">
<h2 id="start-heading">Start an execution</h2>
${problems}
<form method="post" action="/actions/start" class="start">
<input type="hidden" name="csrf" value="${attr(ctx.csrf)}">
<input type="hidden" name="machine" value="${attr(arn)}">
<div class="field"><label for="start-name">Execution name (optional: a UUID when empty)</label><input id="start-name" name="name" maxlength="80" value="${attr(values.name ?? '')}"></div>
<div class="field"><label for="start-input">Input (JSON${workflow ? `, checked against ${escapeHtml(workflow.name)}'s declared input schema` : ''})</label>
<textarea id="start-input" name="input" rows="8" spellcheck="false"${values.problems?.length ? ' aria-describedby="start-problems" aria-invalid="true"' : ''}>${escapeHtml(values.input ?? '{}')}</textarea></div>
<p><button type="submit" class="primary">Check and start…</button></p>
</form>
${schema ? `<details><summary>Declared input schema</summary>${jsonBlock(schema, { label: 'Declared input schema' })}</details>` : '<p class="note">No declared input schema for this state machine: any JSON object is accepted.</p>'}
</section>`;
}

/** What is wrong with the input, each problem with its path; empty when it may start. */
export function inputProblems(
  workflow: Workflow | undefined,
  inputText: string,
  name: string,
): { problems: string[]; input?: unknown } {
  const problems: string[] = [];
  if (name && !NAME.test(name))
    problems.push(
      `Name "${name.slice(0, 100)}": 1–80 characters, no spaces, no <>{}[]?*"#%\\^|~\`$&,;:/ and no control characters.`,
    );
  if (Buffer.byteLength(inputText) > 256 * 1024) {
    problems.push('The input is larger than 256 KiB, the most Step Functions accepts.');
    return { problems };
  }
  let input: unknown;
  try {
    input = JSON.parse(inputText);
  } catch (error) {
    problems.push(`The input is not JSON: ${error instanceof Error ? error.message : String(error)}.`);
    return { problems };
  }
  if (workflow) {
    const checked = workflow.input.safeParse(input);
    if (!checked.success) {
      for (const issue of checked.error.issues)
        problems.push(`${issue.path.length ? issue.path.join('.') : '(the input)'}: ${issue.message}`);
    }
  }
  return { problems, input };
}

export const startAction: ConsoleHandler = async (ctx, request) => {
  requireLocal(ctx, 'starting an execution');
  const arn = request.form.get('machine') ?? '';
  const machine = await describeStateMachine(ctx, arn);
  const machineName = machine.name ?? '';
  const inputText = request.form.get('input') ?? '{}';
  const name = (request.form.get('name') ?? '').trim();
  const workflow = workflowOf(ctx, machineName);
  const { problems } = inputProblems(workflow, inputText, name);
  const back = `<p class="breadcrumbs"><a href="/state-machines">State machines</a> / <a href="${href('/state-machine', { arn })}">${text(machineName)}</a> /</p>`;
  if (problems.length > 0) {
    return {
      kind: 'page',
      status: 400,
      title: `Start ${machineName}`,
      section: '/state-machines',
      main: `${back}<h1>Start ${text(machineName)}</h1>${startForm(ctx, arn, machineName, { input: inputText, name, problems })}`,
    };
  }
  if (request.form.get('confirmed') !== 'yes') {
    return {
      kind: 'page',
      title: `Start ${machineName}?`,
      section: '/state-machines',
      main: `${back}<h1>Start ${text(machineName)}?</h1>
<p>The input is valid${workflow ? ` against ${escapeHtml(workflow.name)}'s declared schema` : ''}. This starts a real execution on the local cloud: its tasks send mail, write tables and call the sandbox provider.</p>
<dl class="facts"><dt>Name</dt><dd>${name ? text(name) : '<span class="note">a new UUID</span>'}</dd></dl>
${jsonBlock(inputText, { label: 'Input' })}
<div class="actions">${actionForm({ action: '/actions/start', label: 'Start execution', csrf: ctx.csrf, fields: { machine: arn, input: inputText, name, confirmed: 'yes' } })}
<a class="button" href="${href('/state-machine', { arn })}">Cancel</a></div>`,
    };
  }
  const started = await ctx.clients.sfn.send(
    new StartExecutionCommand({ stateMachineArn: arn, input: inputText, ...(name ? { name } : {}) }),
  );
  return {
    kind: 'redirect',
    location: `/execution?arn=${encodeURIComponent(started.executionArn ?? '')}&done=started`,
  };
};
