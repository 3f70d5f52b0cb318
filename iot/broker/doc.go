// Package broker is ferry's AWS IoT message broker: MQTT 3.1, 3.1.1 and 5
// over TCP, WebSocket and TLS, with each (account, region) in a topic
// space of its own, as each AWS account has its own IoT endpoint in each
// region (DG/topics: "AWS IoT Core can't send or receive messages between
// AWS accounts or Regions").
//
// One port serves every account. Its front reads a connection's CONNECT,
// authenticates the access key id (username) and secret key (password) in
// it, and hands the connection, with the CONNECT replayed, to an embedded
// mochi-mqtt server of the key's account, created on first use. Topic
// trees, retained messages, sessions and client ids are therefore per
// account without rewriting a topic, and after the CONNECT the front
// touches no byte of the connection. Clients without credentials belong
// to account 000000000000, unless Config.RefuseAnonymous.
//
// Hooks on each server give it AWS IoT's behaviour where AWS differs from
// the MQTT specifications (DG/mqtt, "AWS IoT differences from MQTT
// specifications"):
//   - QoS 0 and 1 only. A QoS 2 subscription gets a failure code; a QoS 2
//     publish ends the connection (MQTT 5: DISCONNECT 0x9B); a QoS 2 will
//     is refused at CONNECT.
//   - "a/#" does not match "a".
//   - Retained messages, one per topic, go to new subscriptions on their
//     exact topic only, never to wildcard ones; an empty retained payload
//     deletes; they are kept three years and survive restarts through a
//     RetainedStore. A $-topic cannot be retained.
//   - Basic Ingest topics ($aws/rules/<rule>/…) reach OnMessage (the
//     rules engine) and nobody else, and cannot be subscribed to. Other
//     $aws/… topics are ordinary topics here.
//   - Topics longer than 256 bytes or with more than 7 slashes, and
//     payloads over 128 KiB, are refused.
//   - Every connect, publish, subscription and delivery is authorized
//     (iot:Connect, iot:Publish, iot:RetainPublish, iot:Subscribe,
//     iot:Receive). A refused MQTT 3 publish closes the connection, as
//     AWS does; an MQTT 5 one gets a PUBACK reason code at QoS 1 and is
//     dropped at QoS 0; a refused filter gets SUBACK failure.
//   - A second connection with a client id already connected in the same
//     account takes over from the first. Persistent sessions expire an
//     hour after their client disconnects, AWS's default.
//
// Deliberate differences from AWS:
//   - AWS sends no SUBACK for a QoS 2 subscription, which leaves a client
//     waiting; here it gets failure 0x80.
//   - A failed authentication is CONNACK "not authorized" (MQTT 3 return
//     code 5, MQTT 5 reason code 0x87).
//   - Clients authenticate with access keys in the MQTT username and
//     password, not with X.509 certificates or SigV4-signed WebSocket URLs,
//     and TLS without SNI is accepted.
//   - Stored QoS 1 messages of a resumed session are sent at once, not at
//     AWS's 10 messages per second.
//   - A client the broker disconnects for a refused publish has its will
//     message published; one refused at CONNECT has none.
//   - $SYS/… topics cannot be published to (the embedded server reserves
//     them); other $-topics but Basic Ingest behave as ordinary topics.
//
// This package carries no compatibility promise; the emulator package does.
package broker
