/**
 * The local Cognito endpoint's own errors. Failures AWS answers on the wire (InvalidParameter,
 * UserLambdaValidation, ...) are cognito-local's `CognitoError`s; these are the project's own.
 */

export class CognitoLocalError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CognitoLocalError';
  }
}

/** A user pool's LambdaConfig names a function that was not passed in `triggers`. */
export class CognitoTriggerNotFoundError extends CognitoLocalError {
  constructor(
    readonly trigger: string,
    readonly functionName: string,
  ) {
    super(
      `The user pool's ${trigger} trigger names function "${functionName}", which has no handler; ` +
        `pass it in startCognito's triggers as { '${functionName}': handler }.`,
    );
    this.name = 'CognitoTriggerNotFoundError';
  }
}
