package queue

import (
	"reflect"
	"testing"
	"time"
)

// A message comes back from its stored form exactly as it went in, whatever
// the shape of its id and digest.
func TestStoredRoundTrip(t *testing.T) {
	sent := time.Date(2026, 12, 3, 8, 0, 0, 123456789, time.Local)
	attrs := map[string]Attribute{"k": {DataType: "String", StringValue: "v"}}
	for _, tc := range []struct {
		name   string
		m      Message
		packed uint8
		rare   bool
	}{
		{"usual", Message{ID: "0f8fad5b-d9cb-469f-a165-70867728950e", Body: "hello",
			MD5OfBody: "5d41402abc4b2a76b9719d911017c592", SenderID: "000000000000", SentAt: sent},
			packedID | packedMD5, false},
		{"received", Message{ID: "0f8fad5b-d9cb-469f-a165-70867728950e", MD5OfBody: "d41d8cd98f00b204e9800998ecf8427e",
			SentAt: sent, ReceiveCount: 3, FirstReceiveAt: sent.Add(time.Second)}, packedID | packedMD5, false},
		{"other id", Message{ID: "m1", MD5OfBody: "5d41402abc4b2a76b9719d911017c592"}, packedMD5, true},
		{"upper-case id", Message{ID: "0F8FAD5B-D9CB-469F-A165-70867728950E"}, 0, true},
		{"upper-case digest", Message{MD5OfBody: "5D41402ABC4B2A76B9719D911017C592"}, 0, true},
		{"short digest", Message{MD5OfBody: "5d41"}, 0, true},
		{"empty", Message{}, 0, false},
		{"attributes", Message{Attributes: attrs, MD5OfAttributes: "x", SystemAttributes: attrs, MD5OfSystemAttributes: "y"}, 0, true},
		{"empty attributes", Message{Attributes: map[string]Attribute{}}, 0, true},
		{"fifo", Message{GroupID: "g", DeduplicationID: "d", SequenceNumber: "10000000000000000001"}, 0, true},
		{"dead letter", Message{DeadLetterSourceARN: arn}, 0, true},
	} {
		s := store(&tc.m)
		if s.packed != tc.packed || (s.rare != nil) != tc.rare {
			t.Errorf("%s: packed %b, rare %v; want %b, %v", tc.name, s.packed, s.rare != nil, tc.packed, tc.rare)
		}
		got := s.message()
		if !got.SentAt.Equal(tc.m.SentAt) || !got.FirstReceiveAt.Equal(tc.m.FirstReceiveAt) {
			t.Errorf("%s: times %v %v, want %v %v", tc.name, got.SentAt, got.FirstReceiveAt, tc.m.SentAt, tc.m.FirstReceiveAt)
		}
		got.SentAt, got.FirstReceiveAt = tc.m.SentAt, tc.m.FirstReceiveAt
		if !reflect.DeepEqual(got, tc.m) {
			t.Errorf("%s: got back %+v, want %+v", tc.name, got, tc.m)
		}
	}
}
