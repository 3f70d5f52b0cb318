// Package policy is ferry's AWS access-policy engine: it parses and validates
// policy documents the way IAM, SQS, SNS, STS and KMS accept them, and decides
// requests the way AWS's enforcement code does, naming the statement or the
// missing kind of policy behind each decision so that denials can be explained.
//
// The engine is pure: it reads only its arguments. The caller builds the
// request context (every condition key, lower-cased), picks the policies that
// apply (identity, permissions boundary, session, resource) and says what kind
// of resource is addressed; [Evaluate] answers.
//
// The evaluation follows
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
// and
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html;
// each rule cites its page where it is implemented.
//
// Choices where the AWS documentation is silent or contradicts itself:
//   - Bool accepts policy variables (the condition-operators page says it
//     does; the variables page says it does not).
//   - A plain (non-set) operator applied to a key with several values matches
//     when any value matches; its negated form matches when none does.
//   - ForAnyValue ignores …IfExists: an absent key makes it false.
//   - A statement naming an account ({"AWS":"111122223333"}) does not match
//     an AWS service principal: a service is matched by "*" or by
//     {"Service": name}. This is what makes SNS unable to use a KMS key whose
//     policy only delegates to the account.
//   - Condition values that cannot be read for their operator (a number that
//     is not a number, a CIDR that is not a CIDR) are accepted and never match.
//   - BinaryEquals compares the request value's bytes with the policy value
//     decoded from base64.
//   - Policy variables are substituted wherever they appear in a Resource,
//     not only after the fifth colon.
//   - A Version other than 2012-10-17 and 2008-10-17 is refused with the
//     message IAM gives an unreadable Effect, "The policy failed legacy
//     parsing".
//   - Repeated Sids are refused in IAM documents (identity and trust
//     policies) only; SQS, SNS and KMS decide for themselves.
//
// Not modelled: service control policies, resource control policies, VPC
// endpoint policies and ACLs.
//
// This package carries no compatibility promise; the emulator package does.
package policy
