package persist

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// fileWithData makes a closed store in a directory of its own, holding
// keys spread over many pages, and returns the directory, the number of
// keys and the length its metadata requires, as bbolt itself reports it.
func fileWithData(t *testing.T) (dir string, keys int, need int64) {
	t.Helper()
	dir = t.TempDir()
	s, err := OpenBolt(dir)
	if err != nil {
		t.Fatal(err)
	}
	keys = 2000
	var writes []Write
	for i := range keys {
		writes = append(writes, Write{Bucket: "sqs.messages", Key: Key("000000000000", "us-east-1", "q", fmt.Sprintf("%06d", i)), Value: bytes.Repeat([]byte{byte(i)}, 200)})
	}
	for i := 0; i < len(writes); i += 500 {
		if err := s.Update(writes[i : i+500]...); err != nil {
			t.Fatal(err)
		}
	}
	// A last commit of its own: either meta page then holds every key.
	if err := s.Update(Write{Bucket: "sqs.queues", Key: []byte("last"), Value: []byte("commit")}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := bolt.Open(filepath.Join(dir, BoltFile), 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	db.View(func(tx *bolt.Tx) error { need = tx.Size(); return nil }) // pgid × page size
	db.Close()
	return dir, keys, need
}

// copyTruncated writes the first size bytes of raw, a store's file, as
// the store of a new directory.
func copyTruncated(t *testing.T, raw []byte, size int64) string {
	t.Helper()
	if size > int64(len(raw)) {
		t.Fatalf("cutting %d bytes to %d", len(raw), size)
	}
	to := t.TempDir()
	if err := os.WriteFile(filepath.Join(to, BoltFile), raw[:size], 0o600); err != nil {
		t.Fatal(err)
	}
	return to
}

func readStore(t *testing.T, dir string) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(dir, BoltFile))
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func countKeys(t *testing.T, s Store) int {
	t.Helper()
	n := 0
	if err := s.Scan("sqs.messages", nil, func(k, v []byte) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	return n
}

// A file cut short (a full disk, a copy that stopped half way) would crash
// bbolt with a SIGBUS when it reads a page past the end. OpenBolt refuses it
// with an error instead, wherever the cut is.
func TestBoltRefusesATruncatedFile(t *testing.T) {
	dir, keys, need := fileWithData(t)
	raw := readStore(t, dir)
	const page = 4096
	if need < 100<<10 {
		t.Fatalf("the file needs only %d bytes: too few pages for the cuts below", need)
	}
	cuts := map[string]int64{
		"inside the first meta page": 100,
		"one meta page":              page,
		"just after the metas":       2 * page,
		"20 KB":                      20 << 10,
		"100 KB":                     100 << 10,
		"mid-file":                   need / 2,
		"one page short":             need - page,
		"one byte short":             need - 1,
	}
	// And at every page boundary.
	for size := int64(page); size < need; size += page {
		cuts[fmt.Sprintf("at page %d", size/page)] = size
	}
	for name, size := range cuts {
		t.Run(name, func(t *testing.T) {
			s, err := OpenBolt(copyTruncated(t, raw, size))
			if err == nil {
				s.Close()
				t.Fatalf("opened a file of %d bytes that needs %d", size, need)
			}
			want := fmt.Sprintf("is truncated: %d bytes, its metadata says at least %d", size, need)
			if !strings.Contains(err.Error(), want) {
				t.Fatalf("error %q, want it to say %q", err, want)
			}
		})
	}

	t.Run("exactly as long as needed", func(t *testing.T) {
		s, err := OpenBolt(copyTruncated(t, raw, need))
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if n := countKeys(t, s); n != keys {
			t.Fatalf("%d keys, want %d", n, keys)
		}
		// And it grows again as it is written.
		if err := s.Update(Write{Bucket: "sqs.messages", Key: []byte("more"), Value: bytes.Repeat([]byte("x"), 64<<10)}); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("intact", func(t *testing.T) {
		s, err := OpenBolt(dir)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if n := countKeys(t, s); n != keys {
			t.Fatalf("%d keys, want %d", n, keys)
		}
	})
}

// bbolt falls back to the second meta page when the first is damaged (a
// torn write); the length check reads the meta page bbolt will use.
func TestBoltTruncatedWithADamagedMetaPage(t *testing.T) {
	dir, keys, need := fileWithData(t)
	raw := readStore(t, dir)
	for _, meta := range []int{0, 1} {
		t.Run(fmt.Sprintf("meta %d damaged", meta), func(t *testing.T) {
			damaged := bytes.Clone(raw)
			clear(damaged[meta*4096 : meta*4096+128])
			to := t.TempDir()
			if err := os.WriteFile(filepath.Join(to, BoltFile), damaged[:need/2], 0o600); err != nil {
				t.Fatal(err)
			}
			if s, err := OpenBolt(to); err == nil || !strings.Contains(err.Error(), "is truncated") {
				if err == nil {
					s.Close()
				}
				t.Fatalf("half a file with meta page %d damaged: %v", meta, err)
			}
			// Whole, it opens on the other meta page.
			if err := os.WriteFile(filepath.Join(to, BoltFile), damaged, 0o600); err != nil {
				t.Fatal(err)
			}
			s, err := OpenBolt(to)
			if err != nil {
				t.Fatalf("whole file with meta page %d damaged: %v", meta, err)
			}
			defer s.Close()
			if n := countKeys(t, s); n != keys {
				t.Fatalf("%d keys, want %d", n, keys)
			}
		})
	}
}

// Garbage is still bbolt's to refuse: the length check passes a file
// without a valid meta page on to it.
func TestBoltRefusesGarbage(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, size := range []int{1, 100, 4096, 8192, 20 << 10, 100 << 10} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			junk := make([]byte, size)
			for i := range junk {
				junk[i] = byte(rng.Uint32())
			}
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, BoltFile), junk, 0o600); err != nil {
				t.Fatal(err)
			}
			if s, err := OpenBolt(dir); err == nil {
				s.Close()
				t.Fatal("opened garbage")
			}
		})
	}
}

// A truncated snapshot is refused by Install, and the store it would have
// replaced is left as it was.
func TestInstallRefusesATruncatedSnapshot(t *testing.T) {
	dir, _, need := fileWithData(t)
	snapshot := filepath.Join(copyTruncated(t, readStore(t, dir), need/2), BoltFile)
	live := t.TempDir()
	s, err := OpenBolt(live)
	if err != nil {
		t.Fatal(err)
	}
	k := Key("111111111111", "us-east-1", "kept")
	if err := s.Update(Write{Bucket: "sqs.queues", Key: k, Value: []byte("v")}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if err := Install(snapshot, live); err == nil || !strings.Contains(err.Error(), "is truncated") {
		t.Fatalf("installing a truncated snapshot: %v", err)
	}
	s, err = OpenBolt(live)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if v, ok, err := s.Get("sqs.queues", k); err != nil || !ok || string(v) != "v" {
		t.Fatalf("the live store after a refused install: %q %v %v", v, ok, err)
	}
}
