package emulator

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// FuzzServeIoT sends fuzzed REST-JSON requests — method, path with query,
// and body — to the IoT control and data planes of a server with a rule:
// routing, label, parameter and body decoding, rule validation and the
// rules engine must never answer 500.
func FuzzServeIoT(f *testing.F) {
	srv, err := New(Config{MQTTListen: "off"})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { srv.Shutdown(context.Background()) })
	creds := aws.Credentials{AccessKeyID: "test", SecretAccessKey: "test"}
	serve := func(tb testing.TB, service, method, target string, body []byte) int {
		req := httptest.NewRequest(method, "http://127.0.0.1:4566"+target, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		sum := sha256.Sum256(body)
		if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), service, "us-east-1", time.Now()); err != nil {
			tb.Fatal(err)
		}
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			tb.Fatalf("status %d for %s %s %q: %s", rec.Code, method, target, body, rec.Body)
		}
		return rec.Code
	}
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"iot.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	serveQuery(f, srv, "iam", map[string][]string{"Action": {"CreateRole"}, "RoleName": {"r"}, "AssumeRolePolicyDocument": {trust}})
	rule := `{"sql":"SELECT *, topic(2) AS t FROM 'a/+' WHERE x > 1","awsIotSqlVersion":"2016-03-23",` +
		`"actions":[{"republish":{"topic":"b/${topic(2)}","roleArn":"arn:aws:iam::000000000000:role/r"}}]}`
	if code := serve(f, "iot", "POST", "/rules/fuzz", []byte(rule)); code != 200 {
		f.Fatalf("create rule: %d", code)
	}
	for _, s := range []struct{ service, method, target, body string }{
		{"iot", "POST", "/rules/r2", rule},
		{"iot", "PATCH", "/rules/fuzz", `{"sql":"SELECT VALUE x FROM 'a'","actions":[]}`},
		{"iot", "GET", "/rules?maxResults=1&topic=a%2F%2B", ""},
		{"iot", "POST", "/rules/fuzz/disable", ""},
		{"iot", "GET", "/endpoint?endpointType=iot%3AData-ATS", ""},
		{"iot", "POST", "/tags", `{"resourceArn":"arn:aws:iot:us-east-1:000000000000:rule/fuzz","tags":[{"Key":"k","Value":"v"}]}`},
		{"iotdata", "POST", "/topics/a%2Fb?qos=1&retain=true", `{"x":2}`},
		{"iotdata", "POST", "/topics/a%2Fc", "not json"},
		{"iotdata", "GET", "/retainedMessage/a%2Fb", ""},
		{"iotdata", "GET", "/retainedMessage?maxResults=5", ""},
	} {
		f.Add(s.service, s.method, s.target, []byte(s.body))
	}
	f.Fuzz(func(t *testing.T, service, method, target string, body []byte) {
		if service != "iot" && service != "iotdata" {
			return
		}
		if !strings.HasPrefix(target, "/") || strings.ContainsAny(target, " \r\n#") {
			return
		}
		if _, err := url.ParseRequestURI("http://127.0.0.1:4566" + target); err != nil {
			return
		}
		switch method {
		case "GET", "POST", "PATCH", "DELETE":
		default:
			return
		}
		serve(t, service, method, target, body)
		if err := srv.Flush(context.Background()); err != nil {
			t.Fatal(err)
		}
	})
}
