package iam_test

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

	"github.com/ferry-emulator/ferry/emulator"
)

// The query protocol on the wire, as the IAM API reference's examples show
// it (https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListUsers.html
// and siblings): form-encoded Action=…&Version=2010-05-08 in, and
// <ActionResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ActionResult>…
// out, lists wrapped as <Users><member>…</member></Users>, policy documents
// URL-encoded, errors as <ErrorResponse><Error><Type/><Code/><Message/></Error>.

const iamXMLNamespace = "https://iam.amazonaws.com/doc/2010-05-08/"

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
	return out
}

func (n *xmlNode) all(name string) []xmlNode {
	var out []xmlNode
	for _, c := range n.Nodes {
		if c.XMLName.Local == name {
			out = append(out, c)
		}
	}
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
			t.Fatalf("<%s> has no <%s> (children %v), looking for %v", cur.XMLName.Local, p, cur.names(), path)
		}
		cur = next
	}
	return cur
}

func (n *xmlNode) text(t *testing.T, path ...string) string {
	t.Helper()
	return strings.TrimSpace(n.at(t, path...).Text)
}

// iamQuery posts a signed query request as the default account's root and
// parses the answer.
func iamQuery(t *testing.T, srv *emulator.Server, params url.Values) (int, *xmlNode) {
	t.Helper()
	params.Set("Version", "2010-05-08")
	body := []byte(params.Encode())
	req, err := http.NewRequest(http.MethodPost, srv.URL()+"/", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	sum := sha256.Sum256(body)
	creds := aws.Credentials{AccessKeyID: "test", SecretAccessKey: "test"}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), "iam", region, time.Now()); err != nil {
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
		t.Fatalf("%s: not XML: %v\n%s", params.Get("Action"), err, b)
	}
	return resp.StatusCode, &root
}

// iamOK runs an action that must succeed and returns its Result element.
func iamOK(t *testing.T, srv *emulator.Server, params url.Values) *xmlNode {
	t.Helper()
	action := params.Get("Action")
	status, root := iamQuery(t, srv, params)
	if status != http.StatusOK {
		t.Fatalf("%s: status %d: %v", action, status, root)
	}
	if root.XMLName.Local != action+"Response" || root.XMLName.Space != iamXMLNamespace {
		t.Fatalf("root {%s}%s, want {%s}%sResponse", root.XMLName.Space, root.XMLName.Local, iamXMLNamespace, action)
	}
	if got := root.text(t, "ResponseMetadata", "RequestId"); len(got) != 36 {
		t.Errorf("%s: RequestId %q", action, got)
	}
	results := root.all(action + "Result")
	if len(results) != 1 {
		return nil
	}
	return &results[0]
}

func TestQueryProtocolShapes(t *testing.T) {
	srv := startFerry(t)
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

	user := iamOK(t, srv, url.Values{"Action": {"CreateUser"}, "UserName": {"alice"}, "Path": {"/eng/"},
		"Tags.member.1.Key": {"team"}, "Tags.member.1.Value": {"core"}}).at(t, "User")
	for _, el := range []string{"Path", "UserName", "UserId", "Arn", "CreateDate"} {
		user.at(t, el)
	}
	if got := user.text(t, "CreateDate"); !strings.HasSuffix(got, "Z") || strings.Contains(got, ".") {
		t.Errorf("CreateDate %q, want ISO 8601 to the second, as 2012-09-05T19:38:48Z", got)
	}
	tags := user.at(t, "Tags")
	if got := tags.names(); !slices.Equal(got, []string{"member"}) {
		t.Fatalf("<Tags> children %v", got)
	}
	if tags.text(t, "member", "Key") != "team" || tags.text(t, "member", "Value") != "core" {
		t.Errorf("tag %v", tags)
	}

	iamOK(t, srv, url.Values{"Action": {"CreateUser"}, "UserName": {"bob"}})
	list := iamOK(t, srv, url.Values{"Action": {"ListUsers"}})
	if got := list.names(); !slices.Equal(got, []string{"Users", "IsTruncated"}) {
		t.Errorf("ListUsersResult children %v", got)
	}
	members := list.at(t, "Users").all("member")
	if len(members) != 2 || members[0].text(t, "UserName") != "alice" {
		t.Fatalf("Users %v", list.at(t, "Users"))
	}
	if len(members[0].all("Tags")) != 0 {
		t.Error("ListUsers renders tags; AWS leaves them out")
	}
	if list.text(t, "IsTruncated") != "false" {
		t.Errorf("IsTruncated %q", list.text(t, "IsTruncated"))
	}
	empty := iamOK(t, srv, url.Values{"Action": {"ListGroups"}})
	if got := empty.at(t, "Groups").names(); len(got) != 0 {
		t.Errorf("empty Groups %v", got)
	}

	role := iamOK(t, srv, url.Values{"Action": {"CreateRole"}, "RoleName": {"r"}, "AssumeRolePolicyDocument": {trust}}).at(t, "Role")
	doc := role.text(t, "AssumeRolePolicyDocument")
	if want := "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22Service%22%3A%22sns.amazonaws.com%22%7D%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%5D%7D"; doc != want {
		t.Errorf("AssumeRolePolicyDocument\n got %s\nwant %s", doc, want)
	}
	if role.text(t, "MaxSessionDuration") != "3600" {
		t.Errorf("MaxSessionDuration %q", role.text(t, "MaxSessionDuration"))
	}

	key := iamOK(t, srv, url.Values{"Action": {"CreateAccessKey"}, "UserName": {"alice"}}).at(t, "AccessKey")
	for _, el := range []string{"UserName", "AccessKeyId", "Status", "SecretAccessKey", "CreateDate"} {
		key.at(t, el)
	}
	keys := iamOK(t, srv, url.Values{"Action": {"ListAccessKeys"}, "UserName": {"alice"}}).at(t, "AccessKeyMetadata", "member")
	if len(keys.all("SecretAccessKey")) != 0 {
		t.Error("ListAccessKeys shows the secret")
	}

	// Empty results: DeleteUser has none; UpdateRole's is an empty element.
	if res := iamOK(t, srv, url.Values{"Action": {"DeleteUser"}, "UserName": {"bob"}}); res != nil {
		t.Errorf("DeleteUser result %v", res)
	}
	if res := iamOK(t, srv, url.Values{"Action": {"UpdateRole"}, "RoleName": {"r"}, "MaxSessionDuration": {"7200"}}); res == nil || len(res.Nodes) != 0 {
		t.Errorf("UpdateRole result %v, want an empty <UpdateRoleResult/>", res)
	}
}

func TestQueryProtocolErrors(t *testing.T) {
	srv := startFerry(t)
	status, root := iamQuery(t, srv, url.Values{"Action": {"GetUser"}, "UserName": {"nobody"}})
	if status != http.StatusNotFound {
		t.Errorf("status %d, want 404", status)
	}
	if root.XMLName.Local != "ErrorResponse" || root.XMLName.Space != iamXMLNamespace {
		t.Errorf("root {%s}%s", root.XMLName.Space, root.XMLName.Local)
	}
	if root.text(t, "Error", "Type") != "Sender" || root.text(t, "Error", "Code") != "NoSuchEntity" ||
		root.text(t, "Error", "Message") != "The user with name nobody cannot be found." {
		t.Errorf("error %v", root)
	}
	root.at(t, "RequestId")

	cases := []struct {
		params url.Values
		status int
		code   string
	}{
		{url.Values{"Action": {"CreateUser"}}, 400, "ValidationError"},
		{url.Values{"Action": {"CreateUser"}, "UserName": {"a b"}}, 400, "ValidationError"},
		{url.Values{"Action": {"CreatePolicy"}, "PolicyName": {"p"}, "PolicyDocument": {"{"}}, 400, "MalformedPolicyDocument"},
		{url.Values{"Action": {"DeletePolicy"}, "PolicyArn": {"arn:aws:iam::000000000000:policy/none"}}, 404, "NoSuchEntity"},
		{url.Values{"Action": {"NoSuchAction"}}, 400, "InvalidAction"},
	}
	for _, tc := range cases {
		status, root := iamQuery(t, srv, tc.params)
		if status != tc.status || root.text(t, "Error", "Code") != tc.code {
			t.Errorf("%v: %d %s, want %d %s", tc.params, status, root.text(t, "Error", "Code"), tc.status, tc.code)
		}
	}
	iamOK(t, srv, url.Values{"Action": {"CreateUser"}, "UserName": {"alice"}})
	status, root = iamQuery(t, srv, url.Values{"Action": {"CreateUser"}, "UserName": {"alice"}})
	if status != http.StatusConflict || root.text(t, "Error", "Code") != "EntityAlreadyExists" {
		t.Errorf("duplicate: %d %v", status, root)
	}
	_, root = iamQuery(t, srv, url.Values{"Action": {"CreateUser"}})
	if got := root.text(t, "Error", "Message"); got != "1 validation error detected: Value null at 'userName' failed to satisfy constraint: Member must not be null" {
		t.Errorf("missing UserName: %q", got)
	}
}
