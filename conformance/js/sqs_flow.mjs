// The core SQS flow of the AWS SDK for JavaScript v3 developer guide's SQS
// examples, run against ferry over AWS JSON 1.0.
//
// The endpoint comes from FERRY_ENDPOINT, credentials and region from the
// environment. The script prints one JSON object of what it observed (the Go
// test in conformance/ asserts on it) and exits 0, or prints the reason to
// stderr and exits 1 when a call that must succeed fails.

import { readFile } from "node:fs/promises";

import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueuesCommand,
  QueueDoesNotExist,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";

const endpoint = process.env.FERRY_ENDPOINT;
if (!endpoint) {
  console.error("FERRY_ENDPOINT is not set");
  process.exit(1);
}

const client = new SQSClient({ endpoint, maxAttempts: 1 });

// printable turns SDK output into JSON: binary values become base64 and the
// SDK's $metadata is dropped.
function printable(value) {
  if (value instanceof Uint8Array) return Buffer.from(value).toString("base64");
  if (Array.isArray(value)) return value.map(printable);
  if (value && typeof value === "object") {
    const out = {};
    for (const [k, v] of Object.entries(value)) {
      if (k !== "$metadata") out[k] = printable(v);
    }
    return out;
  }
  return value;
}

// errorOf runs a call that must fail and describes how the SDK reported it.
async function errorOf(call) {
  try {
    await call();
  } catch (err) {
    return {
      name: err.name,
      code: err.Code ?? null,
      type: err.Type ?? null,
      fault: err.$fault,
      status: err.$metadata?.httpStatusCode,
      message: err.message,
      isQueueDoesNotExist: err instanceof QueueDoesNotExist,
    };
  }
  throw new Error("call succeeded, want an error");
}

async function receiveAll(QueueUrl, want) {
  const got = [];
  for (let i = 0; i < 5 && got.length < want; i++) {
    const out = await client.send(
      new ReceiveMessageCommand({
        QueueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        MessageAttributeNames: ["All"],
        MessageSystemAttributeNames: ["All"],
      }),
    );
    got.push(...(out.Messages ?? []));
  }
  return got;
}

async function standardFlow() {
  const out = {};
  const { QueueUrl } = await client.send(
    new CreateQueueCommand({ QueueName: "js-orders", Attributes: { VisibilityTimeout: "60" } }),
  );
  out.queueUrl = QueueUrl;
  out.getQueueUrl = (await client.send(new GetQueueUrlCommand({ QueueName: "js-orders" }))).QueueUrl;
  out.listQueues = (await client.send(new ListQueuesCommand({ QueueNamePrefix: "js-" }))).QueueUrls ?? [];

  out.send = printable(
    await client.send(
      new SendMessageCommand({
        QueueUrl,
        MessageBody: "Information about the largest city in Any Region.",
        DelaySeconds: 0,
        MessageAttributes: {
          Title: { DataType: "String", StringValue: "The Whistler" },
          Author: { DataType: "String", StringValue: "John Grisham" },
          WeeksOn: { DataType: "Number", StringValue: "6" },
          Cover: { DataType: "Binary", BinaryValue: new Uint8Array([0, 1, 2, 255]) },
        },
      }),
    ),
  );
  out.sendBatch = printable(
    await client.send(
      new SendMessageBatchCommand({
        QueueUrl,
        Entries: [
          { Id: "one", MessageBody: "batch one" },
          {
            Id: "two",
            MessageBody: "batch two \u00e9\u{1F6A2}",
            MessageAttributes: { Seq: { DataType: "Number", StringValue: "2" } },
          },
        ],
      }),
    ),
  );

  const received = await receiveAll(QueueUrl, 3);
  out.received = printable(received);

  // Visibility 0 returns "batch one" to the queue at once.
  const one = received.find((m) => m.Body === "batch one");
  await client.send(
    new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: one.ReceiptHandle, VisibilityTimeout: 0 }),
  );
  const again = await client.send(
    new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1, MessageSystemAttributeNames: ["All"] }),
  );
  out.again = printable(again.Messages ?? []);

  const first = received.find((m) => m.Body.startsWith("Information"));
  await client.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: first.ReceiptHandle }));
  const handles = [
    ...(again.Messages ?? []).map((m) => m.ReceiptHandle),
    received.find((m) => m.Body.startsWith("batch two")).ReceiptHandle,
  ];
  out.deleteBatch = printable(
    await client.send(
      new DeleteMessageBatchCommand({
        QueueUrl,
        Entries: handles.map((h, i) => ({ Id: `m${i}`, ReceiptHandle: h })),
      }),
    ),
  );
  out.badHandle = printable(
    await client.send(
      new DeleteMessageBatchCommand({ QueueUrl, Entries: [{ Id: "bogus", ReceiptHandle: "not-a-receipt-handle" }] }),
    ),
  );
  out.attributes = (
    await client.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["All"] }))
  ).Attributes;

  await client.send(new DeleteQueueCommand({ QueueUrl }));
  out.afterDelete = await errorOf(() =>
    client.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 0 })),
  );
  return out;
}

async function fifoFlow() {
  const out = {};
  const { QueueUrl } = await client.send(
    new CreateQueueCommand({
      QueueName: "js-events.fifo",
      Attributes: { FifoQueue: "true", ContentBasedDeduplication: "true" },
    }),
  );
  out.queueUrl = QueueUrl;
  out.batch = printable(
    await client.send(
      new SendMessageBatchCommand({
        QueueUrl,
        Entries: [1, 2, 3].map((i) => ({ Id: `e${i}`, MessageBody: `event ${i}`, MessageGroupId: "stream" })),
      }),
    ),
  );
  out.duplicate = printable(
    await client.send(new SendMessageCommand({ QueueUrl, MessageBody: "event 1", MessageGroupId: "stream" })),
  );
  out.received = printable(await receiveAll(QueueUrl, 3));
  out.missingGroup = await errorOf(() => client.send(new SendMessageCommand({ QueueUrl, MessageBody: "x" })));
  await client.send(new DeleteQueueCommand({ QueueUrl }));
  return out;
}

async function errorsFlow() {
  const out = {};
  out.missingQueue = await errorOf(() => client.send(new GetQueueUrlCommand({ QueueName: "js-missing" })));
  const wrong = new SQSClient({
    endpoint,
    maxAttempts: 1,
    credentials: { accessKeyId: process.env.AWS_ACCESS_KEY_ID, secretAccessKey: "not-the-secret" },
  });
  out.wrongSecret = await errorOf(() => wrong.send(new ListQueuesCommand({})));
  return out;
}

async function main() {
  const pkg = JSON.parse(
    await readFile(new URL("./node_modules/@aws-sdk/client-sqs/package.json", import.meta.url), "utf8"),
  );
  const results = { sdk: pkg.version, node: process.version };
  for (const [name, flow] of [
    ["standard", standardFlow],
    ["fifo", fifoFlow],
    ["errors", errorsFlow],
  ]) {
    try {
      results[name] = await flow();
    } catch (err) {
      console.error(`${name}: ${err.name}: ${err.message}`);
      if (err.$response) console.error(JSON.stringify(err.$response, null, 1));
      process.exit(1);
    }
  }
  console.log(JSON.stringify(results));
}

await main();
