// Package conformance holds ferry's end-to-end tests: the real clients that
// users point at ferry (the AWS CLI, boto3, the AWS SDK for JavaScript v3),
// each run as its own process against a ferry started in-process, following
// the flows of AWS's own articles.
//
// The clients are not Go modules. .ci/install-clients.sh installs them:
// Debian's awscli and python3-boto3, which speak SQS's query protocol, and
// the npm packages pinned in js/package-lock.json, which speak AWS JSON 1.0.
// A test whose client is missing skips and says how to install it, so
// "go test ./..." passes on a bare machine.
//
// boto3 is run with every Python on the machine that has it: a newer
// botocore than Debian's speaks AWS JSON to SQS, so the same flow then covers
// both protocols. The CLI, slower to start, is run once: Debian's, or the one
// FERRY_AWS_CLI names. "go test -short" skips the CLI flows.
package conformance
