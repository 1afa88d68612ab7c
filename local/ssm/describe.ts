/**
 * DescribeParameters (metadata, never values) and GetParameterHistory (every kept version).
 * https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_DescribeParameters.html
 * https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParameterHistory.html
 */
import type { SsmContext } from './context.ts';
import { parameterNotFound, validation } from './errors.ts';
import { compileFilters } from './filters.ts';
import { page } from './paging.ts';
import {
  DescribeParametersRequest,
  GetParameterHistoryRequest,
  type ParameterFilter,
  parseRequest,
} from './requests.ts';
import { historyView, metadataView } from './views.ts';

/** Both operations allow MaxResults 1..50; 50 when omitted. */
const MAX_RESULTS = 50;

/**
 * The older `Filters` member, read as the equivalent ParameterFilters: `Name` matches names
 * beginning with a value, `Type` and `KeyId` match exactly.
 */
function legacyFilters(
  filters: ReturnType<typeof DescribeParametersRequest.parse>['Filters'],
): ParameterFilter[] {
  return (filters ?? []).map((filter) => ({
    Key: filter.Key,
    Option: filter.Key === 'Name' ? 'BeginsWith' : 'Equals',
    Values: filter.Values,
  }));
}

export async function describeParameters(context: SsmContext, body: unknown): Promise<unknown> {
  const request = parseRequest(DescribeParametersRequest, body);
  if (request.Shared === true) {
    throw validation('The local SSM endpoint has no parameters shared from other accounts: omit Shared.');
  }
  if (request.Filters !== undefined && request.ParameterFilters !== undefined) {
    throw validation('You can use either Filters or ParameterFilters in a single request.');
  }
  const filters = request.ParameterFilters ?? legacyFilters(request.Filters);
  const passes = compileFilters(filters, 'DescribeParameters');
  const result = page(
    'DescribeParameters',
    context.store.all().filter(passes),
    (parameter) => parameter.name,
    request.MaxResults ?? MAX_RESULTS,
    request.NextToken,
  );
  return {
    Parameters: result.items.map((parameter) => metadataView(context, parameter)),
    ...(result.nextToken === undefined ? {} : { NextToken: result.nextToken }),
  };
}

export async function getParameterHistory(context: SsmContext, body: unknown): Promise<unknown> {
  const request = parseRequest(GetParameterHistoryRequest, body);
  const parameter = context.store.get(request.Name);
  if (parameter === undefined) throw parameterNotFound(request.Name);
  const result = page(
    `GetParameterHistory ${parameter.name}`,
    parameter.history,
    (version) => version.version,
    request.MaxResults ?? MAX_RESULTS,
    request.NextToken,
  );
  const decrypt = request.WithDecryption === true;
  return {
    Parameters: result.items.map((version) => historyView(context, parameter, version, decrypt)),
    ...(result.nextToken === undefined ? {} : { NextToken: result.nextToken }),
  };
}
