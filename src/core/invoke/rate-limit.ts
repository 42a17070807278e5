// The requests-per-second half of CON-1: 10 invocations per second per unit of concurrency, for the account
// (10 × account concurrency, 10,000 by default) and for a function with reserved concurrency (10 × its reservation).
// Token buckets holding one second's worth, so a burst up to the limit passes and a sustained excess is throttled.
/** Only the time is needed here. */
type Clock = { now(): number };

export type RateThrottleReason = 'FunctionInvocationRateLimitExceeded' | 'ReservedFunctionInvocationRateLimitExceeded';

class TokenBucket {
  private tokens: number;
  private at: number;

  constructor(
    private ratePerSecond: number,
    now: number,
  ) {
    this.tokens = ratePerSecond;
    this.at = now;
  }

  setRate(ratePerSecond: number): void {
    this.ratePerSecond = ratePerSecond;
    this.tokens = Math.min(this.tokens, ratePerSecond);
  }

  take(now: number): boolean {
    this.tokens = Math.min(this.ratePerSecond, this.tokens + ((now - this.at) / 1000) * this.ratePerSecond);
    this.at = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

export class InvocationRateLimits {
  private readonly account: TokenBucket;
  private readonly reserved = new Map<string, TokenBucket>();

  /** `perConcurrency` 0 turns the limit off. */
  constructor(
    accountConcurrency: number,
    private readonly perConcurrency: number,
    private readonly clock: Clock,
  ) {
    this.account = new TokenBucket(accountConcurrency * perConcurrency, clock.now());
  }

  /** Admits one invocation or says which rate stopped it. `reserved` is the function's reservation, if any. */
  take(functionName: string, reserved: number | undefined): RateThrottleReason | undefined {
    // Reserved 0 is a concurrency throttle (CON-2), reported as such by the pools.
    if (this.perConcurrency <= 0 || reserved === 0) return undefined;
    const now = this.clock.now();
    if (reserved !== undefined) {
      const rate = reserved * this.perConcurrency;
      let bucket = this.reserved.get(functionName);
      if (bucket === undefined) this.reserved.set(functionName, (bucket = new TokenBucket(rate, now)));
      else bucket.setRate(rate);
      return bucket.take(now) ? undefined : 'ReservedFunctionInvocationRateLimitExceeded';
    }
    return this.account.take(now) ? undefined : 'FunctionInvocationRateLimitExceeded';
  }
}
