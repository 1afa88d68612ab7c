/**
 * GetParameter, GetParameters and GetParametersByPath.
 * https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParameter.html
 * https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParameters.html
 * https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParametersByPath.html
 */
import type { SsmContext } from './context.ts';
import { parameterNotFound, SsmApiError, versionNotFound } from './errors.ts';
import { compileFilters } from './filters.ts';
import { checkPath, parseReference, underPath } from './names.ts';
import { page } from './paging.ts';
import {
  GetParameterRequest,
  GetParametersByPathRequest,
  GetParametersRequest,
  parseRequest,
} from './requests.ts';
import { current, type StoredParameter, type StoredVersion } from './store.ts';
import { parameterView } from './views.ts';

interface Resolved {
  readonly parameter: StoredParameter;
  readonly version: StoredVersion;
  readonly selector?: string;
}

/** A name, `name:version` or `name:label`, as GetParameter and GetParameters take it. */
function resolve(context: SsmContext, reference: string): Resolved {
  const { name, selector } = parseReference(reference);
  const parameter = context.store.get(name);
  if (parameter === undefined) throw parameterNotFound(reference);
  if (selector === undefined) return { parameter, version: current(parameter) };
  if (/^\d+$/.test(selector)) {
    const version = parameter.history.find((v) => v.version === Number(selector));
    if (version === undefined) throw versionNotFound(name, selector);
    return { parameter, version, selector };
  }
  // A label selector: labels are never attached locally (LabelParameterVersion is not offered).
  const labelled = [...parameter.history].reverse().find((v) => v.labels.includes(selector));
  if (labelled === undefined) throw parameterNotFound(reference);
  return { parameter, version: labelled, selector };
}

function isMissing(error: unknown): boolean {
  return (
    error instanceof SsmApiError &&
    (error.type === 'ParameterNotFound' || error.type === 'ParameterVersionNotFound')
  );
}

export async function getParameter(context: SsmContext, body: unknown): Promise<unknown> {
  const request = parseRequest(GetParameterRequest, body);
  const { parameter, version, selector } = resolve(context, request.Name);
  return { Parameter: parameterView(context, parameter, version, request.WithDecryption === true, selector) };
}

export async function getParameters(context: SsmContext, body: unknown): Promise<unknown> {
  const request = parseRequest(GetParametersRequest, body);
  const parameters: unknown[] = [];
  const invalid: string[] = [];
  // "InvalidParameters: A list of parameters that aren't formatted correctly or don't run during an execution."
  for (const reference of new Set(request.Names)) {
    try {
      const { parameter, version, selector } = resolve(context, reference);
      parameters.push(parameterView(context, parameter, version, request.WithDecryption === true, selector));
    } catch (error) {
      if (!isMissing(error)) throw error;
      invalid.push(reference);
    }
  }
  return { Parameters: parameters, InvalidParameters: invalid };
}

/** "MaxResults: ... Valid Range: Minimum value of 1. Maximum value of 10." Default 10. */
const BY_PATH_MAX_RESULTS = 10;

export async function getParametersByPath(context: SsmContext, body: unknown): Promise<unknown> {
  const request = parseRequest(GetParametersByPathRequest, body);
  checkPath(request.Path);
  const passes = compileFilters(request.ParameterFilters, 'GetParametersByPath');
  const recursive = request.Recursive === true;
  const matching = context.store
    .all()
    .filter((parameter) => underPath(parameter.name, request.Path, recursive) && passes(parameter));
  const result = page(
    'GetParametersByPath',
    matching,
    (parameter) => parameter.name,
    request.MaxResults ?? BY_PATH_MAX_RESULTS,
    request.NextToken,
  );
  const decrypt = request.WithDecryption === true;
  return {
    Parameters: result.items.map((parameter) =>
      parameterView(context, parameter, current(parameter), decrypt),
    ),
    ...(result.nextToken === undefined ? {} : { NextToken: result.nextToken }),
  };
}
