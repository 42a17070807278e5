// Pure parts of the test-server harness (no servers started here).
import { describe, expect, it } from 'vitest';
import { connectionsBlock, serverEnv } from '../../services/connections.js';
import { uniqueFifoName, uniqueName } from '../../services/inject.js';
import { parseSelection } from '../../services/selection.js';
import { KAFKA_RELEASES, kafkaClusterId, kafkaRelease } from '../../services/servers/kafka.js';
import { rabbitmqNodeName, rabbitmqUrl } from '../../services/servers/rabbitmq.js';

describe('test-server harness', () => {
  it('selects all servers by default, none on opt-out, and a subset in canonical order', () => {
    expect(parseSelection('').names).toEqual([
      'kafka',
      'sqs',
      'dynamodb',
      'kinesis',
      'redis',
      'rabbitmq',
      'moto',
      'schemaregistry',
    ]);
    expect(parseSelection('all').none).toBe(false);
    expect(parseSelection(' NONE ')).toMatchObject({ names: [], none: true });
    expect(parseSelection('redis, sqs').names).toEqual(['sqs', 'redis']);
    expect(parseSelection('rabbitmq').names).toEqual(['rabbitmq']);
    expect(() => parseSelection('redis,sns')).toThrow(/unknown server\(s\) sns/);
  });

  it('makes Kafka cluster ids the storage tool cannot read as an option (none starts with "-")', () => {
    const ids = Array.from({ length: 5000 }, kafkaClusterId);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('SLUICE_KAFKA_VERSION picks Kafka 3.9 (default) or 4.x; anything else is refused', () => {
    expect(kafkaRelease('').version).toBe('3.9.1'); // unset (undefined would read this process's env: CI sets 4)
    expect(kafkaRelease(' 3 ')).toBe(KAFKA_RELEASES['3']);
    expect(kafkaRelease('4').version).toMatch(/^4\.\d+\.\d+$/);
    expect(kafkaRelease('4').dependencies).toContain(`org.apache.kafka:kafka_2.13:${kafkaRelease('4').version}`);
    expect(() => kafkaRelease('3.9')).toThrow(/use 3 .* or 4/);
  });

  it('prints a sluice connections block with region and letters-only dummy credentials', () => {
    const block = JSON.parse(
      connectionsBlock({ sqs: { endpoint: 'http://127.0.0.1:1' }, kafka: { brokers: ['127.0.0.1:2'] } }),
    ) as unknown;
    expect(block).toEqual({
      connections: {
        sqs: {
          endpoint: 'http://127.0.0.1:1',
          region: 'us-east-1',
          credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
        },
        kafka: { brokers: ['127.0.0.1:2'] },
      },
    });
  });

  it('exports the addresses as SLUICE_* variables for suites that read the environment', () => {
    expect(
      serverEnv({
        kafka: { brokers: ['127.0.0.1:1', '127.0.0.1:2'] },
        redis: { url: 'redis://127.0.0.1:3' },
        rabbitmq: { url: 'amqp://guest:guest@127.0.0.1:4' },
      }),
    ).toEqual({
      SLUICE_KAFKA_BROKERS: '127.0.0.1:1,127.0.0.1:2',
      SLUICE_REDIS_URL: 'redis://127.0.0.1:3',
      SLUICE_RABBITMQ_URL: 'amqp://guest:guest@127.0.0.1:4',
    });
  });

  it('gives each RabbitMQ node its own short node name and a loopback guest URL', () => {
    const a = rabbitmqNodeName();
    expect(a).toMatch(/^sluice-[0-9a-f]{8}@localhost$/);
    expect(a).not.toBe(rabbitmqNodeName());
    expect(rabbitmqUrl(5673)).toBe('amqp://guest:guest@127.0.0.1:5673');
  });

  it('makes unique names valid for queues, streams, tables and topics', () => {
    const a = uniqueName('q');
    expect(a).not.toBe(uniqueName('q'));
    expect(a).toMatch(/^[A-Za-z0-9_-]{3,80}$/);
    expect(uniqueFifoName('q')).toMatch(/^[A-Za-z0-9_-]+\.fifo$/);
  });
});
