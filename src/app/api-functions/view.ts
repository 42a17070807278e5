// An API-created function's FunctionConfiguration (FN-14, OPEN-3), rendered by the one view every function
// shares (src/app/function-view.ts).
import type { FunctionDefinition } from '../../ports/function-store.js';
import { lastModifiedString, renderFunctionConfiguration, type FunctionFacts } from '../function-view.js';

export function functionFacts(d: FunctionDefinition, arn: string): FunctionFacts {
  return {
    name: d.FunctionName,
    arn,
    runtime: d.Runtime,
    handler: d.Handler,
    role: d.Role,
    description: d.Description,
    timeoutSeconds: d.Timeout,
    memorySizeMb: d.MemorySize,
    environment: d.Environment?.Variables,
    code: { size: d.CodeSize, sha256: d.CodeSha256 },
    lastModifiedMs: Date.parse(d.LastModified.replace('+0000', 'Z')),
    revisionId: d.RevisionId,
    state: {
      State: d.State,
      ...(d.StateReason === undefined ? {} : { StateReason: d.StateReason, StateReasonCode: d.StateReasonCode }),
    },
    lastUpdate:
      d.LastUpdateStatus === undefined
        ? null
        : {
            LastUpdateStatus: d.LastUpdateStatus,
            ...(d.LastUpdateStatusReason === undefined
              ? {}
              : {
                  LastUpdateStatusReason: d.LastUpdateStatusReason,
                  LastUpdateStatusReasonCode: d.LastUpdateStatusReasonCode,
                }),
          },
    deadLetterTargetArn: d.DeadLetterConfig?.TargetArn,
    architecture: d.Architectures[0] === 'arm64' ? 'arm64' : 'x86_64',
    tracingMode: d.TracingConfig.Mode,
    logging: d.LoggingConfig,
    ephemeralStorageMb: d.EphemeralStorage.Size,
    kmsKeyArn: d.KMSKeyArn,
  };
}

export function functionConfiguration(d: FunctionDefinition, arn: string): Record<string, unknown> {
  return renderFunctionConfiguration(functionFacts(d, arn));
}

/** FN-14: `YYYY-MM-DDThh:mm:ss.sss+0000`. */
export const lastModified = lastModifiedString;
