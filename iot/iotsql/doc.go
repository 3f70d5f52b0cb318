// Package iotsql is the AWS IoT rules SQL language: the parser, the
// evaluator, substitution templates and AWS's topic-filter matching.
//
// A rule's statement is parsed once, when the rule is created or replaced,
// and evaluated for every publish its FROM filter matches:
//
//	st, err := iotsql.Parse("SELECT temperature FROM 'sensors/+' WHERE temperature > 50", iotsql.Version20160323)
//	out, ok, err := st.Evaluate(&iotsql.Message{Topic: "sensors/a", Payload: payload})
//
// The engine follows the AWS IoT Core developer guide's SQL reference
// (iot-sql-reference and the pages it links): the Undefined value and how
// it propagates, the operator and conversion tables, the differences
// between SQL versions 2015-10-08 and 2016-03-23, binary payloads and the
// SET clause.
//
// Numbers are exact. An Int is an int64 that widens to a big integer; a
// Decimal is a scaled decimal rounded to 34 significant digits, Java's
// BigDecimal under MathContext.DECIMAL128, which is what AWS's documented
// ranges describe, and it prints as BigDecimal.toString does. Functions
// documented as returning "Decimal with double precision" go through
// float64, as AWS's do, so sqrt(9) is 3.0.
//
// Evaluation is cheap on purpose: SELECT * without WHERE returns the
// payload untouched, and otherwise only the top-level fields a statement
// reads are decoded (the rest of the document is validated, not built).
//
// Choices where the documentation is silent or ambiguous:
//   - AND and OR use SQL's three-valued logic: false AND x is false and
//     true OR x is true whatever x is; otherwise an operand that is not a
//     Boolean (or "true"/"false") makes the result Undefined.
//   - 2016-03-23's "whole-number Decimals are Ints" applies when output is
//     written (10.0 is emitted as 10); arithmetic keeps the Decimal, so
//     10.0 / 4 is 2.5 in both versions.
//   - A dotted alias nests: SELECT a AS b.c gives {"b":{"c":…}}.
//   - An unaliased item that is neither a path nor a function call is named
//     "_N", N being its 1-based position in the SELECT list.
//   - arr[n] indexes like get(arr, n); x IN (a, b) is accepted besides
//     x IN array.
//   - SELECT *, expr on a payload that is not a JSON object is an
//     evaluation error (ErrBinaryPayload): the binary-payload rules forbid
//     it and AWS fails such rules.
//   - String literals, in single or double quotes, take SQL's doubled
//     quote (two quotes for one) and JSON's backslash escapes; FROM takes
//     single quotes only.
//   - Lengths and indexes of strings count UTF-16 code units, as Java does.
//   - Regular expressions run on Go's RE2: patterns using backreferences or
//     lookaround do not compile and evaluate to Undefined.
//   - External functions (get_dynamodb, aws_lambda, get_secret,
//     get_thing_shadow, get_registry_data, machinelearning_predict,
//     protobuf decode) are refused at parse time with an UnsupportedError
//     rather than evaluating to Undefined.
//
// This package carries no compatibility promise; the emulator package does.
package iotsql
