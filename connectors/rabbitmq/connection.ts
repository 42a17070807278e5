// The named connection of a RabbitMQ mapping: one broker (or cluster endpoint) reached over AMQP 0-9-1 (RMQ-10).
import type { Options } from 'amqplib';
import { z } from 'zod';
import { parseConnection } from '../../src/ports/connector.js';

export const rabbitmqConnectionSchema = z.object({
  url: z
    .string()
    .regex(/^amqps?:\/\/[^/?#]+$/, 'amqp://user:pass@host:port or amqps://… (the virtual host goes in `vhost`)')
    .describe('amqp(s)://user:pass@host:port of the broker (Amazon MQ: its AMQPS endpoint, port 5671).'),
  vhost: z
    .string()
    .min(1)
    .optional()
    .describe('Virtual host when the mapping names none (SourceAccessConfigurations VIRTUAL_HOST); default "/".'),
  heartbeatSeconds: z
    .number()
    .int()
    .min(0)
    .max(600)
    .optional()
    .describe('AMQP heartbeat; a dead broker connection is noticed within about twice this (default 30, 0 = off).'),
});
export type RabbitmqConnection = z.output<typeof rabbitmqConnectionSchema>;

export const rabbitmqConnection = (connection: Record<string, unknown>): RabbitmqConnection =>
  parseConnection(rabbitmqConnectionSchema, 'rabbitmq', connection);

/** amqplib's connect options for a connection and virtual host (the URL never carries the vhost). */
export function connectOptions(c: RabbitmqConnection, vhost: string): Options.Connect {
  const u = new URL(c.url);
  const tls = u.protocol === 'amqps:';
  return {
    protocol: tls ? 'amqps' : 'amqp',
    hostname: u.hostname,
    port: u.port === '' ? (tls ? 5671 : 5672) : Number(u.port),
    username: decodeURIComponent(u.username || 'guest'),
    password: decodeURIComponent(u.password || 'guest'),
    vhost,
    heartbeat: c.heartbeatSeconds ?? 30,
  };
}
