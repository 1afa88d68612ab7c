/** Deriving the least-privilege IAM policy of a state machine from its definition. */
export { deriveIamPolicy } from './derive.ts';
export { IamDerivationError } from './errors.ts';
export { AWS_SDK_SERVICES, iamServicePrefix, type PrefixLookup } from './services.ts';
export type { DeriveIamOptions, IamStatement } from './types.ts';
