"""An SNS topic in account 111111111111 fanning out to an SQS queue in
account 222222222222, with boto3 against ferry.

    FERRY=http://localhost:4566 python3 fanout.py

Each client's access key picks its account (a 12-digit key with the secret
"test" is that account's root).
"""

import json
import os

import boto3

ENDPOINT = os.environ.get("FERRY", "http://localhost:4566")


def client(service, account):
    return boto3.client(
        service,
        endpoint_url=ENDPOINT,
        region_name="us-east-1",
        aws_access_key_id=account,
        aws_secret_access_key="test",
    )


topic_owner = client("sns", "111111111111")
queue_owner_sqs = client("sqs", "222222222222")
queue_owner_sns = client("sns", "222222222222")
print("boto3", boto3.__version__, "speaks", queue_owner_sqs.meta.service_model.protocol, "to SQS,",
      topic_owner.meta.service_model.protocol, "to SNS")

topic_arn = topic_owner.create_topic(Name="py-orders")["TopicArn"]
queue_url = queue_owner_sqs.create_queue(QueueName="py-billing")["QueueUrl"]
queue_arn = queue_owner_sqs.get_queue_attributes(
    QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]

# The queue lets the topic in; the topic lets the queue's account subscribe.
queue_owner_sqs.set_queue_attributes(QueueUrl=queue_url, Attributes={"Policy": json.dumps({
    "Version": "2012-10-17",
    "Statement": [{
        "Effect": "Allow",
        "Principal": {"Service": "sns.amazonaws.com"},
        "Action": "sqs:SendMessage",
        "Resource": queue_arn,
        "Condition": {"ArnEquals": {"aws:SourceArn": topic_arn}},
    }],
})})
topic_owner.add_permission(TopicArn=topic_arn, Label="billing", AWSAccountId=["222222222222"],
                           ActionName=["Subscribe"])

# The queue's owner subscribes its own queue: confirmed at once.
sub = queue_owner_sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn,
                                Attributes={"RawMessageDelivery": "true"})
print("subscribed:", sub["SubscriptionArn"])

topic_owner.publish(TopicArn=topic_arn, Message='{"order": 7}',
                    MessageAttributes={"kind": {"DataType": "String", "StringValue": "order"}})
out = queue_owner_sqs.receive_message(QueueUrl=queue_url, WaitTimeSeconds=5,
                                      MessageAttributeNames=["All"])
for m in out.get("Messages", []):
    print("received:", m["Body"], m["MessageAttributes"]["kind"]["StringValue"])
