/**
 * Parameter names, paths, selectors and ARNs, with the rules AWS states for them.
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-parameter-name-constraints.html
 */
import { SsmApiError, validation } from './errors.ts';

export interface Account {
  readonly region: string;
  readonly account: string;
}

/** "Parameter hierarchies are limited to a maximum depth of fifteen levels." */
const MAX_DEPTH = 15;
/** "The maximum length for a parameter name that you create is 1011 characters", counting the ARN before it. */
const MAX_ARN_LENGTH = 1011;
/** "Parameter names can include only the following symbols and letters: a-zA-Z0-9_.-" and `/`. */
const ALLOWED = /^[A-Za-z0-9_.\-/]+$/;

const PATH_RULE =
  'If formed as a path, it can consist of sub-paths divided by slash symbol; each sub-path can be formed as a ' +
  'mix of letters, numbers and the following 3 symbols .-_';

/** `arn:aws:ssm:<region>:<account>:parameter/<name without its leading slash>`, as AWS reports it. */
export function parameterArn(at: Account, name: string): string {
  return `arn:aws:ssm:${at.region}:${at.account}:parameter/${name.startsWith('/') ? name.slice(1) : name}`;
}

function depth(name: string): number {
  return name.split('/').filter((part) => part !== '').length;
}

/**
 * Checks the name PutParameter creates and returns it as stored: AWS "removes any spaces
 * specified for the beginning or end of a parameter name".
 */
export function checkNewName(raw: string, at: Account): string {
  const name = raw.replace(/^ +| +$/g, '');
  const bare = name.startsWith('/') ? name.slice(1) : name;
  const lower = bare.toLowerCase();
  const isPath = name.startsWith('/') && bare.includes('/');
  // "A parameter name can't be prefixed with "aws" or "ssm" (case-insensitive)."
  if (lower.startsWith('aws') && isPath) {
    throw new SsmApiError('AccessDeniedException', `No access to reserved parameter name: ${name}.`);
  }
  if (lower.startsWith('aws') || lower.startsWith('ssm')) {
    throw validation(
      isPath
        ? `Parameter name: can't be prefixed with "ssm" (case-insensitive). ${PATH_RULE}`
        : `Parameter name: can't be prefixed with "aws" or "ssm" (case-insensitive).`,
    );
  }
  // "For parameters in a hierarchy, you must include a leading forward slash character (/)."
  if (name.includes('/') && !name.startsWith('/')) {
    throw validation(`Parameter name must be a fully qualified name. Start ${name} with a slash: /${name}.`);
  }
  if (!ALLOWED.test(name) || name.includes('//') || name === '/') {
    throw validation(
      `Parameter name: can't be prefixed with "aws" or "ssm" (case-insensitive). ${PATH_RULE}`,
    );
  }
  if (name.endsWith('/')) throw validation(`Parameter name must not end with slash: ${name}.`);
  if (depth(name) > MAX_DEPTH) {
    throw new SsmApiError(
      'HierarchyLevelLimitExceededException',
      `A hierarchy can have a maximum of ${MAX_DEPTH} levels; ${name} has ${depth(name)}.`,
    );
  }
  const arn = parameterArn(at, name);
  if (arn.length > MAX_ARN_LENGTH) {
    throw validation(
      `Parameter name is too long: its ARN has ${arn.length} characters and the limit is ${MAX_ARN_LENGTH}.`,
    );
  }
  return name;
}

/** Checks the Path of GetParametersByPath (a hierarchy, so it starts with `/`). */
export function checkPath(path: string): void {
  const inner = path.endsWith('/') && path !== '/' ? path.slice(0, -1) : path;
  if (!path.startsWith('/') || !ALLOWED.test(path) || inner.includes('//')) {
    throw validation(
      `The parameter doesn't meet the parameter name requirements. The parameter name must begin with a forward ` +
        `slash "/". It must use only letters, numbers, or the following symbols: . (period), - (hyphen), ` +
        `_ (underscore). All sub-paths, if specified, must use the forward slash symbol "/". Received: ${path}.`,
    );
  }
  if (depth(path) > MAX_DEPTH) {
    throw new SsmApiError(
      'HierarchyLevelLimitExceededException',
      `A hierarchy can have a maximum of ${MAX_DEPTH} levels; ${path} has ${depth(path)}.`,
    );
  }
}

/**
 * Whether `name` lies under `path`: directly below it, or anywhere below it when recursive.
 * Names without a leading slash are root parameters ("The system treats both /parameter-name
 * and parameter-name as root parameters"), so they sit directly below `/`.
 */
export function underPath(name: string, path: string, recursive: boolean): boolean {
  const prefix = path.endsWith('/') ? path : `${path}/`;
  if (prefix === '/') return recursive || !name.replace(/^\//, '').includes('/');
  if (!name.startsWith(prefix) || name.length === prefix.length) return false;
  return recursive || !name.slice(prefix.length).includes('/');
}

/** The parts of `name:version` or `name:label` (names themselves cannot contain `:`). */
export interface Reference {
  readonly name: string;
  readonly selector?: string;
}

export function parseReference(reference: string): Reference {
  if (reference.startsWith('arn:')) {
    throw validation(
      `The local SSM endpoint reads parameters by name, not ARN: pass the name after ':parameter' of ${reference}.`,
    );
  }
  const colon = reference.indexOf(':');
  if (colon < 0) return { name: reference };
  return { name: reference.slice(0, colon), selector: reference.slice(colon + 1) };
}
