"""The flow of AWS's "Amazon SNS examples using SDK for Python (Boto3)": a
topic, an SQS queue subscribed to it, publishing with attributes, a filter
policy and raw delivery, run against ferry.

The endpoint comes from FERRY_ENDPOINT; credentials and region come from the
environment. The script prints one JSON object of what it observed (the Go
test in conformance/ asserts on it) and exits 0, or prints the reason to
stderr and exits 1 when a call that must succeed fails.
"""

import json
import os

import boto3
import botocore
from botocore.config import Config
from botocore.exceptions import ClientError

ENDPOINT = os.environ["FERRY_ENDPOINT"]
CONFIG = Config(retries={"max_attempts": 1}, connect_timeout=5, read_timeout=30)

sns = boto3.resource("sns", endpoint_url=ENDPOINT, config=CONFIG)
sqs = boto3.resource("sqs", endpoint_url=ENDPOINT, config=CONFIG)


def receive(queue, want):
    got = []
    for _ in range(5):
        if len(got) >= want:
            break
        got += queue.receive_messages(MaxNumberOfMessages=10, WaitTimeSeconds=1, MessageAttributeNames=["All"])
    for m in got:
        m.delete()
    return got


def main():
    out = {"boto3": boto3.__version__, "botocore": botocore.__version__}
    topic = sns.create_topic(Name="py-orders", Attributes={"DisplayName": "Orders"})
    out["topicArn"] = topic.arn
    queue = sqs.create_queue(QueueName="py-orders-queue")
    queue_arn = queue.attributes["QueueArn"]
    queue.set_attributes(Attributes={"Policy": json.dumps({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Service": "sns.amazonaws.com"},
            "Action": "sqs:SendMessage",
            "Resource": queue_arn,
            "Condition": {"ArnEquals": {"aws:SourceArn": topic.arn}},
        }],
    })})
    subscription = topic.subscribe(Protocol="sqs", Endpoint=queue_arn, ReturnSubscriptionArn=True)
    out["subscriptionArn"] = subscription.arn
    out["pending"] = subscription.attributes["PendingConfirmation"]

    published = topic.publish(Subject="New order", Message="order 7",
                              MessageAttributes={"kind": {"DataType": "String", "StringValue": "order"}})
    out["messageId"] = published["MessageId"]
    [m] = receive(queue, 1)
    out["envelope"] = json.loads(m.body)

    subscription.set_attributes(AttributeName="RawMessageDelivery", AttributeValue="true")
    subscription.set_attributes(AttributeName="FilterPolicy", AttributeValue=json.dumps({"kind": ["refund"]}))
    topic.publish(Message="order 8", MessageAttributes={"kind": {"DataType": "String", "StringValue": "order"}})
    topic.publish(Message="refund 9", MessageAttributes={"kind": {"DataType": "String", "StringValue": "refund"}})
    out["raw"] = [{"body": m.body, "kind": m.message_attributes["kind"]["StringValue"]} for m in receive(queue, 1)]

    out["subscriptions"] = [s.arn for s in topic.subscriptions.all()]
    subscription.delete()
    topic.delete()
    try:
        sns.meta.client.publish(TopicArn=topic.arn, Message="gone")
        raise SystemExit("publishing to a deleted topic succeeded")
    except ClientError as err:
        out["missingTopic"] = {
            "code": err.response["Error"]["Code"],
            "message": err.response["Error"]["Message"],
            "status": err.response["ResponseMetadata"]["HTTPStatusCode"],
            "isNotFound": isinstance(err, sns.meta.client.exceptions.NotFoundException),
        }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
