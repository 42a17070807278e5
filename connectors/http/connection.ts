// The settings of an http connection: which destination URLs it covers and the headers (tokens) sent to them.
import { z } from 'zod';

export const httpConnectionSchema = z.object({
  baseUrl: z
    .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
    .optional()
    .describe(
      'HTTP destinations under this URL use this connection; its headers go nowhere else. Required with headers.',
    ),
  headers: z.record(z.string(), z.string()).optional(),
});

export type HttpConnection = z.output<typeof httpConnectionSchema>;

/** Rules the schema cannot say, as [key, message] pairs. */
export function httpConnectionProblems(connection: Record<string, unknown>): Array<[string, string]> {
  return connection.headers !== undefined && connection.baseUrl === undefined
    ? [['baseUrl', 'required with headers: the headers are sent only to URLs under this base URL']]
    : [];
}
