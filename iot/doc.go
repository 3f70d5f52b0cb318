// Package iot is AWS IoT Core: the MQTT broker (iot/broker) with a topic
// space per account and region, the rules engine (IoT SQL in iot/iotsql)
// with its sqs, sns and republish actions, the control plane's topic-rule
// operations and DescribeEndpoint (REST-JSON, signed as iot or
// execute-api) and the iot-data plane's Publish and retained messages
// (signed as iotdata).
//
// A rule's actions run as the role in their roleArn: the service assumes
// it as iot.amazonaws.com and calls SQS, SNS and iot-data through the
// emulator's invoker, so they are authorized like any other call and a
// cross-account queue needs both the role's policy and the queue's.
package iot
