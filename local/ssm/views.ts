/**
 * The wire shapes of a stored parameter: `Parameter` (GetParameter*), `ParameterMetadata`
 * (DescribeParameters) and `ParameterHistory` (GetParameterHistory).
 * https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_Parameter.html
 */
import { type Account, parameterArn } from './names.ts';
import { epochSeconds } from './protocol.ts';
import { current, type ParameterStore, type StoredParameter, type StoredVersion } from './store.ts';

/** Only the Standard tier and the `text` data type are stored locally (put.ts rejects the rest). */
const TIER = 'Standard';
const DATA_TYPE = 'text';

export interface ViewContext extends Account {
  readonly store: ParameterStore;
}

/**
 * A SecureString read without WithDecryption returns what AWS keeps, the ciphertext blob in
 * base64, never the clear value; String and StringList values are never encrypted.
 */
function shownValue(at: ViewContext, name: string, version: StoredVersion, decrypt: boolean): string {
  return decrypt ? at.store.reveal(name, version) : version.value;
}

export function parameterView(
  at: ViewContext,
  parameter: StoredParameter,
  version: StoredVersion,
  decrypt: boolean,
  selector?: string,
): Record<string, unknown> {
  return {
    Name: parameter.name,
    Type: version.type,
    Value: shownValue(at, parameter.name, version, decrypt),
    Version: version.version,
    ...(selector === undefined ? {} : { Selector: `:${selector}` }),
    LastModifiedDate: epochSeconds(version.lastModified),
    ARN: parameterArn(at, parameter.name),
    DataType: DATA_TYPE,
  };
}

function common(version: StoredVersion): Record<string, unknown> {
  return {
    Type: version.type,
    ...(version.keyId === undefined ? {} : { KeyId: version.keyId }),
    LastModifiedDate: epochSeconds(version.lastModified),
    LastModifiedUser: version.lastModifiedUser,
    ...(version.description === undefined ? {} : { Description: version.description }),
    ...(version.allowedPattern === undefined ? {} : { AllowedPattern: version.allowedPattern }),
    Version: version.version,
    Tier: TIER,
    Policies: [],
    DataType: DATA_TYPE,
  };
}

export function metadataView(at: ViewContext, parameter: StoredParameter): Record<string, unknown> {
  return { Name: parameter.name, ARN: parameterArn(at, parameter.name), ...common(current(parameter)) };
}

export function historyView(
  at: ViewContext,
  parameter: StoredParameter,
  version: StoredVersion,
  decrypt: boolean,
): Record<string, unknown> {
  return {
    Name: parameter.name,
    ...common(version),
    Value: shownValue(at, parameter.name, version, decrypt),
    Labels: version.labels,
  };
}
