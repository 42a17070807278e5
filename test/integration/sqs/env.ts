import { servers } from '../../services/inject.js';

/** The ElasticMQ the harness started for this run (fails loudly when it was not started). */
export function sqsEndpoint(): string {
  return servers().sqs.endpoint;
}
