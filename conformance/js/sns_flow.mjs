// The SNS fan-out flow of the AWS SDK for JavaScript v3 developer guide's
// SNS examples (topics, subscriptions, publishing), with an SQS queue as
// the subscriber, run against ferry: SNS over the query protocol, SQS over
// AWS JSON 1.0.
//
// The endpoint comes from FERRY_ENDPOINT, credentials and region from the
// environment. The script prints one JSON object of what it observed (the Go
// test in conformance/ asserts on it) and exits 0, or prints the reason to
// stderr and exits 1 when a call that must succeed fails.

import { readFile } from "node:fs/promises";

import {
  CreateTopicCommand,
  DeleteTopicCommand,
  GetSubscriptionAttributesCommand,
  GetTopicAttributesCommand,
  ListSubscriptionsByTopicCommand,
  ListTopicsCommand,
  NotFoundException,
  PublishBatchCommand,
  PublishCommand,
  SetSubscriptionAttributesCommand,
  SNSClient,
  SubscribeCommand,
  UnsubscribeCommand,
} from "@aws-sdk/client-sns";
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";

const endpoint = process.env.FERRY_ENDPOINT;
if (!endpoint) {
  console.error("FERRY_ENDPOINT is not set");
  process.exit(1);
}

const sns = new SNSClient({ endpoint, maxAttempts: 1 });
const sqs = new SQSClient({ endpoint, maxAttempts: 1 });

async function receiveAll(QueueUrl, want) {
  const got = [];
  for (let i = 0; i < 5 && got.length < want; i++) {
    const out = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, MessageAttributeNames: ["All"] }),
    );
    got.push(...(out.Messages ?? []));
  }
  return got;
}

async function main() {
  const out = {};
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: "js-news", Attributes: { DisplayName: "News" } }));
  out.topicArn = TopicArn;
  out.topics = (await sns.send(new ListTopicsCommand({}))).Topics.map((t) => t.TopicArn);

  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "js-news-queue" }));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }));
  const queueArn = Attributes.QueueArn;
  await sqs.send(
    new SetQueueAttributesCommand({
      QueueUrl,
      Attributes: {
        Policy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Principal: { Service: "sns.amazonaws.com" },
              Action: "sqs:SendMessage",
              Resource: queueArn,
              Condition: { ArnEquals: { "aws:SourceArn": TopicArn } },
            },
          ],
        }),
      },
    }),
  );

  const sub = await sns.send(
    new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: queueArn, ReturnSubscriptionArn: true }),
  );
  out.subscriptionArn = sub.SubscriptionArn;
  out.subscriptionAttributes = (
    await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: sub.SubscriptionArn }))
  ).Attributes;

  const published = await sns.send(
    new PublishCommand({
      TopicArn,
      Subject: "Breaking",
      Message: "ferry speaks SNS",
      MessageAttributes: { section: { DataType: "String", StringValue: "tech" } },
    }),
  );
  out.messageId = published.MessageId;
  const [envelope] = await receiveAll(QueueUrl, 1);
  out.envelope = JSON.parse(envelope.Body);

  // Raw delivery with a filter: only sports comes through, with its attributes.
  await sns.send(
    new SetSubscriptionAttributesCommand({ SubscriptionArn: sub.SubscriptionArn, AttributeName: "RawMessageDelivery", AttributeValue: "true" }),
  );
  await sns.send(
    new SetSubscriptionAttributesCommand({
      SubscriptionArn: sub.SubscriptionArn,
      AttributeName: "FilterPolicy",
      AttributeValue: JSON.stringify({ section: ["sports"] }),
    }),
  );
  out.batch = await sns.send(
    new PublishBatchCommand({
      TopicArn,
      PublishBatchRequestEntries: [
        { Id: "tech", Message: "not for this subscriber", MessageAttributes: { section: { DataType: "String", StringValue: "tech" } } },
        { Id: "sports", Message: "goal", MessageAttributes: { section: { DataType: "String", StringValue: "sports" } } },
      ],
    }),
  );
  delete out.batch.$metadata;
  out.raw = (await receiveAll(QueueUrl, 2)).map((m) => ({ body: m.Body, section: m.MessageAttributes?.section?.StringValue }));

  out.listed = (await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn }))).Subscriptions.map((s) => s.Endpoint);
  out.topicAttributes = (await sns.send(new GetTopicAttributesCommand({ TopicArn }))).Attributes;
  await sns.send(new UnsubscribeCommand({ SubscriptionArn: sub.SubscriptionArn }));
  await sns.send(new DeleteTopicCommand({ TopicArn }));

  try {
    await sns.send(new PublishCommand({ TopicArn, Message: "gone" }));
    throw new Error("publishing to a deleted topic succeeded");
  } catch (err) {
    out.missingTopic = {
      name: err.name,
      fault: err.$fault,
      status: err.$metadata?.httpStatusCode,
      message: err.message,
      isNotFound: err instanceof NotFoundException,
    };
  }
  const pkg = JSON.parse(await readFile(new URL("./node_modules/@aws-sdk/client-sns/package.json", import.meta.url)));
  out.sdk = pkg.version;
  out.node = process.version;
  console.log(JSON.stringify(out));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
