package sqs

import (
	"reflect"
	"testing"
	"time"

	"github.com/ferry-emulator/ferry/sqs/queue"
)

func codecSamples() []queue.Record {
	now := time.Unix(0, 1764700000123456789)
	return []queue.Record{
		{Key: 1, Msg: queue.Message{ID: "id", Body: "hello", MD5OfBody: "5d41402abc4b2a76b9719d911017c592", SenderID: "000000000000", SentAt: now}, EnqueuedAt: now,
			Status: queue.Status{State: queue.Visible}},
		{Key: 1 << 40, Msg: queue.Message{ID: "f", Body: "ü 東京 \x00", GroupID: "g", DeduplicationID: "d", SequenceNumber: "10000000000000000001",
			DeadLetterSourceARN: "arn:aws:sqs:us-east-1:000000000000:src", SentAt: now,
			Attributes:       map[string]queue.Attribute{"a": {DataType: "String", StringValue: "v"}, "b": {DataType: "Binary", BinaryValue: []byte{0, 1}}},
			SystemAttributes: map[string]queue.Attribute{"AWSTraceHeader": {DataType: "String", StringValue: "Root=1"}}},
			EnqueuedAt: now, Status: queue.Status{State: queue.InFlight, Due: now.Add(time.Minute), Nonce: 7, ReceiveCount: 3, FirstReceiveAt: now}},
	}
}

func TestJournalCodecRoundTrips(t *testing.T) {
	for _, r := range codecSamples() {
		got, err := decodeRecord(encodeRecord(r))
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, r) {
			t.Fatalf("round trip:\n got %+v\nwant %+v", got, r)
		}
		st, err := decodeStatus(encodeStatus(r.Status))
		if err != nil || !reflect.DeepEqual(st, r.Status) {
			t.Fatalf("status round trip: %+v %v", st, err)
		}
	}
	// Every truncation and an extra byte are refused, never misread.
	b := encodeRecord(codecSamples()[1])
	for n := range b {
		if _, err := decodeRecord(b[:n]); err == nil {
			t.Fatalf("a record cut at %d bytes decoded", n)
		}
	}
	if _, err := decodeRecord(append(b, 0)); err == nil {
		t.Fatal("a record with a trailing byte decoded")
	}
}

func TestCountersCodecRoundTrips(t *testing.T) {
	for _, c := range []queue.Counters{{}, {Key: 1, Nonce: 2, Seq: 10000000000000000001}, {Key: 1<<64 - 1, Nonce: 1 << 63, Seq: 1<<64 - 1}} {
		got, err := decodeCounters(encodeCounters(c))
		if err != nil || got != c {
			t.Fatalf("round trip of %+v: %+v %v", c, got, err)
		}
	}
	b := encodeCounters(queue.Counters{Key: 300, Nonce: 70000, Seq: 10000000000000000001})
	for n := range b {
		if _, err := decodeCounters(b[:n]); err == nil {
			t.Fatalf("counters cut at %d bytes decoded", n)
		}
	}
	if _, err := decodeCounters(append(b, 0)); err == nil {
		t.Fatal("counters with a trailing byte decoded")
	}
}

// FuzzDecodeRecord: a damaged data file must give an error, never a panic.
func FuzzDecodeRecord(f *testing.F) {
	for _, r := range codecSamples() {
		f.Add(encodeRecord(r))
		f.Add(encodeStatus(r.Status))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if r, err := decodeRecord(b); err == nil {
			if again, err := decodeRecord(encodeRecord(r)); err != nil || !reflect.DeepEqual(again, r) {
				t.Fatalf("re-encoding a decoded record: %v", err)
			}
		}
		decodeStatus(b)
		decodeCounters(b)
	})
}
