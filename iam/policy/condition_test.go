package policy

import "testing"

// conditionHolds evaluates a Condition block in a statement that otherwise
// matches everything.
func conditionHolds(t *testing.T, version, block string, ctx map[string][]string) bool {
	t.Helper()
	v := ""
	if version != "" {
		v = `"Version":"` + version + `",`
	}
	p := mustParse(t, `{`+v+`"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":`+block+`}}`, Identity)
	return p.statements[0].applies(&Request{Action: "sqs:SendMessage", Resource: qA, Conditions: ctx})
}

type condCase struct {
	name  string
	block string
	ctx   map[string][]string
	want  bool
}

func runCondCases(t *testing.T, version string, cases []condCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := conditionHolds(t, version, c.block, c.ctx); got != c.want {
				t.Errorf("%s with %v = %v, want %v", c.block, c.ctx, got, c.want)
			}
		})
	}
}

func kv(pairs ...string) map[string][]string {
	m := map[string][]string{}
	for i := 0; i < len(pairs); i += 2 {
		m[pairs[i]] = append(m[pairs[i]], pairs[i+1])
	}
	return m
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_String
func TestStringOperators(t *testing.T) {
	runCondCases(t, Version2012, []condCase{
		{"StringEquals matches exactly", `{"StringEquals":{"aws:PrincipalTag/job":"admin"}}`, kv("aws:principaltag/job", "admin"), true},
		{"StringEquals is case-sensitive", `{"StringEquals":{"aws:PrincipalTag/job":"admin"}}`, kv("aws:principaltag/job", "Admin"), false},
		{"StringEquals with the key missing is false", `{"StringEquals":{"aws:PrincipalTag/job":"admin"}}`, nil, false},
		{"StringEquals ORs its values", `{"StringEquals":{"aws:PrincipalTag/job":["dev","admin"]}}`, kv("aws:principaltag/job", "admin"), true},
		{"StringEquals takes * literally", `{"StringEquals":{"s3:prefix":"home/*"}}`, kv("s3:prefix", "home/alice"), false},
		{"StringEquals matches a literal *", `{"StringEquals":{"s3:prefix":"home/*"}}`, kv("s3:prefix", "home/*"), true},
		{"condition key names are case-insensitive", `{"StringEquals":{"AWS:PrincipalTag/JOB":"admin"}}`, kv("aws:principaltag/job", "admin"), true},
		{"StringNotEquals with the key missing is true", `{"StringNotEquals":{"aws:PrincipalOrgID":"o-abc"}}`, nil, true},
		{"StringNotEquals NORs its values: listed", `{"StringNotEquals":{"aws:PrincipalTag/role":["audit","security"]}}`, kv("aws:principaltag/role", "security"), false},
		{"StringNotEquals NORs its values: unlisted", `{"StringNotEquals":{"aws:PrincipalTag/role":["audit","security"]}}`, kv("aws:principaltag/role", "dev"), true},
		{"StringEqualsIgnoreCase ignores case", `{"StringEqualsIgnoreCase":{"aws:PrincipalTag/team":"Blue"}}`, kv("aws:principaltag/team", "bLUE"), true},
		{"StringNotEqualsIgnoreCase ignores case", `{"StringNotEqualsIgnoreCase":{"aws:PrincipalTag/team":["blue","red"]}}`, kv("aws:principaltag/team", "RED"), false},
		{"StringLike with *", `{"StringLike":{"s3:prefix":"home/*"}}`, kv("s3:prefix", "home/alice/x"), true},
		{"StringLike with ?", `{"StringLike":{"s3:prefix":"home/?"}}`, kv("s3:prefix", "home/ab"), false},
		{"StringLike ? takes one character", `{"StringLike":{"s3:prefix":"h?me"}}`, kv("s3:prefix", "höme"), true},
		{"StringLike is case-sensitive", `{"StringLike":{"s3:prefix":"Home/*"}}`, kv("s3:prefix", "home/x"), false},
		{"StringLike matches the empty string", `{"StringLike":{"s3:prefix":["","home/"]}}`, kv("s3:prefix", ""), true},
		{"StringNotLike with the key missing is true", `{"StringNotLike":{"s3:prefix":"home/*"}}`, nil, true},
		{"StringNotLike matching is false", `{"StringNotLike":{"s3:prefix":"home/*"}}`, kv("s3:prefix", "home/x"), false},
		{"keys of one operator are ANDed", `{"StringEquals":{"aws:PrincipalTag/a":"1","aws:PrincipalTag/b":"2"}}`, kv("aws:principaltag/a", "1"), false},
		{"operators are ANDed", `{"StringEquals":{"aws:PrincipalTag/a":"1"},"StringLike":{"aws:PrincipalTag/b":"x*"}}`, kv("aws:principaltag/a", "1", "aws:principaltag/b", "xy"), true},
		{"JSON numbers stand for their text", `{"StringEquals":{"aws:PrincipalTag/n":10}}`, kv("aws:principaltag/n", "10"), true},
	})
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Numeric
func TestNumericOperators(t *testing.T) {
	runCondCases(t, Version2012, []condCase{
		{"NumericLessThanEquals below", `{"NumericLessThanEquals":{"s3:max-keys":"10"}}`, kv("s3:max-keys", "9"), true},
		{"NumericLessThanEquals equal, written differently", `{"NumericLessThanEquals":{"s3:max-keys":"10"}}`, kv("s3:max-keys", "10.0"), true},
		{"NumericLessThanEquals above", `{"NumericLessThanEquals":{"s3:max-keys":"10"}}`, kv("s3:max-keys", "11"), false},
		{"NumericLessThan equal", `{"NumericLessThan":{"s3:max-keys":"10"}}`, kv("s3:max-keys", "10"), false},
		{"NumericGreaterThan decimals", `{"NumericGreaterThan":{"aws:MultiFactorAuthAge":"1.5"}}`, kv("aws:multifactorauthage", "1.75"), true},
		{"NumericGreaterThanEquals equal", `{"NumericGreaterThanEquals":{"aws:MultiFactorAuthAge":3600}}`, kv("aws:multifactorauthage", "3600"), true},
		{"NumericEquals", `{"NumericEquals":{"s3:max-keys":"10"}}`, kv("s3:max-keys", "1e1"), true},
		{"NumericNotEquals equal is false", `{"NumericNotEquals":{"s3:max-keys":"10"}}`, kv("s3:max-keys", "10"), false},
		{"NumericNotEquals other is true", `{"NumericNotEquals":{"s3:max-keys":"10"}}`, kv("s3:max-keys", "9"), true},
		{"NumericNotEquals missing is true", `{"NumericNotEquals":{"s3:max-keys":"10"}}`, nil, true},
		{"NumericEquals missing is false", `{"NumericEquals":{"s3:max-keys":"10"}}`, nil, false},
		{"a request value that is not a number never matches", `{"NumericLessThan":{"s3:max-keys":"10"}}`, kv("s3:max-keys", "ten"), false},
		{"a policy value that is not a number never matches", `{"NumericEquals":{"s3:max-keys":"ten"}}`, kv("s3:max-keys", "10"), false},
		{"… so its negation always does", `{"NumericNotEquals":{"s3:max-keys":"ten"}}`, kv("s3:max-keys", "10"), true},
		{"numeric values take no variables", `{"NumericEquals":{"s3:max-keys":"${aws:PrincipalTag/n}"}}`, kv("s3:max-keys", "10", "aws:principaltag/n", "10"), false},
	})
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Date
func TestDateOperators(t *testing.T) {
	runCondCases(t, Version2012, []condCase{
		{"DateGreaterThan ISO 8601", `{"DateGreaterThan":{"aws:TokenIssueTime":"2020-01-01T00:00:01Z"}}`, kv("aws:tokenissuetime", "2021-05-01T10:00:00Z"), true},
		{"DateGreaterThan earlier", `{"DateGreaterThan":{"aws:TokenIssueTime":"2020-01-01T00:00:01Z"}}`, kv("aws:tokenissuetime", "2019-12-31T23:59:59Z"), false},
		{"DateGreaterThan missing key", `{"DateGreaterThan":{"aws:TokenIssueTime":"2020-01-01T00:00:01Z"}}`, nil, false},
		{"DateLessThan epoch", `{"DateLessThan":{"aws:EpochTime":"1700000000"}}`, kv("aws:epochtime", "1600000000"), true},
		{"DateLessThan epoch as JSON number", `{"DateLessThan":{"aws:EpochTime":1700000000}}`, kv("aws:epochtime", "1800000000"), false},
		{"ISO policy value, epoch request value", `{"DateEquals":{"aws:EpochTime":"2023-11-14T22:13:20Z"}}`, kv("aws:epochtime", "1700000000"), true},
		{"time zone offsets", `{"DateEquals":{"aws:CurrentTime":"2020-01-01T01:00:00+01:00"}}`, kv("aws:currenttime", "2020-01-01T00:00:00Z"), true},
		{"a date alone is midnight UTC", `{"DateEquals":{"aws:CurrentTime":"2020-01-01"}}`, kv("aws:currenttime", "2020-01-01T00:00:00Z"), true},
		{"year and month", `{"DateLessThanEquals":{"aws:CurrentTime":"2020-02"}}`, kv("aws:currenttime", "2020-02-01T00:00:00Z"), true},
		{"fractional seconds", `{"DateLessThan":{"aws:CurrentTime":"2020-01-01T00:00:00.5Z"}}`, kv("aws:currenttime", "2020-01-01T00:00:00.25Z"), true},
		{"minutes without seconds", `{"DateGreaterThanEquals":{"aws:CurrentTime":"2020-01-01T10:30Z"}}`, kv("aws:currenttime", "2020-01-01T10:30:00Z"), true},
		{"basic format", `{"DateEquals":{"aws:CurrentTime":"20130930T231548Z"}}`, kv("aws:currenttime", "2013-09-30T23:15:48Z"), true},
		{"DateNotEquals missing key", `{"DateNotEquals":{"aws:CurrentTime":"2020-01-01"}}`, nil, true},
		{"DateNotEquals same instant", `{"DateNotEquals":{"aws:CurrentTime":"2020-01-01"}}`, kv("aws:currenttime", "2020-01-01T00:00:00Z"), false},
		{"an unreadable request date never matches", `{"DateLessThan":{"aws:CurrentTime":"2020-01-01"}}`, kv("aws:currenttime", "yesterday"), false},
		{"an impossible date never matches", `{"DateLessThan":{"aws:CurrentTime":"2030-01-01"}}`, kv("aws:currenttime", "2020-02-30T00:00:00Z"), false},
		{"dates take no wildcards", `{"DateEquals":{"aws:CurrentTime":"2020-*"}}`, kv("aws:currenttime", "2020-01-01"), false},
	})
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Boolean
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_BinaryEquals
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Null
func TestBoolBinaryNullOperators(t *testing.T) {
	runCondCases(t, Version2012, []condCase{
		{"Bool true", `{"Bool":{"aws:SecureTransport":"true"}}`, kv("aws:securetransport", "true"), true},
		{"Bool ignores case", `{"Bool":{"aws:SecureTransport":"true"}}`, kv("aws:securetransport", "TRUE"), true},
		{"Bool false vs true", `{"Bool":{"aws:SecureTransport":"false"}}`, kv("aws:securetransport", "true"), false},
		{"Bool JSON boolean", `{"Bool":{"aws:MultiFactorAuthPresent":true}}`, kv("aws:multifactorauthpresent", "true"), true},
		{"Bool missing key", `{"Bool":{"aws:MultiFactorAuthPresent":"true"}}`, nil, false},
		{"BoolIfExists missing key", `{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}`, nil, true},
		{"Bool takes variables (operators page)", `{"Bool":{"aws:SecureTransport":"${aws:PrincipalTag/tls}"}}`, kv("aws:securetransport", "true", "aws:principaltag/tls", "true"), true},
		{"BinaryEquals decodes base64", `{"BinaryEquals":{"ex:key":"QmluYXJ5VmFsdWVJbkJhc2U2NA=="}}`, kv("ex:key", "BinaryValueInBase64"), true},
		{"BinaryEquals other bytes", `{"BinaryEquals":{"ex:key":"QmluYXJ5VmFsdWVJbkJhc2U2NA=="}}`, kv("ex:key", "binaryvalueinbase64"), false},
		{"BinaryEquals bad base64 never matches", `{"BinaryEquals":{"ex:key":"not base64!"}}`, kv("ex:key", "not base64!"), false},
		{"Null true with the key absent", `{"Null":{"aws:TokenIssueTime":"true"}}`, nil, true},
		{"Null true with the key present", `{"Null":{"aws:TokenIssueTime":"true"}}`, kv("aws:tokenissuetime", "2020-01-01T00:00:00Z"), false},
		{"Null false with the key present", `{"Null":{"aws:TokenIssueTime":false}}`, kv("aws:tokenissuetime", "2020-01-01T00:00:00Z"), true},
		{"Null false with the key absent", `{"Null":{"aws:TokenIssueTime":"false"}}`, nil, false},
		{"Null with an empty value list counts as absent", `{"Null":{"aws:TagKeys":"true"}}`, map[string][]string{"aws:tagkeys": {}}, true},
	})
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IPAddress
func TestIPOperators(t *testing.T) {
	runCondCases(t, Version2012, []condCase{
		{"IpAddress in the range", `{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`, kv("aws:sourceip", "203.0.113.5"), true},
		{"IpAddress outside", `{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`, kv("aws:sourceip", "203.0.114.1"), false},
		{"IpAddress host bits in the policy", `{"IpAddress":{"aws:SourceIp":"203.0.113.77/24"}}`, kv("aws:sourceip", "203.0.113.5"), true},
		{"a bare address means /32", `{"IpAddress":{"aws:SourceIp":"192.0.2.1"}}`, kv("aws:sourceip", "192.0.2.1"), true},
		{"a bare address is only itself", `{"IpAddress":{"aws:SourceIp":"192.0.2.1"}}`, kv("aws:sourceip", "192.0.2.2"), false},
		{"IPv6", `{"IpAddress":{"aws:SourceIp":"2001:DB8:1234:5678::/64"}}`, kv("aws:sourceip", "2001:db8:1234:5678::1"), true},
		{"IPv6 outside", `{"IpAddress":{"aws:SourceIp":"2001:DB8:1234:5678::/64"}}`, kv("aws:sourceip", "2001:db8:1234:5679::1"), false},
		{"IPv4-mapped IPv6 request", `{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`, kv("aws:sourceip", "::ffff:203.0.113.5"), true},
		{"mixed v4 and v6 ranges are ORed", `{"IpAddress":{"aws:SourceIp":["203.0.113.0/24","2001:DB8:1234:5678::/64"]}}`, kv("aws:sourceip", "2001:db8:1234:5678::9"), true},
		{"IpAddress missing key (VPC endpoint)", `{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`, nil, false},
		{"NotIpAddress missing key", `{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`, nil, true},
		{"NotIpAddress inside", `{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`, kv("aws:sourceip", "203.0.113.9"), false},
		{"NotIpAddress outside", `{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`, kv("aws:sourceip", "198.51.100.1"), true},
		{"an unreadable request address never matches", `{"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}}`, kv("aws:sourceip", "localhost"), false},
		{"an unreadable CIDR never matches", `{"IpAddress":{"aws:SourceIp":"203.0.113.0/33"}}`, kv("aws:sourceip", "203.0.113.1"), false},
	})
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN
func TestARNOperators(t *testing.T) {
	const docValue = "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt"
	runCondCases(t, Version2012, []condCase{
		{"StringLike lets * cross colons", `{"StringLike":{"aws:SourceArn":"arn:aws:someservice:*:111122223333:finance/*"}}`, kv("aws:sourcearn", docValue), true},
		{"ArnLike matches segment by segment", `{"ArnLike":{"aws:SourceArn":"arn:aws:someservice:*:111122223333:finance/*"}}`, kv("aws:sourcearn", docValue), false},
		{"ArnLike resource part may hold colons", `{"ArnLike":{"aws:SourceArn":"arn:aws:someservice:*:999999999999:store/*"}}`, kv("aws:sourcearn", docValue), true},
		{"ArnEquals matches exactly", `{"ArnEquals":{"aws:SourceArn":"` + tA + `"}}`, kv("aws:sourcearn", tA), true},
		{"ArnEquals takes wildcards like ArnLike", `{"ArnEquals":{"aws:SourceArn":"arn:aws:sns:*:111122223333:t?"}}`, kv("aws:sourcearn", tA), true},
		{"ArnLike is case-sensitive", `{"ArnLike":{"aws:SourceArn":"arn:aws:sns:us-east-1:111122223333:TA"}}`, kv("aws:sourcearn", tA), false},
		{"ArnLike wildcards in every segment", `{"ArnLike":{"aws:SourceArn":"arn:???:*:*:*:*"}}`, kv("aws:sourcearn", tA), true},
		{"ArnLike a value without six components never matches", `{"ArnLike":{"aws:SourceArn":"arn:aws:sns:*"}}`, kv("aws:sourcearn", tA), false},
		{"ArnLike a request value without six components", `{"ArnLike":{"aws:SourceArn":"arn:*:*:*:*:*"}}`, kv("aws:sourcearn", "arn:aws:sns"), false},
		{"ArnNotLike missing key", `{"ArnNotLike":{"aws:SourceArn":"arn:aws:sns:*:*:*"}}`, nil, true},
		{"ArnNotEquals matching", `{"ArnNotEquals":{"aws:SourceArn":"arn:aws:sns:*:*:*"}}`, kv("aws:sourcearn", tA), false},
		{"ArnLike with a variable", `{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::111122223333:user/${aws:username}"}}`, kv("aws:principalarn", "arn:aws:iam::111122223333:user/bob", "aws:username", "bob"), true},
		{"ArnLike with an unresolved variable", `{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::111122223333:user/${aws:username}"}}`, kv("aws:principalarn", "arn:aws:iam::111122223333:user/bob"), false},
	})
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IfExists
func TestIfExists(t *testing.T) {
	runCondCases(t, Version2012, []condCase{
		{"StringLikeIfExists missing key is true", `{"StringLikeIfExists":{"ec2:InstanceType":["t1.*","t2.*"]}}`, nil, true},
		{"StringLikeIfExists present and matching", `{"StringLikeIfExists":{"ec2:InstanceType":["t1.*","t2.*"]}}`, kv("ec2:instancetype", "t2.micro"), true},
		{"StringLikeIfExists present and not matching", `{"StringLikeIfExists":{"ec2:InstanceType":["t1.*","t2.*"]}}`, kv("ec2:instancetype", "m5.large"), false},
		{"StringNotEqualsIfExists missing key is true", `{"StringNotEqualsIfExists":{"aws:PrincipalTag/team":"blue"}}`, nil, true},
		{"NumericLessThanIfExists missing", `{"NumericLessThanIfExists":{"s3:max-keys":"10"}}`, nil, true},
		{"IpAddressIfExists missing", `{"IpAddressIfExists":{"aws:SourceIp":"10.0.0.0/8"}}`, nil, true},
		{"ArnLikeIfExists present", `{"ArnLikeIfExists":{"aws:SourceArn":"arn:aws:sns:*:*:x"}}`, kv("aws:sourcearn", tA), false},
	})
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_multi-value-conditions.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition_examples-multi-valued-context-keys.html
func TestSetOperators(t *testing.T) {
	allowed := `["PostDateTime","Message","Tags"]`
	runCondCases(t, Version2012, []condCase{
		{"ForAllValues every request value listed", `{"ForAllValues:StringLike":{"dynamodb:requestedAttributes":` + allowed + `}}`,
			kv("dynamodb:requestedattributes", "PostDateTime", "dynamodb:requestedattributes", "Message"), true},
		{"ForAllValues one request value unlisted", `{"ForAllValues:StringLike":{"dynamodb:requestedAttributes":` + allowed + `}}`,
			kv("dynamodb:requestedattributes", "PostDateTime", "dynamodb:requestedattributes", "UserName"), false},
		{"ForAllValues over an absent key is true", `{"ForAllValues:StringLike":{"dynamodb:requestedAttributes":` + allowed + `}}`, nil, true},
		{"ForAllValues over an empty set is true", `{"ForAllValues:StringEquals":{"aws:TagKeys":"env"}}`, map[string][]string{"aws:tagkeys": {}}, true},
		{"ForAllValues…IfExists over an absent key is true", `{"ForAllValues:StringEqualsIfExists":{"aws:TagKeys":"env"}}`, nil, true},
		{"ForAnyValue one match", `{"ForAnyValue:StringLike":{"dynamodb:requestedAttributes":["ID","PostDateTime"]}}`,
			kv("dynamodb:requestedattributes", "UserName", "dynamodb:requestedattributes", "Message", "dynamodb:requestedattributes", "PostDateTime"), true},
		{"ForAnyValue no match", `{"ForAnyValue:StringLike":{"dynamodb:requestedAttributes":["ID","PostDateTime"]}}`, kv("dynamodb:requestedattributes", "UserName"), false},
		{"ForAnyValue over an absent key is false", `{"ForAnyValue:StringEquals":{"aws:TagKeys":"env"}}`, nil, false},
		{"ForAnyValue ignores IfExists", `{"ForAnyValue:StringEqualsIfExists":{"aws:TagKeys":"env"}}`, nil, false},
		{"ForAllValues:StringNotLike all prefixed is false", `{"ForAllValues:StringNotLike":{"aws:TagKeys":"key1*"}}`,
			kv("aws:tagkeys", "key1:hr", "aws:tagkeys", "key1:personnel"), false},
		{"ForAllValues:StringNotLike none prefixed is true", `{"ForAllValues:StringNotLike":{"aws:TagKeys":"key1*"}}`, kv("aws:tagkeys", "key2:audit"), true},
		{"ForAllValues:StringNotLike absent is true", `{"ForAllValues:StringNotLike":{"aws:TagKeys":"key1*"}}`, nil, true},
		{"ForAnyValue:StringNotEquals absent is false", `{"ForAnyValue:StringNotEquals":{"aws:TagKeys":["DataClass","Owner"]}}`, nil, false},
		{"ForAnyValue:StringNotEquals all listed is false", `{"ForAnyValue:StringNotEquals":{"aws:TagKeys":["DataClass","Owner"]}}`,
			kv("aws:tagkeys", "DataClass", "aws:tagkeys", "Owner"), false},
		{"ForAnyValue:StringNotEquals one unlisted is true", `{"ForAnyValue:StringNotEquals":{"aws:TagKeys":["DataClass","Owner"]}}`,
			kv("aws:tagkeys", "Dept", "aws:tagkeys", "DataClass"), true},
		{"a plain operator on a multivalued key: any value", `{"StringEquals":{"aws:TagKeys":"env"}}`, kv("aws:tagkeys", "team", "aws:tagkeys", "env"), true},
		{"a plain negated operator on a multivalued key: no value", `{"StringNotEquals":{"aws:TagKeys":"env"}}`, kv("aws:tagkeys", "team", "aws:tagkeys", "env"), false},
	})
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
func TestConditionVariables(t *testing.T) {
	runCondCases(t, Version2012, []condCase{
		{"${aws:username} resolves", `{"StringLike":{"s3:prefix":"home/${aws:username}/*"}}`, kv("s3:prefix", "home/alice/x", "aws:username", "alice"), true},
		{"another user's prefix", `{"StringLike":{"s3:prefix":"home/${aws:username}/*"}}`, kv("s3:prefix", "home/bob/x", "aws:username", "alice"), false},
		{"variable names are case-insensitive", `{"StringEquals":{"aws:ResourceTag/team":"${AWS:PrincipalTag/Team}"}}`, kv("aws:resourcetag/team", "blue", "aws:principaltag/team", "blue"), true},
		{"unresolved: StringEquals never matches", `{"StringEquals":{"aws:ResourceTag/team":"${aws:PrincipalTag/team}"}}`, kv("aws:resourcetag/team", ""), false},
		{"unresolved: StringNotEquals matches", `{"StringNotEquals":{"aws:ResourceTag/team":"${aws:PrincipalTag/team}"}}`, kv("aws:resourcetag/team", "blue"), true},
		{"a default value", `{"StringEquals":{"aws:ResourceTag/team":"${aws:PrincipalTag/team, 'company-wide'}"}}`, kv("aws:resourcetag/team", "company-wide"), true},
		{"the default yields to a value", `{"StringEquals":{"aws:ResourceTag/team":"${aws:PrincipalTag/team, 'company-wide'}"}}`, kv("aws:resourcetag/team", "company-wide", "aws:principaltag/team", "blue"), false},
		{"a multivalued key is no variable", `{"StringEquals":{"aws:ResourceTag/k":"${aws:TagKeys}"}}`, kv("aws:resourcetag/k", "a", "aws:tagkeys", "a", "aws:tagkeys", "b"), false},
		{"${*} is a literal asterisk", `{"StringLike":{"s3:prefix":"a${*}"}}`, kv("s3:prefix", "ab"), false},
		{"${*} matches an asterisk", `{"StringLike":{"s3:prefix":"a${*}"}}`, kv("s3:prefix", "a*"), true},
		{"${?} and ${$}", `{"StringEquals":{"s3:prefix":"${?}${$}"}}`, kv("s3:prefix", "?$"), true},
		{"a variable's value is literal in StringLike", `{"StringLike":{"s3:prefix":"${aws:username}"}}`, kv("s3:prefix", "anything", "aws:username", "*"), false},
		{"StringEqualsIgnoreCase with a variable", `{"StringEqualsIgnoreCase":{"aws:ResourceTag/team":"${aws:PrincipalTag/team}"}}`, kv("aws:resourcetag/team", "BLUE", "aws:principaltag/team", "blue"), true},
		{"malformed variable syntax is literal", `{"StringEquals":{"s3:prefix":"${aws:username"}}`, kv("s3:prefix", "${aws:username", "aws:username", "x"), true},
	})
	// Version 2008-10-17, or no Version at all: ${…} is literal text.
	for _, version := range []string{Version2008, ""} {
		runCondCases(t, version, []condCase{
			{"2008: literal ${aws:username} " + version, `{"StringEquals":{"s3:prefix":"${aws:username}"}}`, kv("s3:prefix", "${aws:username}", "aws:username", "alice"), true},
			{"2008: not substituted " + version, `{"StringEquals":{"s3:prefix":"${aws:username}"}}`, kv("s3:prefix", "alice", "aws:username", "alice"), false},
		})
	}
}
