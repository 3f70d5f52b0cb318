package sigv4

import (
	"io"
	"testing"
)

// benchRequest is an SQS JSON SendMessage as aws-sdk-go-v2 signs it: a small
// POST, the emulator's most common request.
func benchRequest(b *testing.B, name string) (*sdkCase, []byte) {
	for i := range sdkCases {
		if sdkCases[i].name == name {
			return &sdkCases[i], []byte(sdkCases[i].body)
		}
	}
	b.Fatalf("no case %q", name)
	return nil, nil
}

func BenchmarkVerify(b *testing.B) {
	for _, name := range []string{"sqs json POST with X-Amz-Target", "sqs query POST form", "GET with query", "presigned GetCallerIdentity"} {
		b.Run(name, func(b *testing.B) {
			c, body := benchRequest(b, name)
			r := c.buildSigned(b, "http://localhost:4566")
			if r.Body != nil {
				if _, err := io.ReadAll(r.Body); err != nil {
					b.Fatal(err)
				}
			}
			if err := verifyReceived(r, body, sdkSecret, sdkTime); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				s, err := Parse(r)
				if err != nil {
					b.Fatal(err)
				}
				if err := s.Verify(r, body, sdkSecret, sdkTime); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkVerifyParallel(b *testing.B) {
	c, body := benchRequest(b, "sqs json POST with X-Amz-Target")
	r := c.buildSigned(b, "http://localhost:4566")
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			s, err := Parse(r)
			if err != nil {
				b.Error(err)
				return
			}
			if err := s.Verify(r, body, sdkSecret, sdkTime); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

func BenchmarkDeriveSigningKey(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		deriveSigningKey(sdkSecret, "20260314", "us-east-1", "sqs")
	}
}
