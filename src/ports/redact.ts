// Destination and connection URLs may carry secrets (user:password@, ?token=…). Logs and error messages keep the
// URL's shape but never those parts. Here so connectors redact the same way as the logger.

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
