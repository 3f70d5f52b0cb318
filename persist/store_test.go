package persist

import (
	"bytes"
	"errors"
	"testing"
)

// storeContract runs the Store contract against one implementation; every
// implementation's tests call it.
func storeContract(t *testing.T, open func(t *testing.T) Store) {
	t.Run("update get delete", func(t *testing.T) {
		s := open(t)
		k := Key("111111111111", "us-east-1", "orders")
		if err := s.Update(Write{Bucket: "b", Key: k, Value: []byte("v1")}); err != nil {
			t.Fatal(err)
		}
		v, ok, err := s.Get("b", k)
		if err != nil || !ok || string(v) != "v1" {
			t.Fatalf("get = %q %v %v", v, ok, err)
		}
		if err := s.Update(Write{Bucket: "b", Key: k}); err != nil {
			t.Fatal(err)
		}
		if _, ok, _ := s.Get("b", k); ok {
			t.Fatal("deleted key still there")
		}
	})
	t.Run("writes apply in order", func(t *testing.T) {
		s := open(t)
		k := []byte("k")
		s.Update(Write{Bucket: "b", Key: k, Value: []byte("1")}, Write{Bucket: "b", Key: k}, Write{Bucket: "b", Key: k, Value: []byte("3")})
		if v, _, _ := s.Get("b", k); string(v) != "3" {
			t.Fatalf("got %q", v)
		}
	})
	t.Run("values are copied", func(t *testing.T) {
		s := open(t)
		val := []byte("abc")
		s.Update(Write{Bucket: "b", Key: []byte("k"), Value: val})
		val[0] = 'X'
		got, _, _ := s.Get("b", []byte("k"))
		got[1] = 'Y'
		if again, _, _ := s.Get("b", []byte("k")); string(again) != "abc" {
			t.Fatalf("stored value changed: %q", again)
		}
	})
	t.Run("scan by prefix in key order", func(t *testing.T) {
		s := open(t)
		for _, k := range [][]byte{
			Key("111111111111", "us-east-1", "b"), Key("111111111111", "us-east-1", "a"),
			Key("111111111111", "eu-west-1", "a"), Key("222222222222", "us-east-1", "a"),
		} {
			s.Update(Write{Bucket: "q", Key: k, Value: []byte("x")})
		}
		var got []string
		err := s.Scan("q", Key("111111111111", "us-east-1", ""), func(k, v []byte) error {
			got = append(got, SplitKey(k)[2])
			return nil
		})
		if err != nil || len(got) != 2 || got[0] != "a" || got[1] != "b" {
			t.Fatalf("scan = %v %v", got, err)
		}
		stop := errors.New("stop")
		if err := s.Scan("q", nil, func(k, v []byte) error { return stop }); err != stop {
			t.Fatalf("scan error = %v", err)
		}
	})
	t.Run("delete by prefix", func(t *testing.T) {
		s := open(t)
		keep := Key("111111111111", "us-east-1", "orders-dlq", "m1")
		for _, k := range [][]byte{Key("111111111111", "us-east-1", "orders", "m1"), Key("111111111111", "us-east-1", "orders", "m2"), keep} {
			s.Update(Write{Bucket: "m", Key: k, Value: []byte("x")})
		}
		if err := s.Update(Write{Bucket: "m", Key: Key("111111111111", "us-east-1", "orders", ""), Prefix: true}); err != nil {
			t.Fatal(err)
		}
		var left [][]byte
		s.Scan("m", nil, func(k, v []byte) error { left = append(left, bytes.Clone(k)); return nil })
		if len(left) != 1 || !bytes.Equal(left[0], keep) {
			t.Fatalf("left %q", left)
		}
	})
	t.Run("submitted writes commit in order", func(t *testing.T) {
		s := open(t)
		j, ok := s.(Journal)
		if !ok {
			t.Skip("this store keeps no journal")
		}
		var last Pending
		for i := range 200 {
			last = j.Submit(Write{Bucket: "j", Key: []byte("k"), Value: []byte{byte(i)}})
		}
		if err := last.Wait(); err != nil {
			t.Fatal(err)
		}
		if v, _, _ := s.Get("j", []byte("k")); len(v) != 1 || v[0] != 199 {
			t.Fatalf("last write lost its place: %v", v)
		}
	})
	t.Run("reset and close", func(t *testing.T) {
		s := open(t)
		s.Update(Write{Bucket: "b", Key: []byte("k"), Value: []byte("v")})
		if err := s.Reset(); err != nil {
			t.Fatal(err)
		}
		if _, ok, _ := s.Get("b", []byte("k")); ok {
			t.Fatal("reset kept a key")
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		if err := s.Update(Write{Bucket: "b", Key: []byte("k"), Value: []byte("v")}); !errors.Is(err, ErrClosed) {
			t.Fatalf("update after close = %v", err)
		}
	})
}

func TestMemoryStore(t *testing.T) {
	storeContract(t, func(t *testing.T) Store { return NewMemory() })
}

func TestKey(t *testing.T) {
	k := Key("111111111111", "us-east-1", "orders")
	if parts := SplitKey(k); len(parts) != 3 || parts[2] != "orders" {
		t.Fatalf("split = %q", parts)
	}
	if !bytes.HasPrefix(Key("1", "r", "orders", "m1"), Key("1", "r", "orders")) {
		t.Fatal("a key does not begin with its parent's key")
	}
}
