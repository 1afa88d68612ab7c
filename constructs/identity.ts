/**
 * The user pool: email is the user name, anyone may sign up but nobody confirms themselves
 * (automatic verification is off: an admin's approval confirms), `custom:company_name` declared,
 * the tasks' triggers attached; and the web client the approval page signs in with.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { acknowledge } from './nag.ts';

export interface IdentityProps {
  readonly userPoolName: string;
  readonly retain: boolean;
}

const OPERATIONS = { PreSignUp: cognito.UserPoolOperation.PRE_SIGN_UP } as const;

export class Identity extends Construct {
  readonly userPool: cognito.UserPool;
  readonly client: cognito.UserPoolClient;

  /** Cognito calls `fn` for `trigger` (the permission to invoke it is added with it). */
  addTrigger(trigger: 'PreSignUp', fn: lambda.IFunction): void {
    this.userPool.addTrigger(OPERATIONS[trigger], fn);
  }

  constructor(scope: Construct, id: string, props: IdentityProps) {
    super(scope, id);
    this.userPool = new cognito.UserPool(this, 'Users', {
      userPoolName: props.userPoolName,
      selfSignUpEnabled: true,
      signInAliases: { email: true },
      autoVerify: { email: false },
      keepOriginal: { email: true },
      customAttributes: {
        company_name: new cognito.StringAttribute({ mutable: true, minLen: 1, maxLen: 128 }),
      },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: cognito.Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      deletionProtection: props.retain,
      removalPolicy: props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    this.client = this.userPool.addClient('Web', {
      userPoolClientName: `${props.userPoolName}-web`,
      authFlows: { userPassword: true },
      generateSecret: false,
      preventUserExistenceErrors: true,
      idTokenValidity: Duration.hours(1),
    });
    acknowledge(
      this.userPool,
      'AwsSolutions-COG2',
      'MFA is offered (TOTP, optional) rather than required: members of any company sign up themselves, and an admin approves each one before they can sign in.',
    );
    acknowledge(
      this.userPool,
      'AwsSolutions-COG8',
      'The Plus feature plan (threat protection) is billed per monthly active user; choose it per deployment. Every sign-up already waits for an admin’s approval.',
    );
    acknowledge(
      this.userPool,
      'AwsSolutions-COG3',
      'Threat protection (advanced security) is a paid feature plan; enable it per deployment. Sign-ups are gated by an admin approval either way.',
    );
  }
}
