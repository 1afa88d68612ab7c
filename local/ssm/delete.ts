/**
 * DeleteParameter and DeleteParameters: a deleted parameter loses its whole history, so a
 * parameter created again under the same name starts over at version 1.
 * https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_DeleteParameter.html
 * https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_DeleteParameters.html
 */
import type { SsmContext } from './context.ts';
import { parameterNotFound } from './errors.ts';
import { DeleteParameterRequest, DeleteParametersRequest, parseRequest } from './requests.ts';

export async function deleteParameter(context: SsmContext, body: unknown): Promise<unknown> {
  const request = parseRequest(DeleteParameterRequest, body);
  return context.store.update((draft) => {
    if (!draft.delete(request.Name)) throw parameterNotFound(request.Name);
    return {};
  });
}

export async function deleteParameters(context: SsmContext, body: unknown): Promise<unknown> {
  const request = parseRequest(DeleteParametersRequest, body);
  return context.store.update((draft) => {
    const deleted: string[] = [];
    const invalid: string[] = [];
    // "InvalidParameters: The names of parameters that weren't deleted because the parameters aren't valid."
    for (const name of new Set(request.Names)) (draft.delete(name) ? deleted : invalid).push(name);
    return { DeletedParameters: deleted, InvalidParameters: invalid };
  });
}
