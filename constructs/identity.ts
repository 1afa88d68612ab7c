/**
 * The user pool as workflows/user-pool.ts declares it: email is the user name (case-insensitive),
 * anyone may sign up but nobody confirms themselves (automatic verification is off: the
 * sign-up-approval workflow proves the address, an admin's approval confirms), the password
 * policy, `custom:company_name` immutable, the tasks' triggers attached; and the web client the
 * approval page signs in with (USER_PASSWORD_AUTH, no OAuth flows, writes only what sign-up sets).
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { USER_POOL } from '../workflows/index.ts';
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
    const { passwordPolicy: policy, customAttributes, client } = USER_POOL;
    this.userPool = new cognito.UserPool(this, 'Users', {
      userPoolName: props.userPoolName,
      selfSignUpEnabled: true,
      signInAliases: { email: true },
      signInCaseSensitive: USER_POOL.caseSensitive,
      autoVerify: { email: false },
      // No keepOriginal: Cognito requires every attribute in AttributesRequireVerificationBeforeUpdate
      // to be in AutoVerifiedAttributes, and this pool verifies nothing itself.
      customAttributes: Object.fromEntries(
        Object.entries(customAttributes).map(([name, a]) => [
          name,
          new cognito.StringAttribute({ mutable: a.mutable, minLen: a.minLength, maxLen: a.maxLength }),
        ]),
      ),
      passwordPolicy: {
        minLength: policy.minimumLength,
        requireLowercase: policy.requireLowercase,
        requireUppercase: policy.requireUppercase,
        requireDigits: policy.requireNumbers,
        requireSymbols: policy.requireSymbols,
        tempPasswordValidity: Duration.days(policy.temporaryPasswordValidityDays),
      },
      mfa: cognito.Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      deletionProtection: props.retain,
      removalPolicy: props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    const writable = new cognito.ClientAttributes()
      .withStandardAttributes({ email: true })
      .withCustomAttributes(
        ...client.writeAttributes
          .filter((a) => a.startsWith('custom:'))
          .map((a) => a.slice('custom:'.length)),
      );
    this.client = this.userPool.addClient('Web', {
      userPoolClientName: `${props.userPoolName}-web`,
      authFlows: { userPassword: true },
      disableOAuth: true,
      generateSecret: false,
      preventUserExistenceErrors: true,
      writeAttributes: writable,
      idTokenValidity: Duration.minutes(client.idTokenValidityMinutes),
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
