// Package filter is ferry's SNS subscription filter-policy engine: it
// validates a FilterPolicy as SNS does, with SNS's error messages, and
// decides whether a message passes it, on its attributes (FilterPolicyScope
// MessageAttributes) or on its JSON body (MessageBody).
//
// It covers the operators SNS documents
// (https://docs.aws.amazon.com/sns/latest/dg/sns-subscription-filter-policies.html):
// exact strings and numbers, true/false/null, prefix, suffix,
// equals-ignore-case, anything-but (a value, a list of strings or of numbers,
// or a prefix), numeric comparisons and ranges, exists, cidr for IPv4 and
// IPv6, "$or" at any level, nested keys and arrays in bodies, and the limits:
// 5 top-level keys, 150 combinations, 256 KB. It also accepts wildcard, with
// Event Ruler's rules.
//
// SNS compiles filter policies with Event Ruler, so where SNS's documentation
// is silent ferry follows Ruler: the order in which a policy is checked, the
// texts of its messages, how "$or" alternatives combine, how numbers compare
// (to the millionth, between -10^9 and 10^9), and how a cidr range is drawn.
// Behaviours that surprise but are documented are reproduced: a String
// attribute is compared with quotes and backslashes escaped once more, so a
// policy must double-escape them; "exists": false does not match a message
// without attributes; "exists" needs a non-null, non-empty value; inside a
// String.Array attribute, anything-but requires that no element be excluded.
//
// Deliberate differences from AWS:
//   - Error messages stop before the parser position AWS appends
//     ("\n at [Source: ...; line: 1, column: N]").
//   - A few messages are written in AWS's style because AWS's wording is not
//     known: a policy over 256 KB, an empty anything-but prefix, and JSON
//     syntax errors (worded after the Jackson parser's messages).
//   - Content after the policy's JSON object is refused; AWS's parser may
//     ignore it.
//   - Arrays in a body are flattened per key: one key may be satisfied by
//     one element and another key by a different element of the same array.
//     Event Ruler can also require both to come from the same element; which
//     SNS does is not documented.
//   - Inside anything-but only "prefix" is accepted, which is what SNS
//     answered when last checked; Event Ruler also knows "suffix", "wildcard"
//     and "equals-ignore-case" there. "exactly" is not accepted: SNS does not
//     document it.
//
// This package carries no compatibility promise; the emulator package does.
package filter
