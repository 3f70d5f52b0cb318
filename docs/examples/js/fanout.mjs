// An SNS topic in account 111111111111 fanning out to an SQS queue in
// account 222222222222, with the AWS SDK for JavaScript v3 against ferry.
//
//   npm install && FERRY=http://localhost:4566 node fanout.mjs
//
// Each client's access key picks its account (a 12-digit key with the
// secret "test" is that account's root).

import { AddPermissionCommand, CreateTopicCommand, PublishCommand, SNSClient, SubscribeCommand } from "@aws-sdk/client-sns";
import { CreateQueueCommand, ReceiveMessageCommand, SetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";

const endpoint = process.env.FERRY ?? "http://localhost:4566";
const options = (account) => ({
  endpoint,
  region: "us-east-1",
  credentials: { accessKeyId: account, secretAccessKey: "test" },
});

const topicOwner = new SNSClient(options("111111111111"));
const queueOwnerSQS = new SQSClient(options("222222222222"));
const queueOwnerSNS = new SNSClient(options("222222222222"));

const { TopicArn } = await topicOwner.send(new CreateTopicCommand({ Name: "js-orders" }));
const { QueueUrl } = await queueOwnerSQS.send(new CreateQueueCommand({ QueueName: "js-billing" }));
const queueArn = "arn:aws:sqs:us-east-1:222222222222:js-billing";

// The queue lets the topic in; the topic lets the queue's account subscribe.
await queueOwnerSQS.send(
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
await topicOwner.send(
  new AddPermissionCommand({ TopicArn, Label: "billing", AWSAccountId: ["222222222222"], ActionName: ["Subscribe"] }),
);

// The queue's owner subscribes its own queue: confirmed at once.
const { SubscriptionArn } = await queueOwnerSNS.send(
  new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: queueArn, Attributes: { RawMessageDelivery: "true" } }),
);
console.log("subscribed:", SubscriptionArn);

await topicOwner.send(new PublishCommand({ TopicArn, Message: '{"order":7}' }));
const { Messages = [] } = await queueOwnerSQS.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 5 }));
for (const m of Messages) console.log("received:", m.Body);
