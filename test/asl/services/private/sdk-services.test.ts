import { describe, expect, it } from 'vitest';
import { fieldName, javaServiceName, packageFor } from '../../../../asl/services/private/sdk-services.ts';

describe('packageFor', () => {
  it.each([
    ['dynamodb', '@aws-sdk/client-dynamodb'],
    ['sfn', '@aws-sdk/client-sfn'],
    ['rdsdata', '@aws-sdk/client-rds-data'],
    ['sesv2', '@aws-sdk/client-sesv2'],
    ['cognitoidentityprovider', '@aws-sdk/client-cognito-identity-provider'],
    ['eventbridge', '@aws-sdk/client-eventbridge'],
    ['ssm', '@aws-sdk/client-ssm'],
    ['scheduler', '@aws-sdk/client-scheduler'],
    ['cloudwatchlogs', '@aws-sdk/client-cloudwatch-logs'],
  ])('maps %s to %s', (service, pkg) => {
    expect(packageFor(service)).toBe(pkg);
  });
});

describe('javaServiceName', () => {
  // The names the Java SDK 2.x gives its clients (DynamoDbClient, SfnClient, AcmPcaClient, ...).
  it.each([
    ['DynamoDB', 'DynamoDb'],
    ['SFN', 'Sfn'],
    ['S3', 'S3'],
    ['Secrets Manager', 'SecretsManager'],
    ['ACM PCA', 'AcmPca'],
    ['SESv2', 'SesV2'],
    ['RDS Data', 'RdsData'],
    ['Cognito Identity Provider', 'CognitoIdentityProvider'],
    ['EventBridge', 'EventBridge'],
    ['SSM', 'Ssm'],
    ['Lambda', 'Lambda'],
    ['EC2', 'Ec2'],
    ['IoT Data Plane', 'IotDataPlane'],
    ['Elastic Load Balancing v2', 'ElasticLoadBalancingV2'],
    ['API Gateway', 'ApiGateway'],
    ['ApiGatewayV2', 'ApiGatewayV2'],
    ['Lex Model Building Service', 'LexModelBuilding'],
  ])('names %s %s', (serviceId, name) => {
    expect(javaServiceName(serviceId)).toBe(name);
  });
});

describe('fieldName', () => {
  it('capitalizes a member and renames the ones Java cannot use', () => {
    expect(fieldName('resourceArn')).toBe('ResourceArn');
    expect(fieldName('TableName')).toBe('TableName');
    expect(fieldName('Equals')).toBe('EqualsValue');
    expect(fieldName('static')).toBe('StaticValue');
  });
});
