package sns

import "testing"

// BenchmarkSign is one message signature, the CPU every enveloped message
// costs once however many subscribers get it.
func BenchmarkSign(b *testing.B) {
	g := newSigner(nil)
	if err := g.load(); err != nil {
		b.Fatal(err)
	}
	s := canonicalString([][2]string{{"Message", "hello"}, {"MessageId", "id"}, {"Timestamp", "t"}, {"TopicArn", "arn"}, {"Type", "Notification"}})
	b.ResetTimer()
	for b.Loop() {
		if _, err := g.sign("1", s); err != nil {
			b.Fatal(err)
		}
	}
}
