package sts

import "time"

// The shapes of STS's query protocol: lists arrive as X.member.N, hence the
// query tags; results are XML.

type tag struct {
	Key   string
	Value string
}

type policyDescriptor struct {
	ARN string `query:"arn"`
}

// isoTime renders as STS's timestamps do: 2011-07-15T23:28:33Z.
type isoTime time.Time

func (t isoTime) MarshalText() ([]byte, error) {
	return []byte(time.Time(t).UTC().Format("2006-01-02T15:04:05Z")), nil
}

type credentialsXML struct {
	AccessKeyID     string  `xml:"AccessKeyId"`
	SecretAccessKey string  `xml:"SecretAccessKey"`
	SessionToken    string  `xml:"SessionToken"`
	Expiration      isoTime `xml:"Expiration"`
}

type assumeRoleInput struct {
	RoleArn           *string
	RoleSessionName   *string
	DurationSeconds   *int32
	ExternalId        *string
	Policy            *string
	PolicyArns        []policyDescriptor `query:"PolicyArns.member"`
	Tags              []tag              `query:"Tags.member"`
	TransitiveTagKeys []string           `query:"TransitiveTagKeys.member"`
	SourceIdentity    *string
	SerialNumber      *string
	TokenCode         *string
}

type assumeRoleOutput struct {
	Credentials     credentialsXML `xml:"Credentials"`
	AssumedRoleUser struct {
		AssumedRoleID string `xml:"AssumedRoleId"`
		Arn           string `xml:"Arn"`
	} `xml:"AssumedRoleUser"`
	PackedPolicySize *int   `xml:"PackedPolicySize,omitempty"`
	SourceIdentity   string `xml:"SourceIdentity,omitempty"`
}

type getCallerIdentityInput struct{}

type getCallerIdentityOutput struct {
	UserID  string `xml:"UserId"`
	Account string `xml:"Account"`
	Arn     string `xml:"Arn"`
}

type getSessionTokenInput struct {
	DurationSeconds *int32
	SerialNumber    *string
	TokenCode       *string
}

type getSessionTokenOutput struct {
	Credentials credentialsXML `xml:"Credentials"`
}

type getAccessKeyInfoInput struct {
	AccessKeyId *string
}

type getAccessKeyInfoOutput struct {
	Account string `xml:"Account"`
}

type decodeAuthorizationMessageInput struct {
	EncodedMessage *string
}

type decodeAuthorizationMessageOutput struct {
	DecodedMessage string `xml:"DecodedMessage"`
}

// AssumeRoleInput and AssumeRoleOutput are AssumeRole's input and result,
// for services that assume a role in process (an IoT rule acting as the
// role in its roleArn).
type (
	AssumeRoleInput  = assumeRoleInput
	AssumeRoleOutput = assumeRoleOutput
)
