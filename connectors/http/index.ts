// http(s):// URLs as destinations (async OnSuccess/OnFailure, DLQs, stream on-failure), reached through `http`
// connections. A connection's headers go only to URLs under its own baseUrl (#14): the connection is chosen by the
// URL, checked at config time, over the API, and again when the destination is made.
import type { ConnectorDefinition } from '../../src/ports/connector.js';
import { configDestinationProblem, httpConnectionFor, isUnderBaseUrl } from './base-url.js';
import { httpConnectionProblems, httpConnectionSchema, type HttpConnection } from './connection.js';
import { httpDestination } from './destination.js';

export { httpConnectionFor, isUnderBaseUrl } from './base-url.js';
export { httpDestination } from './destination.js';

const HTTP = /^https?:\/\/.+/;

export const httpConnector: ConnectorDefinition = {
  kind: 'http',
  matches: (a) => HTTP.test(a),
  isDestination: (a) => HTTP.test(a),
  connectionSchema: httpConnectionSchema,
  connectionProblems: httpConnectionProblems,
  connectionExample: '{"type": "http"}',
  destinationHint: "an http(s) URL under an http connection's baseUrl",
  destinationConnection: (url, connections) => httpConnectionFor(connections.all, url)?.connection,
  configDestinationProblem: (url, connections) => configDestinationProblem(connections.all, url),
  apiDestinationProblem: (url, ctx) =>
    httpConnectionFor(ctx.connections.all, url) === undefined
      ? "is not under the baseUrl of any http connection (a connection's headers go only to its own baseUrl)"
      : undefined,
  createDestination(url, ctx) {
    const c = ctx.connection as HttpConnection;
    // Checked again here, not only where the connection was chosen.
    const covered = c.baseUrl !== undefined && isUnderBaseUrl(url, c.baseUrl);
    return httpDestination(url, covered ? (c.headers ?? {}) : {});
  },
};
