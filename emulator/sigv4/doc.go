// Package sigv4 verifies AWS Signature Version 4 on incoming HTTP requests, the
// way an AWS service front end does, so that ferry accepts exactly what the
// AWS SDKs and CLI sign and rejects everything else with AWS's own error codes
// and messages.
//
// It follows "Create a signed AWS API request" and "Troubleshoot Signature
// Version 4 signing" in the IAM User Guide
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html,
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-troubleshooting.html)
// for both the Authorization header form and the presigned query-string form
// (https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html).
//
// Scope: AWS4-HMAC-SHA256 only. SigV4a (ECDSA), SigV2, chunked streaming
// payload signatures (STREAMING-AWS4-HMAC-SHA256-PAYLOAD chunks) and the S3
// POST-policy form are out of scope; none of ferry's services use them.
//
// Parse extracts what a request claims (access key, credential scope, signed
// headers, signature). The caller looks the access key up, then calls
// Signature.Verify with the secret. Deliberate differences from AWS:
//
//   - Any region and service in the credential scope is accepted; ferry routes
//     by the scope's service rather than checking it against a host name.
//   - For non-S3 services the canonical path is tried as sent (what
//     aws-sdk-go-v2 signs) and, failing that, with dot segments and repeated
//     slashes removed (what botocore and the Java and C SDKs sign).
//   - A presigned request without X-Amz-Content-Sha256 is accepted when signed
//     over the body's hash or over UNSIGNED-PAYLOAD, and one whose
//     X-Amz-Security-Token was appended after signing (AWS IoT's WebSocket
//     URLs) when it verifies without the token.
//   - Every service honours X-Amz-Expires and answers an expired presigned
//     URL with S3's AccessDenied "Request has expired"; STS ignores
//     X-Amz-Expires and applies its 15-minute window, which ferry applies
//     only when X-Amz-Expires is absent.
//
// Derived signing keys are memoised in a small bounded cache shared by the
// package; it holds no state beyond what the secret determines.
package sigv4
