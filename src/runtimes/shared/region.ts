import type { FunctionSpec } from '../../ports/function-runtime.js';

/** Region from the function ARN (arn:aws:lambda:<region>:...), else the service's AWS_REGION, else us-east-1. */
export function regionOf(spec: FunctionSpec): string {
  const fromArn = spec.arn.split(':')[3];
  return fromArn || process.env.AWS_REGION || 'us-east-1';
}
