package sqs

import (
	"testing"

	"github.com/ferry-emulator/ferry/emulator/api"
)

func TestParseQueueURL(t *testing.T) {
	req := &api.Request{Region: "eu-west-1"}
	tests := []struct {
		raw                   string
		account, region, name string
		ok                    bool
	}{
		{"http://localhost:4566/111111111111/orders", "111111111111", "eu-west-1", "orders", true},
		{"http://ferry:4566/111111111111/orders.fifo/", "111111111111", "eu-west-1", "orders.fifo", true},
		{"https://sqs.us-east-1.amazonaws.com/111111111111/orders", "111111111111", "us-east-1", "orders", true},
		{"https://SQS.AP-SOUTHEAST-2.amazonaws.com/111111111111/orders", "111111111111", "ap-southeast-2", "orders", true},
		{"https://us-west-2.queue.amazonaws.com/111111111111/orders", "111111111111", "us-west-2", "orders", true},
		{"https://queue.amazonaws.com/111111111111/orders", "111111111111", "us-east-1", "orders", true},
		{"http://user@[::1]:4566/111111111111/orders?x=1", "111111111111", "eu-west-1", "orders", true},
		{"/111111111111/orders", "111111111111", "eu-west-1", "orders", true},
		{"http://localhost:4566", "", "", "", false},
		{"http://localhost:4566/orders", "", "", "", false},
		{"http://localhost:4566/11111111111/orders", "", "", "", false},
		{"http://localhost:4566/111111111111/a/b", "", "", "", false},
		{"orders", "", "", "", false},
		{"", "", "", "", false},
	}
	for _, tc := range tests {
		ref, err := parseQueueURL(tc.raw, req)
		if tc.ok != (err == nil) {
			t.Errorf("%q: err = %v", tc.raw, err)
			continue
		}
		if tc.ok && (ref.account != tc.account || ref.region != tc.region || ref.name != tc.name) {
			t.Errorf("%q = %+v", tc.raw, ref)
		}
	}
}

func FuzzParseQueueURL(f *testing.F) {
	for _, s := range []string{"http://localhost:4566/111111111111/orders", "https://sqs.us-east-1.amazonaws.com/111111111111/q", "/1/2", "://", "http://[::1"} {
		f.Add(s)
	}
	req := &api.Request{Region: "us-east-1"}
	f.Fuzz(func(t *testing.T, raw string) {
		if ref, err := parseQueueURL(raw, req); err == nil && (!isAccountID(ref.account) || ref.name == "") {
			t.Fatalf("%q parsed to %+v", raw, ref)
		}
	})
}
