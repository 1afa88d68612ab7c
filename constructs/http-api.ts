/**
 * The project's HTTP routes: an API Gateway HTTP API whose routes come from the tasks'
 * declarations, with Cognito's JWT authorizer on the routes that need a signed-in user, and
 * access logs kept 30 days.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { Route } from '../tasks/index.ts';
import { acknowledge } from './nag.ts';

export interface HttpApiProps {
  readonly apiName: string;
  readonly userPool: cognito.IUserPool;
  readonly client: cognito.IUserPoolClient;
}

export class PublicHttpApi extends Construct {
  readonly api: apigw.HttpApi;
  private readonly authorizer: HttpUserPoolAuthorizer;

  constructor(scope: Construct, id: string, props: HttpApiProps) {
    super(scope, id);
    this.api = new apigw.HttpApi(this, 'Api', { apiName: props.apiName, createDefaultStage: false });
    const accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      accessLogSettings: { destination: new apigw.LogGroupLogDestination(accessLogs) },
      throttle: { rateLimit: 50, burstLimit: 100 },
    });
    this.authorizer = new HttpUserPoolAuthorizer('Cognito', props.userPool, {
      userPoolClients: [props.client],
    });
  }

  /** The base URL (the `$default` stage serves at the root). */
  get url(): string {
    return this.api.apiEndpoint;
  }

  addRoute(route: Route, fn: lambda.IFunction, id: string): void {
    const routes = this.api.addRoutes({
      path: route.path,
      methods: [route.method as apigw.HttpMethod],
      integration: new HttpLambdaIntegration(id, fn),
      ...(route.auth === 'cognito' ? { authorizer: this.authorizer } : {}),
    });
    if (route.auth === 'none') {
      for (const r of routes) {
        acknowledge(
          r,
          'AwsSolutions-APIG4',
          `${route.method} ${route.path} is public by design: ${route.publicBecause}`,
        );
      }
    }
  }
}
