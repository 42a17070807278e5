// Metric names the invoker writes (the catalogue in observability/ registers them with these labels).

/** Counter {function, source}: times code ran — successes and function errors, never throttles (§10 Invocations). */
export const INVOCATIONS = 'sluice_invocations_total';
/** Counter {function, source}: invocations that ended in a function error, timeouts included (§10 Errors). */
export const ERRORS = 'sluice_errors_total';
/** Counter {function, source}: invocations rejected for concurrency, here or by a remote Lambda (§10 Throttles). */
export const THROTTLES = 'sluice_throttles_total';
/** Counter {function, source}: invocations that could not run for a service-side reason (5xx, network, not found). */
export const SYSTEM_ERRORS = 'sluice_invoke_system_errors_total';
/** Histogram {function}: handler duration in seconds (§10 Duration). */
export const DURATION = 'sluice_duration_seconds';
/** Gauge {function}: executions in flight (§10 ConcurrentExecutions). */
export const CONCURRENT_EXECUTIONS = 'sluice_concurrent_executions';
/** Gauge {}: executions in flight in the unreserved pool (§10 UnreservedConcurrentExecutions). */
export const UNRESERVED_CONCURRENT_EXECUTIONS = 'sluice_unreserved_concurrent_executions';
/** Counter {function}: invocations that had to start a new execution environment. */
export const COLD_STARTS = 'sluice_cold_starts_total';
