import { SluiceError, LambdaApiError } from '../../../../src/ports/errors.js';

export { createRecordFilter, InvalidFilterPatternError, validateFilterCriteria } from '../../../../src/index.js';

/** What the HTTP API reads from an error to answer with a Lambda exception. */
export function LambdaApiErrorCheck(e: unknown): { code: string; statusCode: number; sluice: boolean } | undefined {
  if (!(e instanceof LambdaApiError)) return undefined;
  return { code: e.code, statusCode: e.statusCode, sluice: e instanceof SluiceError };
}
