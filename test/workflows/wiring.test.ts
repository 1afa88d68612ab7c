import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseDefinition } from '../../asl/index.ts';
import {
  checkWorkflow,
  defineWorkflow,
  ref,
  resolveSubstitutions,
  substituteDefinition,
  WiringError,
  WORKFLOWS,
} from '../../workflows/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'wiring-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function workflowWith(definition: object, substitutions: Record<string, ReturnType<typeof ref.table>>) {
  const folder = mkdtempSync(join(dir, 'wf-'));
  writeFileSync(join(folder, 'definition.asl.json'), JSON.stringify(definition));
  return defineWorkflow({
    module: pathToFileURL(join(folder, 'workflow.ts')).href,
    name: 'sample',
    description: 'a sample',
    type: 'STANDARD',
    input: z.object({}),
    output: z.unknown(),
    substitutions,
    startedBy: { kind: 'api', description: 'tests' },
  });
}

const usesTable = {
  QueryLanguage: 'JSONata',
  StartAt: 'Get',
  States: {
    Get: {
      Type: 'Task',
      Resource: 'arn:aws:states:::aws-sdk:dynamodb:getItem',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: an ASL ${Name} placeholder, not a template
      Arguments: { TableName: '${Table}', Key: { id: { S: 'x' } } },
      End: true,
    },
  },
};

describe('defineWorkflow', () => {
  it('accepts a declaration whose substitutions match the definition', () => {
    const workflow = workflowWith(usesTable, { Table: ref.table('approvals') });
    expect(workflow.definitionPath).toMatch(/definition\.asl\.json$/);
  });

  it('refuses a definition placeholder the declaration does not name, saying where to add it', () => {
    expect(() => workflowWith(usesTable, {})).toThrow(WiringError);
    expect(() => workflowWith(usesTable, {})).toThrow(
      /uses \$\{Table\} but the workflow declares no substitution 'Table'/,
    );
  });

  it('refuses a declared substitution the definition never uses', () => {
    expect(() =>
      workflowWith(usesTable, { Table: ref.table('approvals'), Other: ref.table('resources') }),
    ).toThrow(/substitution 'Other' is declared but the definition never uses/);
  });
});

describe('substituteDefinition', () => {
  it('replaces placeholders JSON-escaped and leaves unknown ones, as CloudFormation does', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: an ASL ${Name} placeholder, not a template
    const text = JSON.stringify({ a: '${A}', b: '${Unknown}' });
    expect(JSON.parse(substituteDefinition(text, { A: 'say "hi"' }))).toEqual({
      a: 'say "hi"',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: an ASL ${Name} placeholder, not a template
      b: '${Unknown}',
    });
  });
});

describe('the project workflows', () => {
  it.each(WORKFLOWS.map((w) => [w.name, w] as const))(
    '%s is consistent and parses as JSONata',
    (_, workflow) => {
      expect(checkWorkflow(workflow)).toEqual([]);
      const values = resolveSubstitutions(workflow, (r) =>
        r.kind.endsWith('-arn') ? `arn:aws:x:us-east-1:111111111111:${r.kind}` : `value-${r.kind}`,
      );
      const definition = parseDefinition(readFileSync(workflow.definitionPath, 'utf8'), {
        substitutions: values,
      });
      expect(definition.states.size).toBeGreaterThan(0);
    },
  );
});
