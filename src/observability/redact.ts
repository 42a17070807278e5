// Log objects keep URLs' shape but never their secrets (the URL rules are in src/ports/redact.ts).
import { redactUrls } from '../ports/redact.js';

/** A copy of a log object with the URLs in its strings redacted (two levels deep; errors have their own serializer). */
export function redactLogFields(obj: Record<string, unknown>, depth = 2): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (typeof v === 'string') out[k] = redactUrls(v);
    else if (depth > 1 && v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Error))
      out[k] = redactLogFields(v as Record<string, unknown>, depth - 1);
    else out[k] = v;
  }
  return out;
}
