// The `functions` entries of the config file: runtime, code, limits, async settings (PutFunctionEventInvokeConfig's
// names), environment and logging, with Lambda's names, ranges and defaults.
import { z } from 'zod';
import { RUNTIME_NAMES, runtimeNameProblem } from './runtime-names.js';
import { destination, httpUrl, int } from './schema-kit.js';

const eventInvokeConfig = z
  .object({
    MaximumRetryAttempts: int().min(0).max(2).default(2).describe('ASY-5: retries after a function error.'),
    MaximumEventAgeInSeconds: int().min(60).max(21600).default(21600).describe('ASY-7.'),
    DestinationConfig: z
      .object({ OnSuccess: destination.optional(), OnFailure: destination.optional() })
      .strict()
      .optional(),
  })
  .strict();

export const functionSchema = z
  .object({
    Runtime: z
      .enum(RUNTIME_NAMES, { error: (issue) => runtimeNameProblem(issue.input) })
      .default('nodejs')
      .describe(
        'nodejs: a child process (or worker thread) per environment (nodejs24.x, nodejs22.x and nodejs20.x are ' +
          'aliases); http: POST to Url; lambda: a Lambda-API endpoint; provided.*: CodeUri/bootstrap over the Runtime API; ' +
          'python3.x: awslambdaric (runtimes.python.interpreter); java21/java17: the Java client (runtimes.java).',
      ),
    Isolation: z
      .enum(['process', 'worker'])
      .optional()
      .describe(
        'nodejs: "process" runs each environment in a child process; "worker" in a worker thread of the service ' +
          '(faster, but it shares the service process: see the README). Default runtimes.nodejs.isolation.',
      ),
    Handler: z.string().optional().describe('nodejs: "path/to/module.export", relative to CodeUri or the config file.'),
    CodeUri: z.string().optional().describe('nodejs: directory the Handler path is relative to.'),
    Url: httpUrl().optional().describe('http: the endpoint the event is POSTed to.'),
    Connection: z
      .string()
      .optional()
      .describe(
        'lambda: a connection of type lambda (endpoint, region, credentials); default the one named "lambda", or the only one.',
      ),
    RemoteFunctionName: z.string().optional().describe('lambda: the remote function name; default the local name.'),
    Qualifier: z.string().optional(),
    Role: z
      .string()
      .regex(/^arn:aws[\w-]*:iam::\d{12}:role\/.+$/, 'an IAM role ARN: arn:aws:iam::<12 digits>:role/<name>')
      .optional()
      .describe(
        'Reported by GetFunction (FN-14); sluice assumes no role. Default arn:aws:iam::<accountId>:role/sluice.',
      ),
    Description: z.string().max(256).optional().describe('Reported by GetFunction (FN-14).'),
    Timeout: int().min(1).max(900).default(3).describe('Seconds (ERR-4).'),
    MemorySize: int()
      .min(128)
      .max(10240)
      .default(128)
      .describe('MB; nodejs: the heap limit, and the resident memory at which a child-process environment is killed.'),
    Environment: z
      .object({ Variables: z.record(z.string(), z.string()).default({}) })
      .strict()
      .optional(),
    ReservedConcurrentExecutions: int().min(0).optional().describe('CON-2; 0 = always throttled.'),
    EventInvokeConfig: eventInvokeConfig.optional(),
    DeadLetterConfig: z
      .object({ TargetArn: z.string().min(1) })
      .strict()
      .optional(),
    AwsConnections: z
      .array(z.string().min(1))
      .max(4)
      .optional()
      .describe(
        'sqs/kinesis/dynamodb/lambda connections whose endpoint (AWS_ENDPOINT_URL_<SERVICE>) and static keys the function gets, for handlers using the AWS SDK against the same servers.',
      ),
    LoggingConfig: z
      .object({
        LogFormat: z.enum(['Text', 'JSON']).default('Text'),
        ApplicationLogLevel: z.enum(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL']).optional(),
        SystemLogLevel: z.enum(['DEBUG', 'INFO', 'WARN']).optional(),
        LogGroup: z.string().min(1).max(512).optional(),
      })
      .strict()
      .optional()
      .describe(
        'nodejs: the console format (JSON: one object per line, filtered by ApplicationLogLevel). Log levels need JSON.',
      ),
  })
  .strict();
