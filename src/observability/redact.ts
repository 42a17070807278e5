// Destination and connection URLs may carry secrets (user:password@, ?token=…). Logs keep the URL's
// shape but never those parts.

const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>]+/gi;

/** `https://user:pw@host/p?token=x&a=1` → `https://[redacted]@host/p?token=[redacted]&a=[redacted]`. */
export function redactUrl(url: string): string {
  return url
    .replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#@]*@/i, '$1[redacted]@')
    .replace(/([?&][^=&#]*=)[^&#]*/g, '$1[redacted]');
}

/** Redacts every URL inside free text (error messages, stack traces). */
export function redactUrls(text: string): string {
  return text.replace(URL_IN_TEXT, redactUrl);
}

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
