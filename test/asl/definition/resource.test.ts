import { describe, expect, it } from 'vitest';
import { parseResource, resourceLabels } from '../../../asl/definition/resource.ts';

describe('parseResource', () => {
  it('reads optimised and SDK integrations with their pattern', () => {
    expect(parseResource('arn:aws:states:::lambda:invoke.waitForTaskToken')).toMatchObject({
      kind: 'service',
      service: 'lambda',
      action: 'invoke',
      pattern: 'waitForTaskToken',
    });
    const sdk = parseResource('arn:aws:states:::aws-sdk:dynamodb:putItem');
    expect(sdk).toMatchObject({
      service: 'aws-sdk:dynamodb',
      action: 'putItem',
      pattern: 'request-response',
    });
    expect(sdk && resourceLabels(sdk)).toEqual({ resourceType: 'aws-sdk:dynamodb', resource: 'putItem' });
    expect(parseResource('arn:aws:states:::states:startExecution.sync:2')?.pattern).toBe('sync:2');
  });

  it('reads a Lambda function ARN and an activity ARN, even one with a plain name', () => {
    expect(parseResource('arn:aws:lambda:eu-west-1:123456789012:function:fn')).toMatchObject({
      kind: 'lambda-function',
      region: 'eu-west-1',
    });
    expect(parseResource('arn:aws:states:eu-west-1:123456789012:activity:review')).toMatchObject({
      kind: 'activity',
      action: 'review',
    });
  });

  it('answers undefined for what is not a resource ARN', () => {
    expect(parseResource('lambda:invoke')).toBeUndefined();
  });
});
