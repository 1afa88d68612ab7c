/**
 * ParameterFilters of GetParametersByPath and DescribeParameters.
 * "For all filters used with DescribeParameters, valid options include Equals and BeginsWith.
 * The Name filter additionally supports the Contains option. (Exception: For filters using the
 * key Path, valid options include Recursive and OneLevel.) For filters used with
 * GetParametersByPath, valid options include Equals and BeginsWith. (Exception: For filters
 * using Label as the Key name, the only valid option is Equals.)"
 * https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_ParameterStringFilter.html
 */
import { SsmApiError, validation } from './errors.ts';
import { underPath } from './names.ts';
import type { ParameterFilter } from './requests.ts';
import { current, PARAMETER_TYPES, type StoredParameter } from './store.ts';

export type FilterScope = 'GetParametersByPath' | 'DescribeParameters';

const KEY_PATTERN = /^(tag:.+|Name|Type|KeyId|Path|Label|Tier|DataType)$/;
const VALID_KEYS: Record<FilterScope, readonly string[]> = {
  GetParametersByPath: ['Type', 'KeyId', 'Label'],
  DescribeParameters: ['Path', 'Name', 'Type', 'KeyId', 'Tier', 'DataType'],
};
const VALID_VALUES: Record<string, readonly string[]> = {
  Type: PARAMETER_TYPES,
  Tier: ['Standard', 'Advanced', 'Intelligent-Tiering'],
};

type Test = (parameter: StoredParameter) => boolean;

function optionsFor(key: string, scope: FilterScope): readonly string[] {
  if (key === 'Path') return ['OneLevel', 'Recursive'];
  if (key === 'Label') return ['Equals'];
  if (key === 'Name' && scope === 'DescribeParameters') return ['BeginsWith', 'Contains', 'Equals'];
  return ['BeginsWith', 'Equals'];
}

/** AWS compares names as if each started with `/` (`foo` and `/foo` are both root parameters). */
function rooted(name: string): string {
  return name.startsWith('/') ? name : `/${name}`;
}

function compare(option: string, actual: string | undefined, values: readonly string[]): boolean {
  if (actual === undefined) return false;
  if (option === 'BeginsWith') return values.some((value) => actual.startsWith(value));
  if (option === 'Contains') return values.some((value) => actual.includes(value));
  return values.includes(actual);
}

function compile(filter: ParameterFilter, scope: FilterScope): Test {
  const { Key: key } = filter;
  const isTag = key.startsWith('tag:');
  if (!isTag && !VALID_KEYS[scope].includes(key)) {
    throw new SsmApiError(
      'InvalidFilterKey',
      `The following filter key is not valid: ${key}. Valid filter keys include: [${VALID_KEYS[scope].join(', ')}] and tag:<key>.`,
    );
  }
  const option = filter.Option ?? (key === 'Path' ? 'OneLevel' : 'Equals');
  const options = optionsFor(key, scope);
  if (!options.includes(option)) {
    throw new SsmApiError(
      'InvalidFilterOption',
      `The following filter option is not valid: ${option}. Valid options include: [${options.join(', ')}].`,
    );
  }
  const values = filter.Values ?? [];
  if (values.length === 0 && !isTag) {
    throw new SsmApiError(
      'InvalidFilterValue',
      `The following filter values are missing : null for filter key ${key}.`,
    );
  }
  const allowed = VALID_VALUES[key];
  const wrong = allowed === undefined ? undefined : values.find((value) => !allowed.includes(value));
  if (allowed !== undefined && wrong !== undefined) {
    throw new SsmApiError(
      'InvalidFilterValue',
      `The following filter value is not valid: ${wrong}. Valid values include: [${allowed.join(', ')}].`,
    );
  }
  if (isTag) {
    const tagKey = key.slice('tag:'.length);
    // A tag filter without values matches every parameter that has the tag.
    return (p) =>
      p.tags.some((tag) => tag.Key === tagKey && (values.length === 0 || compare(option, tag.Value, values)));
  }
  switch (key) {
    case 'Name':
      return (p) => compare(option, rooted(p.name), option === 'Contains' ? values : values.map(rooted));
    case 'Path':
      return (p) => values.some((path) => underPath(rooted(p.name), path, option === 'Recursive'));
    case 'Type':
      return (p) => compare(option, current(p).type, values);
    case 'KeyId':
      return (p) => compare(option, current(p).keyId, values);
    case 'Label':
      return (p) => current(p).labels.some((label) => values.includes(label));
    case 'Tier':
      return () => compare(option, 'Standard', values);
    default:
      // DataType: every local parameter is `text`.
      return () => compare(option, 'text', values);
  }
}

/** One test for all the filters (a parameter must pass each), or errors as AWS reports them. */
export function compileFilters(filters: readonly ParameterFilter[] | undefined, scope: FilterScope): Test {
  const tests: Test[] = [];
  const seen = new Set<string>();
  for (const [index, filter] of (filters ?? []).entries()) {
    if (!KEY_PATTERN.test(filter.Key)) {
      throw validation(
        `1 validation error detected: Value at 'parameterFilters.${index + 1}.member.key' failed to satisfy ` +
          `constraint: Member must satisfy regular expression pattern: ${KEY_PATTERN.source.slice(2, -2)}`,
      );
    }
    if (seen.has(filter.Key)) {
      throw new SsmApiError(
        'InvalidFilterKey',
        `The following filter is duplicated in the request: ${filter.Key}. A request can contain only one occurrence of a specific filter.`,
      );
    }
    seen.add(filter.Key);
    tests.push(compile(filter, scope));
  }
  return (parameter) => tests.every((test) => test(parameter));
}
