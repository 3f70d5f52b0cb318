package sts_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// STS's query protocol on the wire, against the shapes of the STS API
// reference's examples
// (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html#API_AssumeRole_Examples):
// <AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>
// <SourceIdentity/><AssumedRoleUser><Arn/><AssumedRoleId/></AssumedRoleUser>
// <Credentials><AccessKeyId/><SecretAccessKey/><SessionToken/><Expiration/></Credentials>
// <PackedPolicySize/></AssumeRoleResult><ResponseMetadata>…

const stsXMLNamespace = "https://sts.amazonaws.com/doc/2011-06-15/"

type xmlNode struct {
	XMLName xml.Name
	Text    string    `xml:",chardata"`
	Nodes   []xmlNode `xml:",any"`
}

func (n *xmlNode) names() []string {
	out := make([]string, len(n.Nodes))
	for i, c := range n.Nodes {
		out[i] = c.XMLName.Local
	}
	slices.Sort(out)
	return out
}

func (n *xmlNode) at(t *testing.T, path ...string) *xmlNode {
	t.Helper()
	cur := n
	for _, p := range path {
		var next *xmlNode
		for i := range cur.Nodes {
			if cur.Nodes[i].XMLName.Local == p {
				next = &cur.Nodes[i]
				break
			}
		}
		if next == nil {
			t.Fatalf("<%s> has no <%s> (children %v)", cur.XMLName.Local, p, cur.names())
		}
		cur = next
	}
	return cur
}

func (n *xmlNode) text(t *testing.T, path ...string) string {
	t.Helper()
	return strings.TrimSpace(n.at(t, path...).Text)
}

func stsQuery(t *testing.T, f *ferry, creds aws.Credentials, params url.Values) (int, *xmlNode) {
	t.Helper()
	params.Set("Version", "2011-06-15")
	body := []byte(params.Encode())
	req, err := http.NewRequest(http.MethodPost, f.srv.URL()+"/", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	if creds.SessionToken != "" {
		req.Header.Set("X-Amz-Security-Token", creds.SessionToken)
	}
	sum := sha256.Sum256(body)
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), "sts", region, time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var root xmlNode
	if err := xml.Unmarshal(b, &root); err != nil {
		t.Fatalf("not XML: %v\n%s", err, b)
	}
	return resp.StatusCode, &root
}

func TestQueryProtocolShapes(t *testing.T) {
	f := start(t)
	ctx := ctxT(t)
	f.user(t, f.iam, "alice", canAssume)
	key, err := f.iam.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("alice")})
	if err != nil {
		t.Fatal(err)
	}
	alice := aws.Credentials{AccessKeyID: aws.ToString(key.AccessKey.AccessKeyId), SecretAccessKey: aws.ToString(key.AccessKey.SecretAccessKey)}
	arn := role(t, f.iam, "r", trusting("arn:aws:iam::000000000000:user/alice", ""), "")

	status, root := stsQuery(t, f, alice, url.Values{
		"Action": {"AssumeRole"}, "RoleArn": {arn}, "RoleSessionName": {"TestAR"}, "SourceIdentity": {"Alice"},
		"PolicyArns.member.1.arn": {"arn:aws:iam::aws:policy/AmazonSQSReadOnlyAccess"},
		"Tags.member.1.Key":       {"Project"}, "Tags.member.1.Value": {"Pegasus"},
		"TransitiveTagKeys.member.1": {"Project"},
	})
	if status != http.StatusOK || root.XMLName.Local != "AssumeRoleResponse" || root.XMLName.Space != stsXMLNamespace {
		t.Fatalf("status %d, root {%s}%s", status, root.XMLName.Space, root.XMLName.Local)
	}
	res := root.at(t, "AssumeRoleResult")
	if got := res.names(); !slices.Equal(got, []string{"AssumedRoleUser", "Credentials", "PackedPolicySize", "SourceIdentity"}) {
		t.Errorf("AssumeRoleResult children %v", got)
	}
	if got := res.at(t, "Credentials").names(); !slices.Equal(got, []string{"AccessKeyId", "Expiration", "SecretAccessKey", "SessionToken"}) {
		t.Errorf("Credentials children %v", got)
	}
	if exp := res.text(t, "Credentials", "Expiration"); len(exp) != len("2019-11-09T13:34:41Z") || !strings.HasSuffix(exp, "Z") {
		t.Errorf("Expiration %q", exp)
	}
	if got := res.text(t, "AssumedRoleUser", "Arn"); got != "arn:aws:sts::000000000000:assumed-role/r/TestAR" {
		t.Errorf("AssumedRoleUser.Arn %q", got)
	}
	if !strings.HasSuffix(res.text(t, "AssumedRoleUser", "AssumedRoleId"), ":TestAR") || res.text(t, "SourceIdentity") != "Alice" {
		t.Errorf("result %v", res)
	}
	root.at(t, "ResponseMetadata", "RequestId")

	session := aws.Credentials{
		AccessKeyID: res.text(t, "Credentials", "AccessKeyId"), SecretAccessKey: res.text(t, "Credentials", "SecretAccessKey"),
		SessionToken: res.text(t, "Credentials", "SessionToken"),
	}
	status, root = stsQuery(t, f, session, url.Values{"Action": {"GetCallerIdentity"}})
	if status != http.StatusOK {
		t.Fatalf("GetCallerIdentity: %d %v", status, root)
	}
	who := root.at(t, "GetCallerIdentityResult")
	if got := who.names(); !slices.Equal(got, []string{"Account", "Arn", "UserId"}) {
		t.Errorf("GetCallerIdentityResult children %v", got)
	}

	status, root = stsQuery(t, f, alice, url.Values{"Action": {"AssumeRole"}, "RoleArn": {arn}, "RoleSessionName": {"a b"}})
	if status != http.StatusBadRequest || root.XMLName.Local != "ErrorResponse" || root.XMLName.Space != stsXMLNamespace ||
		root.text(t, "Error", "Code") != "ValidationError" || root.text(t, "Error", "Type") != "Sender" {
		t.Errorf("validation error: %d %v", status, root)
	}
	status, root = stsQuery(t, f, alice, url.Values{"Action": {"AssumeRole"}, "RoleArn": {"arn:aws:iam::000000000000:role/ghost"}, "RoleSessionName": {"s1"}})
	if status != http.StatusForbidden || root.text(t, "Error", "Code") != "AccessDenied" {
		t.Errorf("unknown role: %d %v", status, root)
	}
}
