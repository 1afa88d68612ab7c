/**
 * The IAM derivation's own errors. A definition whose permissions cannot be derived safely is
 * refused rather than answered with a policy that is silently too broad or too narrow.
 */
import { AslError } from '../errors.ts';

/** A Task whose permissions the derivation cannot work out. `state` and `resource` say where. */
export class IamDerivationError extends AslError {
  override name = 'IamDerivationError';
  readonly state: string;
  readonly resource: string;
  readonly fix: string;

  constructor(state: string, resource: string, problem: string, fix: string) {
    super(`State '${state}' (${resource}): ${problem}. ${fix}`);
    this.state = state;
    this.resource = resource;
    this.fix = fix;
  }
}
