export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

export const MAIN_HELP = `sluice — AWS Lambda event source mappings and async invocation for any infrastructure

Usage: sluice <command> [options]

Commands:
  start          run the service (Invoke API, mappings, async queue)
  validate       check a config file and list every problem with its line:column
  import         write a config from a SAM/CloudFormation template or a serverless.yml
  test-pattern   try a filter pattern against records, or a mapping's live records (--mapping)
  peek           show what a memory queue (a DLQ too) or stream of a running sluice holds
  shards         show a stream mapping's shards, or skip/pause/resume one (operator controls)
  redrive        replay the messages of a failure destination (DLQ) to a function or back to their queue
  schema         print the JSON Schema of the config file

Options:
  -h, --help     show help (also after a command: sluice start --help)
  -v, --version  print the version

Exit codes:
  0  success (validate: config is valid)
  1  runtime failure (could not start, a server failed)
  2  invalid config or invalid usage (problems are printed on stderr)
`;

export const START_HELP = `Usage: sluice start [--config FILE | --template FILE [import options]] [--watch] [--workers N]

Starts sluice with the config file (default: config/sluice.json). The service never starts on an invalid
config: every problem is printed on stderr with its file:line:column and path and the exit code is 2.
SIGTERM or SIGINT drains: polling stops, in-flight work finishes within server.shutdownGraceSeconds,
checkpoints are flushed, connections close, exit 0.
SIGHUP reloads the config file: functions and mappings added, changed or removed are applied (a changed
mapping finishes its in-flight batches and keeps its UUID and positions); an invalid file is refused and
the running config stays; server and state settings need a restart.

Options:
  -c, --config FILE   config file (JSON with comments, or YAML: .yaml/.yml)
  --template FILE     a SAM/CloudFormation template or serverless.yml, imported in memory (options: sluice import --help)
  -w, --watch         reload the config (or template) when its file changes, and a nodejs function's code when a
                      file under its code directory changes (node_modules and dotfiles ignored)
  --workers N         run N processes behind one HTTP port and one /metrics (default server.workers, else one per
                      core when state.type is redis, else 1); a worker that dies is started again
  -h, --help          show this help
`;

export const VALIDATE_HELP = `Usage: sluice validate [--config FILE]

Checks a config file without connecting to anything, and that each nodejs function's Handler names a
module file. Prints "valid" and exits 0, or prints every problem with its file:line:column and path on
stderr and exits 2. Warnings (e.g. filter operators AWS Lambda may reject) are printed but do not fail
validation. Not checked: handler exports, and whether sources and endpoints are reachable.

Options:
  -c, --config FILE   config file (JSON with comments, or YAML: .yaml/.yml)
  -h, --help          show this help
`;

export const IMPORT_HELP = `Usage: sluice import TEMPLATE [-o FILE] [options]

Translates a SAM or CloudFormation template (YAML or JSON) or a serverless.yml into a sluice config: functions,
event source mappings (SAM Events, AWS::Lambda::EventSourceMapping, serverless sqs/stream/kafka/msk/rabbitmq
events), async settings and dead-letter queues. Queues, streams and tables become ARNs in --region and
--account-id, reached through connections to the endpoints below. What is not translated is listed on stderr
with its template path. The config is checked as \`sluice validate\` would (exit 2 when invalid).

Options:
  -o, --output FILE           write the config there (default: stdout)
  -p, --parameter KEY=VALUE   a template parameter (repeatable; others take their Default)
  --option KEY=VALUE          a serverless \${opt:KEY} value (repeatable); --stage S is --option stage=S
  --stack-name NAME           names of resources without one are NAME-<LogicalId> (default: the file's name)
  --region R, --account-id N  where ARNs point (default us-east-1, 000000000000)
  --sqs-endpoint URL          default http://127.0.0.1:9324 (ElasticMQ)
  --kinesis-endpoint URL      default http://127.0.0.1:4567 (kinesalite)
  --dynamodb-endpoint URL     default http://127.0.0.1:8000 (DynamoDB Local)
  --kafka-brokers H:P,...     default 127.0.0.1:9092
  --rabbitmq-url URL          default amqp://guest:guest@127.0.0.1:5672
  --sns-endpoint URL, --eventbridge-endpoint URL, --s3-endpoint URL
                              destinations only; default http://127.0.0.1:5000 (moto)
  --port N                    the Invoke API's port (server.port; default 9001)
  --create-resources          create the template's SQS queues (RedrivePolicy, FIFO), Kinesis streams, DynamoDB
                              tables with streams, SNS topics, EventBridge buses, S3 buckets and the mappings'
                              Kafka topics on those endpoints (idempotent)
  -h, --help                  show this help
`;

export const PEEK_HELP = `Usage: sluice peek memory://queue/NAME | memory://stream/NAME [--url URL] [--limit N] [--token T]

Prints what an in-memory queue (a dead-letter queue too) or stream of a running sluice holds, as JSON, without
receiving anything: a queue's messages with their receive counts and visibility, a stream's last records per shard.

Options:
  --url URL     the running sluice (default $SLUICE_URL, else http://127.0.0.1:9001)
  --limit N     messages, or records per shard (1-1000, default 10)
  --token T     bearer token when the server needs one (default $SLUICE_TOKEN)
  -h, --help    show this help
`;

export const SHARDS_HELP = `Usage: sluice shards MAPPING [skip SHARD | park SHARD DESTINATION | seek SHARD TO [--force]
                     | pause [SHARD] | resume [SHARD] | command ID] [--url URL] [--token T] [--by NAME]

Without an action: every shard of the stream mapping (UUID) as JSON, across the sluice processes sharing its state
store: owner, checkpoint, last read, lanes (running, retrying, blocked), the failing batch, tumbling windows.
skip SHARD     gives the shard's failing batch up now: to the on-failure destination (condition OperatorSkipped,
               who and when in the record), counted as dropped without one; the shard moves on
park SHARD DESTINATION
               the same, to DESTINATION (a configured destination address) instead
seek SHARD TO  resume after position TO (digits: sequence number, Kafka offset) or at timestamp TO (ISO-8601);
               never backwards (nor by timestamp) without --force; Kinesis, DynamoDB Streams and Kafka (the
               partition's owner moves the group offset)
pause/resume   one shard, or the whole mapping without SHARD: nothing new is read or invoked while paused
command ID     the result of an earlier action (actions are carried out by the process that owns the shard)

Options:
  --url URL     the running sluice (default $SLUICE_URL, else http://127.0.0.1:9001)
  --token T     bearer token when the server needs one (default $SLUICE_TOKEN)
  --by NAME     who asks, written into a skipped batch's failure record (default $USER)
  --force       seek: allow moving backwards
  -h, --help    show this help
`;

export const REDRIVE_HELP = `Usage: sluice redrive --from DESTINATION --to FUNCTION|QUEUE [--rate N/s] [--dry-run] [--max N]
                      [--no-wait] [--url URL] [--token T] [--by NAME]
       sluice redrive --status ID [--url URL] [--token T]

Replays the messages of a failure destination (an SQS queue or a memory queue) through a running sluice:
  --to FUNCTION  async invocation records (OnFailure) re-invoke the function asynchronously with their
                 requestPayload; stream on-failure records (Kinesis, DynamoDB Streams) have their records read back
                 from the stream while it retains them and the function invoked with the mapping's event; any other
                 message (an async DLQ's) is invoked asynchronously as the payload
  --to QUEUE     moves the messages to the queue (the source queue of an SQS DLQ), body and attributes kept, like
                 SQS StartMessageMoveTask
A message leaves DESTINATION only after it was replayed; failed and skipped ones stay. One redrive per DESTINATION
runs at a time across the processes sharing the state store. Progress goes to stderr, the report (counts replayed,
failed, skipped and why) to stdout as JSON; exit 1 when a message failed.

Options:
  --rate N       at most N replays a second (also N/s)
  --dry-run      list what would be replayed; nothing is moved or invoked
  --max N        look at N messages at most
  --no-wait      print the started task (its id) and return; --status ID shows it later
  --url URL      the running sluice (default $SLUICE_URL, else http://127.0.0.1:9001)
  --token T      bearer token when the server needs one (default $SLUICE_TOKEN)
  --by NAME      who asks, for the logs (default $USER)
  -h, --help     show this help
`;
