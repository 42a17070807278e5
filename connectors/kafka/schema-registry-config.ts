// SchemaRegistryConfig of a Kafka mapping (SR-1..SR-7): the mapping field, what it compiles to, and how Get shows it.
// Credentials never sit in the mapping: AccessConfigs name Secrets Manager ARNs, so sluice takes the registry's
// username/password from the Kafka connection's `schemaRegistry` (as the broker's own SASL credentials are).
import { z } from 'zod';

const ACCESS_TYPES = ['BASIC_AUTH', 'CLIENT_CERTIFICATE_TLS_AUTH', 'SERVER_ROOT_CA_CERTIFICATE'] as const;
const GLUE_ARN = /^arn:[\w-]+:glue:/;

export const schemaRegistryConfigSchema = z
  .object({
    SchemaRegistryURI: z
      .string()
      .min(1)
      .max(10_000)
      .regex(/^[a-zA-Z0-9-/*:_+=.@-]*$/, 'a registry URL (Confluent) or a Glue registry ARN (SR-3)'),
    AccessConfigs: z
      .array(z.object({ Type: z.enum(ACCESS_TYPES), URI: z.string().min(1) }).strict())
      .max(2)
      .optional()
      .describe('Accepted as Lambda takes them; the credentials come from the kafka connection\'s "schemaRegistry".'),
    EventRecordFormat: z.enum(['JSON', 'SOURCE']).optional(),
    SchemaValidationConfigs: z
      .array(z.object({ Attribute: z.enum(['KEY', 'VALUE']) }).strict())
      .min(1)
      .max(2)
      .optional(),
  })
  .strict()
  .describe('Kafka schema registry (SR-1): records are validated and decoded before filtering and batching.');

export type SchemaRegistryConfig = z.output<typeof schemaRegistryConfigSchema>;

/** What a Kafka source decodes with (compiled from SchemaRegistryConfig). */
export interface SchemaRegistrySettings {
  uri: string;
  format: 'JSON' | 'SOURCE';
  key: boolean;
  value: boolean;
  /** As given, for GetEventSourceMapping. */
  accessConfigs?: SchemaRegistryConfig['AccessConfigs'];
}

/** The connection's part: credentials for the registry (BASIC_AUTH). */
export const schemaRegistryConnectionSchema = z
  .object({ username: z.string(), password: z.string() })
  .strict()
  .optional()
  .describe('Schema registry credentials (HTTP basic auth) for mappings with SchemaRegistryConfig BASIC_AUTH.');

export function checkSchemaRegistry(c: SchemaRegistryConfig | undefined, at: string): Array<[string, string]> {
  if (c === undefined) return [];
  const problems: Array<[string, string]> = [];
  if (GLUE_ARN.test(c.SchemaRegistryURI))
    problems.push([
      `${at}.SchemaRegistryURI`,
      'AWS Glue Schema Registry is not supported by sluice: give a Confluent-compatible registry URL (http(s)://…)',
    ]);
  else if (!/^https?:\/\/[^/]/.test(c.SchemaRegistryURI))
    problems.push([`${at}.SchemaRegistryURI`, 'must be an http(s):// registry URL (Confluent-compatible, SR-3)']);
  const attributes = (c.SchemaValidationConfigs ?? []).map((v) => v.Attribute);
  if (new Set(attributes).size !== attributes.length)
    problems.push([`${at}.SchemaValidationConfigs`, 'KEY and VALUE may each be listed once']);
  return problems;
}

export function compileSchemaRegistry(c: SchemaRegistryConfig | undefined): SchemaRegistrySettings | undefined {
  if (c === undefined) return undefined;
  const attributes = new Set((c.SchemaValidationConfigs ?? [{ Attribute: 'VALUE' }]).map((v) => v.Attribute));
  return {
    uri: c.SchemaRegistryURI,
    format: c.EventRecordFormat ?? 'JSON',
    key: attributes.has('KEY'),
    value: attributes.has('VALUE'),
    ...(c.AccessConfigs === undefined ? {} : { accessConfigs: c.AccessConfigs }),
  };
}

export function renderSchemaRegistry(s: SchemaRegistrySettings): SchemaRegistryConfig {
  const attributes: Array<{ Attribute: 'KEY' | 'VALUE' }> = [];
  if (s.key) attributes.push({ Attribute: 'KEY' });
  if (s.value) attributes.push({ Attribute: 'VALUE' });
  return {
    SchemaRegistryURI: s.uri,
    ...(s.accessConfigs === undefined ? {} : { AccessConfigs: s.accessConfigs }),
    EventRecordFormat: s.format,
    SchemaValidationConfigs: attributes,
  };
}

/** SR-2: the mapping's SchemaRegistryConfig paths (self-managed or MSK form), which need provisioned mode. */
export function schemaRegistryPaths(m: Readonly<Record<string, unknown>>): string[] {
  return ['SelfManagedKafkaEventSourceConfig', 'AmazonManagedKafkaEventSourceConfig'].flatMap((k) => {
    const own = m[k];
    return typeof own === 'object' &&
      own !== null &&
      (own as Record<string, unknown>).SchemaRegistryConfig !== undefined
      ? [`${k}.SchemaRegistryConfig`]
      : [];
  });
}
