package deliverypolicy

import (
	"reflect"
	"slices"
	"testing"
	"time"
)

// secs is a schedule in whole seconds.
func secs(n ...int) []time.Duration {
	out := make([]time.Duration, len(n))
	for i, s := range n {
		out[i] = time.Duration(s) * time.Second
	}
	return out
}

// repeat is n copies of d seconds.
func repeat(n, d int) []int { return slices.Repeat([]int{d}, n) }

func TestDelays(t *testing.T) {
	// graph is the policy of AWS's graph of the four backoff functions: ten
	// retries, all in the backoff phase, from 5 to 260 seconds.
	graph := func(function string) Retry {
		return Retry{MinDelayTarget: 5, MaxDelayTarget: 260, NumRetries: 10, BackoffFunction: function}
	}
	tests := []struct {
		name string
		in   Retry
		want []time.Duration
	}{
		// "the default retry policy calls for a total of 3 retries with a 20
		// second delay between each retry"
		{"default", DefaultRetry(), secs(20, 20, 20)},
		// "Amazon SNS attempts the first retry after 20 seconds, the second
		// retry after 30 seconds, and the final retry after 40 seconds."
		{"default with maxDelayTarget 40", Retry{MinDelayTarget: 20, MaxDelayTarget: 40, NumRetries: 3, BackoffFunction: "linear"}, secs(20, 30, 40)},
		// Every function starts at minDelayTarget and ends at maxDelayTarget;
		// the waits between are ferry's curves.
		{"graph, linear", graph("linear"), secs(5, 33, 62, 90, 118, 147, 175, 203, 232, 260)},
		{"graph, arithmetic", graph("arithmetic"), secs(5, 11, 22, 39, 62, 90, 124, 164, 209, 260)},
		{"graph, geometric", graph("geometric"), secs(5, 8, 12, 19, 29, 45, 70, 108, 168, 260)},
		{"graph, exponential", graph("exponential"), secs(5, 5, 6, 8, 12, 20, 36, 68, 132, 260)},
		// The sample policy of "Creating an HTTP/S delivery policy": 3 times
		// immediately, 2 times 1 second apart, 10 times with exponential
		// backoff from 1 second to 60 seconds, 35 times 60 seconds apart.
		{"AWS's sample", Retry{MinDelayTarget: 1, MaxDelayTarget: 60, NumRetries: 50, NumNoDelayRetries: 3,
			NumMinDelayRetries: 2, NumMaxDelayRetries: 35, BackoffFunction: "exponential"},
			secs(slices.Concat(repeat(3, 0), repeat(2, 1), []int{1, 1, 1, 2, 3, 5, 8, 16, 30, 60}, repeat(35, 60))...)},
		{"no retries", Retry{MinDelayTarget: 1, MaxDelayTarget: 5, BackoffFunction: "linear"}, secs()},
		{"one backoff retry waits minDelayTarget", Retry{MinDelayTarget: 3, MaxDelayTarget: 9, NumRetries: 1, BackoffFunction: "exponential"}, secs(3)},
		{"no backoff phase", Retry{MinDelayTarget: 5, MaxDelayTarget: 30, NumRetries: 6, NumNoDelayRetries: 1,
			NumMinDelayRetries: 2, NumMaxDelayRetries: 3, BackoffFunction: "geometric"}, secs(0, 5, 5, 30, 30, 30)},
		{"two backoff retries", Retry{MinDelayTarget: 5, MaxDelayTarget: 30, NumRetries: 4, NumNoDelayRetries: 1,
			NumMaxDelayRetries: 1, BackoffFunction: "arithmetic"}, secs(0, 5, 30, 30)},
		{"equal targets", Retry{MinDelayTarget: 7, MaxDelayTarget: 7, NumRetries: 3, BackoffFunction: "geometric"}, secs(7, 7, 7)},

		// A Retry that no parser returned is brought inside the limits.
		{"zero value", Retry{}, secs()},
		{"unknown function is linear", Retry{MinDelayTarget: 20, MaxDelayTarget: 40, NumRetries: 3, BackoffFunction: "cubic"}, secs(20, 30, 40)},
		{"negative counts", Retry{MinDelayTarget: 2, MaxDelayTarget: 2, NumRetries: 2, NumNoDelayRetries: -1,
			NumMinDelayRetries: -5, NumMaxDelayRetries: -1}, secs(2, 2)},
		{"phases past numRetries", Retry{MinDelayTarget: 2, MaxDelayTarget: 4, NumRetries: 3, NumNoDelayRetries: 2,
			NumMinDelayRetries: 2, NumMaxDelayRetries: 2}, secs(0, 0, 2)},
		{"targets out of range", Retry{MinDelayTarget: -3, MaxDelayTarget: 9000, NumRetries: 2}, secs(1, 3600)},
		{"max below min", Retry{MinDelayTarget: 10, MaxDelayTarget: 2, NumRetries: 2, BackoffFunction: "geometric"}, secs(10, 10)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.in.Delays(); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("%+v.Delays()\n got %v\nwant %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestDelaysLength(t *testing.T) {
	if got := len(Retry{MinDelayTarget: 1, MaxDelayTarget: 1, NumRetries: 1 << 40}.Delays()); got != maxNumRetries {
		t.Errorf("Delays of 2^40 retries has %d entries, want %d", got, maxNumRetries)
	}
	if got := len(Retry{NumRetries: -4}.Delays()); got != 0 {
		t.Errorf("Delays of -4 retries has %d entries, want 0", got)
	}
}

// TestBackoffShapes checks, for every phase length and a spread of targets,
// that each function starts at minDelayTarget, ends at maxDelayTarget and
// never decreases.
func TestBackoffShapes(t *testing.T) {
	targets := [][2]int{{1, 1}, {1, 2}, {1, 60}, {5, 260}, {20, 40}, {1, 3600}, {3599, 3600}}
	for _, function := range []string{linear, arithmetic, geometric, exponential} {
		for _, tg := range targets {
			for n := 1; n <= maxNumRetries; n++ {
				d := Retry{MinDelayTarget: tg[0], MaxDelayTarget: tg[1], NumRetries: n, BackoffFunction: function}.Delays()
				if d[0] != time.Duration(tg[0])*time.Second {
					t.Fatalf("%s %v n=%d: first delay %v, want %ds", function, tg, n, d[0], tg[0])
				}
				if n > 1 && d[n-1] != time.Duration(tg[1])*time.Second {
					t.Fatalf("%s %v n=%d: last delay %v, want %ds", function, tg, n, d[n-1], tg[1])
				}
				if !slices.IsSorted(d) {
					t.Fatalf("%s %v n=%d: delays %v decrease", function, tg, n, d)
				}
			}
		}
	}
}
