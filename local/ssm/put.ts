/**
 * PutParameter: creates a parameter at version 1, or with Overwrite adds the next version.
 * https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html
 */
import type { SsmContext } from './context.ts';
import { SsmApiError, validation } from './errors.ts';
import { checkNewName } from './names.ts';
import { PutParameterRequest, parseRequest } from './requests.ts';
import { current, type ParameterType, type StoredVersion } from './store.ts';

/** "Standard parameters: 4 KB"; AWS counts the value in characters (4096 accepted, 4097 refused). */
const STANDARD_MAX_VALUE = 4096;
/** "Parameter Store keeps up to 100 versions; creating the 101st deletes the oldest." */
const MAX_VERSIONS = 100;
/** The AWS managed key SSM uses when a SecureString names none. */
const DEFAULT_KEY_ID = 'alias/aws/ssm';
const ADVANCED_DOCS =
  'https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-advanced-parameters.html';

/** The pattern as the value must match it whole (AWS validates with Java's `matches`). */
function compilePattern(pattern: string): RegExp {
  try {
    return new RegExp(`^(?:${pattern})$`, 'u');
  } catch {
    throw new SsmApiError(
      'InvalidAllowedPatternException',
      `The AllowedPattern ${pattern} is not a valid regular expression.`,
    );
  }
}

/** Features that exist only in tiers or data types this endpoint does not store: refused, not ignored. */
function checkSupported(request: ReturnType<typeof PutParameterRequest.parse>): void {
  if (request.Tier === 'Advanced' || request.Policies !== undefined) {
    throw validation(
      'The local SSM endpoint stores Standard-tier parameters only: omit Tier (or use Standard or ' +
        'Intelligent-Tiering) and Policies, which need the advanced tier.',
    );
  }
  const dataType = request.DataType ?? 'text';
  if (dataType !== 'text') {
    throw validation(
      dataType === 'aws:ec2:image' || dataType === 'aws:ssm:integration'
        ? `The local SSM endpoint supports DataType text only, not ${dataType}: omit DataType.`
        : `The following data type is not supported: ${dataType} (Data type names are all lowercase.)`,
    );
  }
  if (request.Value.length === 0) {
    throw validation(
      "1 validation error detected: Value at 'value' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
  }
  if (request.Value.length > STANDARD_MAX_VALUE) {
    throw validation(
      `Standard tier parameters support a maximum parameter value of ${STANDARD_MAX_VALUE} characters. To create ` +
        `a larger parameter value, upgrade the parameter to use the advanced-parameter tier. For more information, see ${ADVANCED_DOCS}`,
    );
  }
  if (request.Overwrite && request.Tags !== undefined && request.Tags.length > 0) {
    throw validation(
      "Invalid request: tags and overwrite can't be used together. To create a parameter with tags, please remove " +
        'overwrite flag. To update tags for an existing parameter, please use AddTagsToResource or RemoveTagsFromResource.',
    );
  }
}

export async function putParameter(context: SsmContext, body: unknown): Promise<unknown> {
  const request = parseRequest(PutParameterRequest, body);
  const name = checkNewName(request.Name, context);
  checkSupported(request);
  return context.store.update((draft) => {
    const existing = draft.get(name);
    if (existing !== undefined && request.Overwrite !== true) {
      throw new SsmApiError(
        'ParameterAlreadyExists',
        `The parameter ${name} already exists. To overwrite this value, set the overwrite option in the request to true.`,
      );
    }
    const previous = existing === undefined ? undefined : current(existing);
    const type: ParameterType | undefined = request.Type ?? previous?.type;
    if (type === undefined) throw validation('A parameter type is required when you create a parameter.');
    if (request.KeyId !== undefined && type !== 'SecureString') {
      throw validation(
        `KeyId encrypts SecureString parameters only: omit it for the ${type} parameter ${name}.`,
      );
    }
    // Description, AllowedPattern and the key carry over to the new version unless the request sets them.
    const allowedPattern = request.AllowedPattern ?? previous?.allowedPattern;
    if (
      allowedPattern !== undefined &&
      allowedPattern !== '' &&
      !compilePattern(allowedPattern).test(request.Value)
    ) {
      throw new SsmApiError(
        'ParameterPatternMismatchException',
        `Parameter value, cannot be validated against allowedPattern: ${allowedPattern}`,
      );
    }
    const keyId =
      type === 'SecureString'
        ? (request.KeyId ??
          (previous?.type === 'SecureString' ? previous.keyId : undefined) ??
          DEFAULT_KEY_ID)
        : undefined;
    const description = request.Description ?? previous?.description;
    const version: StoredVersion = {
      version: (previous?.version ?? 0) + 1,
      type,
      value: context.store.seal(name, type, request.Value),
      ...(keyId === undefined ? {} : { keyId }),
      ...(description === undefined ? {} : { description }),
      ...(allowedPattern === undefined ? {} : { allowedPattern }),
      lastModified: context.now(),
      lastModifiedUser: context.user,
      labels: [],
    };
    // No version can carry a label locally (LabelParameterVersion is not offered), so the
    // oldest is always free to go, as AWS does when no label pins it.
    const history = [...(existing?.history ?? []), version].slice(-MAX_VERSIONS);
    draft.set(name, { name, tags: existing?.tags ?? request.Tags ?? [], history });
    return { Version: version.version, Tier: 'Standard' };
  });
}
