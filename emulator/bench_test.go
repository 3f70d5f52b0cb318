package emulator

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"
)

// discardWriter is a ResponseWriter that keeps nothing, so the benchmarks
// measure the server, not the recorder.
type discardWriter struct{ h http.Header }

func (d *discardWriter) Header() http.Header         { return d.h }
func (d *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (d *discardWriter) WriteHeader(int)             {}

// benchServe replays one signed request through ServeHTTP: the server's own
// cost per request (signature verification, decoding, the action, encoding),
// without the network.
func benchServe(b *testing.B, target, contentType string, body []byte) {
	srv := serverWithQueue(b)
	signed := signedRequest(b, target, contentType, body)
	header := signed.Header.Clone()
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		w := &discardWriter{h: http.Header{}}
		for pb.Next() {
			r := httptest.NewRequest("POST", "http://127.0.0.1:4566/", bytes.NewReader(body))
			r.Header = header
			clear(w.h)
			srv.ServeHTTP(w, r)
		}
	})
}

func BenchmarkServeSendMessageJSON(b *testing.B) {
	benchServe(b, "AmazonSQS.SendMessage", "application/x-amz-json-1.0",
		[]byte(`{"QueueUrl":"http://127.0.0.1:4566/000000000000/fuzz","MessageBody":"hello from the benchmark"}`))
}

func BenchmarkServeSendMessageQuery(b *testing.B) {
	benchServe(b, "", "application/x-www-form-urlencoded",
		[]byte("Action=SendMessage&Version=2012-11-05&QueueUrl=http%3A%2F%2F127.0.0.1%3A4566%2F000000000000%2Ffuzz&MessageBody=hello+from+the+benchmark"))
}
