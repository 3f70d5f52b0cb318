package persist

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	bolt "go.etcd.io/bbolt"
)

func TestBoltStore(t *testing.T) {
	storeContract(t, func(t *testing.T) Store {
		s, err := OpenBolt(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	})
}

func TestBoltSurvivesReopen(t *testing.T) {
	dir := t.TempDir()
	s, err := OpenBolt(dir)
	if err != nil {
		t.Fatal(err)
	}
	k := Key("111111111111", "us-east-1", "orders")
	if err := s.Update(Write{Bucket: "sqs.queues", Key: k, Value: []byte("v")}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = OpenBolt(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if v, ok, err := s.Get("sqs.queues", k); err != nil || !ok || string(v) != "v" {
		t.Fatalf("after reopen: %q %v %v", v, ok, err)
	}
}

// Many concurrent writers share commits, and every acknowledged write is there.
func TestBoltGroupCommit(t *testing.T) {
	dir := t.TempDir()
	s, err := OpenBolt(dir)
	if err != nil {
		t.Fatal(err)
	}
	const writers, each = 16, 50
	var wg sync.WaitGroup
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				if err := s.Update(Write{Bucket: "b", Key: []byte(fmt.Sprintf("%02d-%03d", w, i)), Value: []byte("x")}); err != nil {
					t.Error(err)
					return
				}
			}
		}(w)
	}
	wg.Wait()
	s.Close()
	s, err = OpenBolt(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	n := 0
	s.Scan("b", nil, func(k, v []byte) error { n++; return nil })
	if n != writers*each {
		t.Fatalf("%d keys after reopen, want %d", n, writers*each)
	}
}

func TestBoltRefusesWhatItCannotUse(t *testing.T) {
	t.Run("in use", func(t *testing.T) {
		dir := t.TempDir()
		s, err := OpenBolt(dir)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if _, err := OpenBolt(dir); err == nil || !strings.Contains(err.Error(), "in use") {
			t.Fatalf("second open: %v", err)
		}
	})
	t.Run("newer schema", func(t *testing.T) {
		dir := t.TempDir()
		db, err := bolt.Open(filepath.Join(dir, BoltFile), 0o600, nil)
		if err != nil {
			t.Fatal(err)
		}
		db.Update(func(tx *bolt.Tx) error {
			b, _ := tx.CreateBucket(metaBucket)
			return b.Put(schemaKey, []byte("99"))
		})
		db.Close()
		if _, err := OpenBolt(dir); err == nil || !strings.Contains(err.Error(), "newer ferry") {
			t.Fatalf("newer schema: %v", err)
		}
	})
	t.Run("not a ferry file", func(t *testing.T) {
		dir := t.TempDir()
		db, err := bolt.Open(filepath.Join(dir, BoltFile), 0o600, nil)
		if err != nil {
			t.Fatal(err)
		}
		db.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucket([]byte("other")); return err })
		db.Close()
		if _, err := OpenBolt(dir); err == nil || !strings.Contains(err.Error(), "not a ferry data file") {
			t.Fatalf("foreign file: %v", err)
		}
	})
	t.Run("damaged file", func(t *testing.T) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, BoltFile), []byte("this is not a database file at all"), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := OpenBolt(dir); err == nil {
			t.Fatal("opened a damaged file")
		}
	})
	t.Run("reserved bucket", func(t *testing.T) {
		s, err := OpenBolt(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if err := s.Update(Write{Bucket: string(metaBucket), Key: schemaKey, Value: []byte("0")}); err == nil {
			t.Fatal("wrote the schema bucket")
		}
	})
}

// BenchmarkUpdate: concurrent writers, each write durable before Update
// returns; group commit shares the fsyncs.
func BenchmarkUpdate(b *testing.B) {
	for _, store := range []string{"memory", "bolt"} {
		b.Run(store, func(b *testing.B) {
			var s Store = NewMemory()
			if store == "bolt" {
				bs, err := OpenBolt(b.TempDir())
				if err != nil {
					b.Fatal(err)
				}
				s = bs
			}
			defer s.Close()
			b.SetParallelism(32) // 64 writers on 2 cores
			var n int64
			var mu sync.Mutex
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					mu.Lock()
					n++
					k := n
					mu.Unlock()
					if err := s.Update(Write{Bucket: "b", Key: []byte(fmt.Sprint(k)), Value: []byte("a message body of some length")}); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}
