"""The flows of AWS's "Amazon SQS examples using SDK for Python (Boto3)",
run against ferry.

The endpoint comes from FERRY_ENDPOINT; credentials and region come from the
environment, as the article's code expects. The script prints one JSON object
of what it observed (the Go test in conformance/ asserts on it) and exits 0,
or prints the reason to stderr and exits 1 when a call that must succeed
fails.

Lines with markup and text beyond ASCII travel as message bodies below, like
every other line of this file: <queue name="a&b"> café ✓ ü 東京 "quoted" 'single'
	a line that starts with a tab, and one with trailing spaces:   
"""

import base64
import hashlib
import json
import os
import sys
import threading
import time

import boto3
import botocore
from botocore.config import Config
from botocore.exceptions import ClientError

ENDPOINT = os.environ["FERRY_ENDPOINT"]
CONFIG = Config(retries={"max_attempts": 1}, connect_timeout=5, read_timeout=60)

sqs = boto3.resource("sqs", endpoint_url=ENDPOINT, config=CONFIG)
client = sqs.meta.client


def jsonable(value):
    """Makes a boto3 response printable as JSON (bytes become base64)."""
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items() if k != "ResponseMetadata"}
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    return value


def error_of(call):
    """Runs call, which must fail with a ClientError, and describes the error."""
    try:
        call()
    except ClientError as error:
        return {
            "code": error.response["Error"]["Code"],
            "message": error.response["Error"].get("Message", ""),
            "status": error.response["ResponseMetadata"].get("HTTPStatusCode"),
            "queueDoesNotExist": isinstance(error, client.exceptions.QueueDoesNotExist),
        }
    raise AssertionError("call succeeded, want a ClientError")


def queue_wrapper():
    """queue_wrapper.py: create (standard and FIFO), get by name, list, remove."""
    out = {}
    prefix = "sqs-usage-demo-queue-wrapper"
    queue = sqs.create_queue(
        QueueName=prefix,
        Attributes={"MaximumMessageSize": str(4096), "ReceiveMessageWaitTimeSeconds": str(10)},
    )
    fifo = sqs.create_queue(QueueName=prefix + ".fifo", Attributes={"FifoQueue": "true"})
    out["url"] = queue.url
    out["fifoUrl"] = fifo.url
    out["attributes"] = queue.attributes
    out["fifoAttributes"] = fifo.attributes
    out["byName"] = sqs.get_queue_by_name(QueueName=prefix).url
    out["filtered"] = sorted(q.url for q in sqs.queues.filter(QueueNamePrefix=prefix))
    out["all"] = sorted(q.url for q in sqs.queues.all())
    queue.delete()
    fifo.delete()
    out["afterDelete"] = error_of(lambda: sqs.get_queue_by_name(QueueName=prefix))
    return out


def message_wrapper():
    """message_wrapper.py's usage demo: this file's lines go out in batches of
    ten with path and line attributes, come back in batches of ten, and are
    reassembled; then single send, receive and delete."""
    out = {}
    queue = sqs.create_queue(QueueName="sqs-usage-demo-message-wrapper")
    with open(__file__, encoding="utf-8") as f:
        lines = f.readlines()
    sent_batches = failed = 0
    for start in range(0, len(lines), 10):
        entries = [
            {
                "Id": str(i),
                "MessageBody": lines[i],
                "MessageAttributes": {
                    "path": {"StringValue": __file__, "DataType": "String"},
                    "line": {"StringValue": str(i), "DataType": "String"},
                },
            }
            for i in range(start, min(start + 10, len(lines)))
        ]
        response = queue.send_messages(Entries=entries)
        sent_batches += 1
        failed += len(response.get("Failed", []))
    out["lines"] = len(lines)
    out["sendBatches"] = sent_batches
    out["sendFailed"] = failed

    received = [None] * len(lines)
    duplicates = receives = 0
    while True:
        messages = queue.receive_messages(
            MessageAttributeNames=["All"], MaxNumberOfMessages=10, WaitTimeSeconds=2
        )
        receives += 1
        if not messages:
            break
        for msg in messages:
            line = int(msg.message_attributes["line"]["StringValue"])
            if received[line] is not None:
                duplicates += 1
            received[line] = msg.body
        response = queue.delete_messages(
            Entries=[{"Id": str(i), "ReceiptHandle": m.receipt_handle} for i, m in enumerate(messages)]
        )
        failed += len(response.get("Failed", []))
        if receives > len(lines):
            raise AssertionError("receive loop does not end")
    mismatched = [i for i in range(len(lines)) if received[i] != lines[i]]
    out["reassembled"] = not mismatched
    out["mismatchedLines"] = [{"line": i, "sent": lines[i], "received": received[i]} for i in mismatched[:5]]
    out["duplicates"] = duplicates
    out["deleteFailed"] = failed

    # Every character SQS allows in a body must come back as sent: carriage
    # returns (which XML would turn into line feeds unless escaped), tabs,
    # markup and characters outside the Basic Multilingual Plane.
    bodies = ["line one\r\nline two\rthree", "\ttab  and  spaces  ", "<x>&amp;</x> ]]> \"'", "ferry \U0001f6a2 \u00e9\ufffd"]
    for body in bodies:
        queue.send_message(MessageBody=body)
    got = []
    for _ in range(5):
        for m in queue.receive_messages(MaxNumberOfMessages=10, WaitTimeSeconds=1):
            got.append({"sent": m.body in bodies, "body": m.body, "md5OK": m.md5_of_body == hashlib.md5(m.body.encode()).hexdigest()})
            m.delete()
        if len(got) >= len(bodies):
            break
    out["specialBodies"] = {"sent": bodies, "received": got}

    attributes = {
        "City": {"DataType": "String", "StringValue": "Any City"},
        "Population": {"DataType": "Number", "StringValue": "1250800"},
        "Picture": {"DataType": "Binary", "BinaryValue": b"\x00\x01\x02\xff"},
        "Tag": {"DataType": "String.custom", "StringValue": "custom type"},
    }
    out["send"] = jsonable(queue.send_message(MessageBody="hello from boto3", MessageAttributes=attributes))
    messages = queue.receive_messages(
        AttributeNames=["All"], MessageAttributeNames=["All"], MaxNumberOfMessages=10, WaitTimeSeconds=1
    )
    out["received"] = [
        {
            "messageId": m.message_id,
            "body": m.body,
            "md5OfBody": m.md5_of_body,
            "md5OfMessageAttributes": m.md5_of_message_attributes,
            "attributes": m.attributes,
            "messageAttributes": jsonable(m.message_attributes),
        }
        for m in messages
    ]
    for m in messages:
        m.delete()
    out["afterDelete"] = len(queue.receive_messages(WaitTimeSeconds=0))
    queue.reload()
    out["queueAttributes"] = queue.attributes
    queue.delete()
    return out


def long_polling():
    """Long polling (the developer guide's boto3 example): a queue whose
    ReceiveMessageWaitTimeSeconds makes every receive wait, a receive that
    waits out its time on an empty queue, and one woken by a send."""
    out = {}
    queue = sqs.create_queue(
        QueueName="sqs-usage-demo-long-polling", Attributes={"ReceiveMessageWaitTimeSeconds": "1"}
    )
    start = time.monotonic()
    messages = queue.receive_messages()
    out["queueDefaultWait"] = {"seconds": time.monotonic() - start, "messages": len(messages)}

    start = time.monotonic()
    messages = queue.receive_messages(WaitTimeSeconds=2)
    out["emptyWait"] = {"seconds": time.monotonic() - start, "messages": len(messages)}

    def send_later():
        time.sleep(0.5)
        queue.send_message(MessageBody="wake up")

    sender = threading.Thread(target=send_later)
    start = time.monotonic()
    sender.start()
    messages = queue.receive_messages(WaitTimeSeconds=10)
    out["wokenBySend"] = {
        "seconds": time.monotonic() - start,
        "bodies": [m.body for m in messages],
    }
    sender.join()
    queue.delete()
    return out


def fifo_queue():
    """A FIFO queue: order within a group, deduplication, FIFO attributes."""
    out = {}
    queue = sqs.create_queue(
        QueueName="sqs-usage-demo-fifo.fifo",
        Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"},
    )
    response = queue.send_messages(
        Entries=[
            {"Id": str(i), "MessageBody": "step %d" % i, "MessageGroupId": "workflow"} for i in range(1, 6)
        ]
    )
    out["batch"] = jsonable(response)
    out["duplicate"] = jsonable(queue.send_message(MessageBody="step 1", MessageGroupId="workflow"))
    out["explicitId"] = jsonable(
        queue.send_message(MessageBody="other", MessageGroupId="side", MessageDeduplicationId="other-1")
    )
    out["explicitIdAgain"] = jsonable(
        queue.send_message(MessageBody="other, changed", MessageGroupId="side", MessageDeduplicationId="other-1")
    )
    received = []
    for _ in range(5):
        messages = queue.receive_messages(
            AttributeNames=["All"], MaxNumberOfMessages=10, WaitTimeSeconds=1, VisibilityTimeout=30
        )
        for m in messages:
            received.append({"body": m.body, "attributes": m.attributes})
            m.delete()
        if len(received) >= 6:
            break
    out["received"] = received
    out["missingGroup"] = error_of(lambda: queue.send_message(MessageBody="no group"))
    queue.delete()
    return out


def dead_letter_queue():
    """"Using dead-letter queues in Amazon SQS": RedrivePolicy set with
    set_queue_attributes, then a message received past maxReceiveCount."""
    out = {}
    dlq = sqs.create_queue(QueueName="sqs-usage-demo-dlq")
    source = sqs.create_queue(QueueName="sqs-usage-demo-source")
    dlq_arn = dlq.attributes["QueueArn"]
    out["dlqArn"] = dlq_arn
    policy = {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "2"}
    client.set_queue_attributes(QueueUrl=source.url, Attributes={"RedrivePolicy": json.dumps(policy)})
    source.reload()
    out["redrivePolicy"] = source.attributes.get("RedrivePolicy")
    out["sources"] = [q.url for q in dlq.dead_letter_source_queues.all()]

    source.send_message(MessageBody="poison pill")
    deliveries = []
    for _ in range(3):
        messages = source.receive_messages(AttributeNames=["All"], WaitTimeSeconds=1, VisibilityTimeout=0)
        deliveries.append([m.attributes.get("ApproximateReceiveCount") for m in messages])
    out["sourceDeliveries"] = deliveries
    moved = dlq.receive_messages(AttributeNames=["All"], WaitTimeSeconds=1)
    out["dlqMessages"] = [{"body": m.body, "attributes": m.attributes} for m in moved]
    source.delete()
    dlq.delete()
    return out


def errors():
    """The errors a boto3 user meets first."""
    out = {}
    out["missingQueue"] = error_of(lambda: sqs.get_queue_by_name(QueueName="sqs-usage-demo-missing"))
    bad = boto3.resource(
        "sqs",
        endpoint_url=ENDPOINT,
        config=CONFIG,
        aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key="not-the-secret",
    )
    out["wrongSecret"] = error_of(lambda: list(bad.queues.all()))
    return out


def main():
    results = {
        "boto3": boto3.__version__,
        "botocore": botocore.__version__,
        "protocol": client.meta.service_model.protocol,
    }
    for name, flow in [
        ("queueWrapper", queue_wrapper),
        ("messageWrapper", message_wrapper),
        ("longPolling", long_polling),
        ("fifo", fifo_queue),
        ("deadLetterQueue", dead_letter_queue),
        ("errors", errors),
    ]:
        try:
            results[name] = flow()
        except Exception as error:  # report which flow broke, and how
            print("%s: %s: %r" % (name, type(error).__name__, error), file=sys.stderr)
            if isinstance(error, ClientError):
                print(json.dumps(jsonable(error.response)), file=sys.stderr)
            sys.exit(1)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
