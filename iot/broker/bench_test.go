package broker

import (
	"log/slog"
	"net"
	"sync/atomic"
	"testing"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"
	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/listeners"
	"github.com/mochi-mqtt/server/v2/packets"
)

// BenchmarkPubSub measures one paho publisher at QoS 1 feeding one paho
// subscriber at QoS 1, through a standalone mochi server and through the
// broker (whose front touches only the CONNECT).
func BenchmarkPubSub(b *testing.B) {
	b.Run("mochi", func(b *testing.B) {
		srv := mqtt.New(&mqtt.Options{Logger: slog.New(slog.DiscardHandler)})
		if err := srv.AddHook(new(allowAll), nil); err != nil {
			b.Fatal(err)
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		if err := srv.AddListener(listeners.NewNet("bench", ln)); err != nil {
			b.Fatal(err)
		}
		if err := srv.Serve(); err != nil {
			b.Fatal(err)
		}
		defer srv.Close()
		benchPubSub(b, "tcp://"+ln.Addr().String(), "", "")
	})
	b.Run("broker", func(b *testing.B) {
		br := startBroker(b, Config{})
		benchPubSub(b, "tcp://"+br.Addr().String(), "AKIDALICE", "alice-secret")
	})
	b.Run("broker-callbacks", func(b *testing.B) {
		var n atomic.Int64
		br := startBroker(b, Config{
			Authorize: func(Principal, string, string, string) bool { return true },
			OnMessage: func(*Message) { n.Add(1) },
		})
		benchPubSub(b, "tcp://"+br.Addr().String(), "AKIDALICE", "alice-secret")
	})
}

func benchPubSub(b *testing.B, url, user, secret string) {
	const window = 32 // publishes in flight
	var received atomic.Int64
	done := make(chan struct{})
	want := int64(b.N)

	opts, sub := clientOptions(url, "bench-sub", user, secret)
	opts.SetDefaultPublishHandler(func(paho.Client, paho.Message) {
		if received.Add(1) == want {
			close(done)
		}
	})
	sub = mustDialWith(b, opts, sub)
	sub.mustSubscribe(b, "bench/t", 1)
	pub := connect0(b, url, "bench-pub", user, secret)
	payload := make([]byte, 64)

	b.ResetTimer()
	start := time.Now()
	tokens := make([]paho.Token, 0, window)
	for range b.N {
		if len(tokens) == window {
			waitToken(b, tokens[0])
			tokens = tokens[1:]
		}
		tokens = append(tokens, pub.Publish("bench/t", 1, false, payload))
	}
	for _, tok := range tokens {
		waitToken(b, tok)
	}
	select {
	case <-done:
	case <-time.After(time.Minute):
		b.Fatalf("subscriber got %d of %d messages", received.Load(), b.N)
	}
	elapsed := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "msgs/s")
}

func connect0(b *testing.B, url, id, user, secret string) *client {
	c, err := dial(b, url, id, user, secret)
	if err != nil {
		b.Fatal(err)
	}
	return c
}

func waitToken(b *testing.B, tok paho.Token) {
	if !tok.WaitTimeout(wait) {
		b.Fatal("publish not acknowledged")
	}
	if err := tok.Error(); err != nil {
		b.Fatal(err)
	}
}

// allowAll is mochi's auth.AllowHook (whose package needs a module this
// one does not require).
type allowAll struct{ mqtt.HookBase }

func (h *allowAll) ID() string { return "allow-all" }

func (h *allowAll) Provides(b byte) bool {
	return b == mqtt.OnConnectAuthenticate || b == mqtt.OnACLCheck
}

func (h *allowAll) OnConnectAuthenticate(*mqtt.Client, packets.Packet) bool { return true }

func (h *allowAll) OnACLCheck(*mqtt.Client, string, bool) bool { return true }
