// Functions created over the Lambda API, kept in the state store so every instance runs them and they survive
// restarts (memory for the embedded default, Redis for production). Zip packages are stored beside them.

/** A function's configuration in Lambda's FunctionConfiguration names (FN-14), as sluice keeps it. */
export interface FunctionDefinition {
  FunctionName: string;
  Runtime: string;
  Role: string;
  Handler: string;
  Description: string;
  Timeout: number;
  MemorySize: number;
  Environment?: { Variables: Record<string, string> };
  DeadLetterConfig?: { TargetArn: string };
  KMSKeyArn?: string;
  TracingConfig: { Mode: string };
  LoggingConfig: Record<string, string>;
  Architectures: string[];
  EphemeralStorage: { Size: number };
  /** Base64 SHA-256 of the zip; also names the stored package. */
  CodeSha256: string;
  CodeSize: number;
  LastModified: string;
  RevisionId: string;
  State: 'Pending' | 'Active' | 'Failed';
  StateReason?: string;
  StateReasonCode?: string;
  LastUpdateStatus?: 'InProgress' | 'Successful' | 'Failed';
  LastUpdateStatusReason?: string;
  LastUpdateStatusReasonCode?: string;
}

export interface StoredFunction {
  /** What the API shows, including an update still in progress. */
  shown: FunctionDefinition;
  /** The last configuration that became Active (what instances run); absent while Pending or after a failed create. */
  live?: FunctionDefinition;
}

export interface FunctionStore {
  /** Changes with every write, so instances poll one value to learn that something changed. */
  version(): Promise<string>;
  list(): Promise<StoredFunction[]>;
  get(name: string): Promise<StoredFunction | undefined>;
  /**
   * Writes `fn` when the stored one's `shown.RevisionId` is `expected`, or when none is stored and `expected`
   * is undefined. Returns false (nothing written) otherwise: the compare-and-set behind RevisionId (FN-25).
   */
  put(fn: StoredFunction, expected: string | undefined): Promise<boolean>;
  /** Removes the function (and every package stored for it); false when it was not there. */
  delete(name: string): Promise<boolean>;
  putCode(name: string, sha256: string, zip: Buffer): Promise<void>;
  getCode(name: string, sha256: string): Promise<Buffer | undefined>;
  deleteCode(name: string, sha256: string): Promise<void>;
  /** Bytes of every package stored (the code storage bound, FN-10's CodeStorageExceededException). */
  codeBytes(): Promise<number>;
  close(): Promise<void>;
}
