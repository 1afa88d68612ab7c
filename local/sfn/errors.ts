/**
 * The local Step Functions endpoint's errors. `SfnApiError` is an answer on the wire: AWS JSON 1.0,
 * HTTP 400 (or the status its model gives), `__type` naming the exception the SDK throws
 * (`ExecutionAlreadyExists`, `InvalidDefinition`, ...).
 * https://docs.aws.amazon.com/step-functions/latest/apireference/CommonErrors.html
 */
import { LocalApiError } from '../service.ts';

export class SfnApiError extends LocalApiError {
  /** The JSON 1.0 error body, `__type` in the service's namespace. */
  body(): Record<string, string> {
    return { __type: `com.amazonaws.sfn#${this.type}`, message: this.message };
  }
}
