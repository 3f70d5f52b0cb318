package iam

import (
	"net/url"
	"strings"
	"time"

	"github.com/ferry-emulator/ferry/emulator/api"
)

// The shapes IAM's query protocol carries. Inputs name their parameters as
// the model does; lists arrive as X.member.N, hence the query tags. Results
// are XML with lists wrapped in <X><member>…</member></X>.

// tag is an IAM tag; tags keep the order they were given in.
type tag struct {
	Key   string `xml:"Key"`
	Value string `xml:"Value"`
}

// members renders a list as <X><member>…</member>…</X>.
type members[T any] = api.Members[T]

// isoTime renders as IAM's timestamps do: 2015-03-09T18:39:23Z.
type isoTime time.Time

func (t isoTime) MarshalText() ([]byte, error) {
	return []byte(time.Time(t).UTC().Format("2006-01-02T15:04:05Z")), nil
}

// encodeDocument URL-encodes a policy document as IAM returns it
// (RFC 3986: spaces as %20).
func encodeDocument(doc string) string {
	return strings.ReplaceAll(url.QueryEscape(doc), "+", "%20")
}

type boundaryXML struct {
	PermissionsBoundaryType string `xml:"PermissionsBoundaryType"`
	PermissionsBoundaryArn  string `xml:"PermissionsBoundaryArn"`
}

func boundaryOf(arn string) *boundaryXML {
	if arn == "" {
		return nil
	}
	return &boundaryXML{PermissionsBoundaryType: "PermissionsBoundaryPolicy", PermissionsBoundaryArn: arn}
}

// Inputs and results shared by several actions.

type listTagsOutput struct {
	Tags        members[tag] `xml:"Tags"`
	IsTruncated bool         `xml:"IsTruncated"`
	Marker      string       `xml:"Marker,omitempty"`
}

type listNamesOutput struct {
	PolicyNames members[string] `xml:"PolicyNames"`
	IsTruncated bool            `xml:"IsTruncated"`
	Marker      string          `xml:"Marker,omitempty"`
}

type attachedPolicyXML struct {
	PolicyName string `xml:"PolicyName"`
	PolicyArn  string `xml:"PolicyArn"`
}

type listAttachedOutput struct {
	AttachedPolicies members[attachedPolicyXML] `xml:"AttachedPolicies"`
	IsTruncated      bool                       `xml:"IsTruncated"`
	Marker           string                     `xml:"Marker,omitempty"`
}
