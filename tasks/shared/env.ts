/** What the tasks read from their function's environment. */

/** A variable the function's deployment must set; the error says so when it did not. */
export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new TypeError(`${name} is not set: deploy the function with its environment.`);
  return value;
}

/**
 * Cognito's endpoint as the browser reaches it: the local one when the function runs on the
 * local cloud (its SDK endpoint variable is set), else the region's.
 */
export function cognitoEndpoint(): string {
  return (
    process.env.AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER ??
    `https://cognito-idp.${requiredEnv('AWS_REGION')}.amazonaws.com/`
  );
}
