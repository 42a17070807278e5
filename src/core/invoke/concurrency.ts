// Concurrency accounting (CON-1, CON-2, CON-5): a function with reserved concurrency N runs in its own
// pool of N, which is taken out of the account's pool; every other function shares what is left.
import { LambdaApiError } from '../../ports/errors.js';

export type ThrottleReason = 'ReservedFunctionConcurrentInvocationLimitExceeded' | 'ConcurrentInvocationLimitExceeded';

export interface ConcurrencyOptions {
  accountConcurrency: number;
  /** Lambda keeps at least 100 unreserved (CON-2); small test accounts may lower it. */
  minimumUnreserved: number;
}

export class ConcurrencyPools {
  private readonly reserved = new Map<string, number>();
  private readonly inFlight = new Map<string, number>();
  private reservedTotal = 0;
  private unreservedInFlight = 0;

  constructor(private readonly options: ConcurrencyOptions) {}

  /** Admits one execution or says which limit stopped it. Synchronous, so check-and-take is atomic. */
  acquire(name: string): ThrottleReason | undefined {
    const running = this.inFlight.get(name) ?? 0;
    const reserved = this.reserved.get(name);
    if (reserved !== undefined) {
      if (running >= reserved) return 'ReservedFunctionConcurrentInvocationLimitExceeded';
    } else {
      if (this.unreservedInFlight >= this.unreservedPool) return 'ConcurrentInvocationLimitExceeded';
      this.unreservedInFlight++;
    }
    this.inFlight.set(name, running + 1);
    return undefined;
  }

  release(name: string): void {
    const running = this.inFlight.get(name) ?? 0;
    if (running <= 0) return;
    this.inFlight.set(name, running - 1);
    if (!this.reserved.has(name)) this.unreservedInFlight--;
  }

  running(name: string): number {
    return this.inFlight.get(name) ?? 0;
  }

  get unreservedRunning(): number {
    return this.unreservedInFlight;
  }

  get unreservedPool(): number {
    return this.options.accountConcurrency - this.reservedTotal;
  }

  /** The most executions `name` can have at once right now. */
  limit(name: string): number {
    return this.reserved.get(name) ?? this.unreservedPool;
  }

  reservedFor(name: string): number | undefined {
    return this.reserved.get(name);
  }

  /** PutFunctionConcurrency / DeleteFunctionConcurrency (undefined). */
  setReserved(name: string, value: number | undefined): void {
    const previous = this.reserved.get(name);
    if (value !== undefined) {
      if (!Number.isInteger(value) || value < 0) {
        throw new LambdaApiError(
          'InvalidParameterValueException',
          400,
          'ReservedConcurrentExecutions must be an integer >= 0',
        );
      }
      const total = this.reservedTotal - (previous ?? 0) + value;
      if (this.options.accountConcurrency - total < this.options.minimumUnreserved) {
        throw new LambdaApiError(
          'InvalidParameterValueException',
          400,
          `Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution ` +
            `below its minimum value of [${this.options.minimumUnreserved}].`,
        );
      }
    }
    // Executions already running move between pools with their function.
    const running = this.running(name);
    if (previous === undefined && value !== undefined) this.unreservedInFlight -= running;
    if (previous !== undefined && value === undefined) this.unreservedInFlight += running;
    this.reservedTotal += (value ?? 0) - (previous ?? 0);
    if (value === undefined) this.reserved.delete(name);
    else this.reserved.set(name, value);
  }
}
