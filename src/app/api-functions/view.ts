// The FunctionConfiguration answer of CreateFunction/UpdateFunctionCode/UpdateFunctionConfiguration (FN-14,
// OPEN-3) for an API-created function. One function, so it can switch to the shared read-side view.
import type { FunctionDefinition } from '../../ports/function-store.js';

export function functionConfiguration(d: FunctionDefinition, arn: string): Record<string, unknown> {
  return {
    FunctionName: d.FunctionName,
    FunctionArn: arn,
    Runtime: d.Runtime,
    Role: d.Role,
    Handler: d.Handler,
    CodeSize: d.CodeSize,
    Description: d.Description,
    Timeout: d.Timeout,
    MemorySize: d.MemorySize,
    LastModified: d.LastModified,
    CodeSha256: d.CodeSha256,
    Version: '$LATEST',
    ...(d.Environment === undefined ? {} : { Environment: d.Environment }),
    ...(d.DeadLetterConfig === undefined ? {} : { DeadLetterConfig: d.DeadLetterConfig }),
    ...(d.KMSKeyArn === undefined ? {} : { KMSKeyArn: d.KMSKeyArn }),
    TracingConfig: d.TracingConfig,
    RevisionId: d.RevisionId,
    State: d.State,
    ...(d.StateReason === undefined ? {} : { StateReason: d.StateReason, StateReasonCode: d.StateReasonCode }),
    ...(d.LastUpdateStatus === undefined ? {} : { LastUpdateStatus: d.LastUpdateStatus }),
    ...(d.LastUpdateStatusReason === undefined
      ? {}
      : { LastUpdateStatusReason: d.LastUpdateStatusReason, LastUpdateStatusReasonCode: d.LastUpdateStatusReasonCode }),
    PackageType: 'Zip',
    Architectures: d.Architectures,
    EphemeralStorage: d.EphemeralStorage,
    SnapStart: { ApplyOn: 'None', OptimizationStatus: 'Off' },
    LoggingConfig: d.LoggingConfig,
  };
}

/** FN-14: `YYYY-MM-DDThh:mm:ss.sss+0000`. */
export function lastModified(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}
