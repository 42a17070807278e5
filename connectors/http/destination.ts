// An HTTP(S) endpoint as a destination: the record is POSTed as JSON; any non-2xx answer is a failed
// delivery (the caller retries and counts it).
import { redactUrl } from '../../src/ports/redact.js';
import { bodyOf, type Destination } from '../../src/ports/sources.js';

export function httpDestination(url: string, headers: Record<string, string> = {}): Destination {
  return {
    arn: url,
    async send(record, ctx) {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Sluice-Function': ctx.functionName, ...headers },
        body: bodyOf(record),
        signal: AbortSignal.timeout(30_000),
      });
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`destination ${redactUrl(url)} answered ${res.status}`);
    },
    close: () => Promise.resolve(),
  };
}
