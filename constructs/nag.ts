/**
 * cdk-nag's AwsSolutions pack on the whole app, and the one way the app acknowledges a finding:
 * always with a reason, on the narrowest construct, for the narrowest finding.
 */
import { type App, Stack, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
// cdk-nag's own spelling of a resource in a finding (pinned version; not in its package index).
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';
import type { IConstruct } from 'constructs';
import { ConstructsError } from './errors.ts';

/** Runs the AwsSolutions checks when the app synthesizes; an unacknowledged finding fails synthesis. */
export function applyNag(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
}

/**
 * Acknowledges `rule` (e.g. `AwsSolutions-IAM5`) on `scope`: for the given findings only
 * (`Resource::*` becomes `AwsSolutions-IAM5[Resource::*]`), or for the whole rule.
 */
export function acknowledge(
  scope: IConstruct,
  rule: string,
  reason: string,
  findings?: readonly string[],
): void {
  if (reason.trim().length < 20) {
    throw new ConstructsError(
      `Acknowledging ${rule} on ${scope.node.path} needs a reason a reviewer can check (got '${reason}').`,
    );
  }
  // cdk-nag 3 reports a finding as `<pack>::<rule>[<finding>]`, e.g. `AwsSolutions::AwsSolutions-IAM5[Resource::*]`.
  const pack = rule.slice(0, rule.indexOf('-'));
  const ids =
    findings === undefined ? [`${pack}::${rule}`] : findings.map((finding) => `${pack}::${rule}[${finding}]`);
  for (const id of ids) Validations.of(scope).acknowledge({ id, reason });
}

/** A resource (an ARN, tokens included) as cdk-nag names it in a finding: `Resource::<...>`. */
export function resourceFinding(scope: IConstruct, resource: string): string {
  return `Resource::${flattenCfnReference(Stack.of(scope).resolve(resource))}`;
}
