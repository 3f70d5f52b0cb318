package persist

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// Bolt is the Store on disk: one bbolt file in the data directory.
//
// Schema: each Write.Bucket is a top-level bucket (sqs.queues, iam.entities,
// sts.sessions, …) whose keys are made by Key, so they begin with the
// account and region. The bucket ferry.meta holds "schema", the version of
// this layout; a file written by a newer version is refused rather than
// misread, and an older one is brought forward by the migrations below.
//
// Durability: Update returns once its writes are committed and fsynced.
// Concurrent Updates share commits: one goroutine owns the file's write
// side, and while it commits, new requests queue and go into the next
// transaction together, so many writers share one fsync with no waiting
// for company when there is none.
type Bolt struct {
	db   *bolt.DB
	path string

	requests chan *boltRequest
	done     chan struct{}
	closeMu  sync.RWMutex // held to read for requests, to write for Close and Reset
	closed   bool
}

type boltRequest struct {
	writes []Write
	reset  bool // drop every bucket (Reset)
	err    chan error
	once   sync.Once
	result error
}

// BoltFile is the file name of the store in its directory.
const BoltFile = "ferry.db"

// schemaVersion is the layout this build writes. migrations[v] brings a
// file from version v to v+1. Versions begin at 1.
const schemaVersion = 1

var migrations = map[int]func(*bolt.Tx) error{}

// schema is a layout a store is opened at: its version and the steps that
// bring an older file to it. OpenBolt uses this build's; tests open at
// others to exercise migrating.
type schema struct {
	version    int
	migrations map[int]func(*bolt.Tx) error
}

var thisSchema = schema{version: schemaVersion, migrations: migrations}

var (
	metaBucket = []byte("ferry.meta")
	schemaKey  = []byte("schema")
)

// maxBatch bounds how many Updates share one transaction.
const maxBatch = 1024

// OpenBolt opens (creating if need be) the store in dir. It fails at once
// with a clear error if another process holds the directory, if the file is
// not a ferry store or is damaged or cut short, or if a newer ferry wrote
// it (or no ferry: a schema version below 1).
func OpenBolt(dir string) (*Bolt, error) {
	return openBolt(dir, thisSchema)
}

func openBolt(dir string, sc schema) (*Bolt, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("data dir %s: %w", dir, err)
	}
	path := filepath.Join(dir, BoltFile)
	// Before bbolt maps the file: a truncated one would crash it.
	if err := checkLength(path); err != nil {
		return nil, err
	}
	// bbolt holds an exclusive lock on the file while it is open.
	// The freelist is rebuilt at open rather than written at every commit:
	// on a large file, writing it dominated each commit.
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second, FreelistType: bolt.FreelistMapType, NoFreelistSync: true,
		// Address space, not memory: growing the file then needs no remap,
		// which would stall every commit and read while it happens.
		InitialMmapSize: 1 << 30})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, fmt.Errorf("data dir %s is in use by another ferry process", dir)
	}
	if err != nil {
		return nil, fmt.Errorf("opening %s: %w", path, err)
	}
	if err := db.Update(sc.check); err != nil {
		db.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	b := &Bolt{db: db, path: path, requests: make(chan *boltRequest, maxBatch), done: make(chan struct{})}
	go b.commit()
	return b, nil
}

// check stamps a new file and migrates or refuses an existing one.
func (sc schema) check(tx *bolt.Tx) error {
	meta, err := tx.CreateBucketIfNotExists(metaBucket)
	if err != nil {
		return err
	}
	raw := meta.Get(schemaKey)
	if raw == nil {
		empty := true
		tx.ForEach(func(name []byte, _ *bolt.Bucket) error {
			if string(name) != string(metaBucket) {
				empty = false
			}
			return nil
		})
		if !empty {
			return errors.New("not a ferry data file (no schema version)")
		}
		return meta.Put(schemaKey, []byte(strconv.Itoa(sc.version)))
	}
	v, err := strconv.Atoi(string(raw))
	if err != nil {
		return fmt.Errorf("unreadable schema version %q", raw)
	}
	if v < 1 {
		return fmt.Errorf("invalid schema version %d (versions begin at 1)", v)
	}
	if v > sc.version {
		return fmt.Errorf("written by a newer ferry (schema %d; this build reads up to %d)", v, sc.version)
	}
	// Every step is there before any runs.
	for from := v; from < sc.version; from++ {
		if sc.migrations[from] == nil {
			return fmt.Errorf("schema %d cannot be migrated: no migration from %d to %d", v, from, from+1)
		}
	}
	for ; v < sc.version; v++ {
		if err := sc.migrations[v](tx); err != nil {
			return fmt.Errorf("migrating schema %d to %d: %w", v, v+1, err)
		}
	}
	return meta.Put(schemaKey, []byte(strconv.Itoa(sc.version)))
}

// commit is the goroutine that owns writing: it takes every request queued
// so far and commits them in one transaction.
func (b *Bolt) commit() {
	defer close(b.done)
	batch := make([]*boltRequest, 0, maxBatch)
	for first := range b.requests {
		batch = append(batch[:0], first)
	drain:
		for len(batch) < maxBatch {
			select {
			case r, ok := <-b.requests:
				if !ok {
					break drain
				}
				batch = append(batch, r)
			default:
				break drain
			}
		}
		err := b.db.Update(func(tx *bolt.Tx) error {
			for _, r := range batch {
				if err := r.apply(tx); err != nil {
					return err
				}
			}
			return nil
		})
		if err == nil {
			for _, r := range batch {
				r.err <- nil
			}
			continue
		}
		// One request's failure must not fail the others: commit each alone.
		for _, r := range batch {
			r.err <- b.db.Update(r.apply)
		}
	}
}

func (r *boltRequest) apply(tx *bolt.Tx) error {
	if r.reset {
		return dropAll(tx)
	}
	return apply(tx, r.writes)
}

func apply(tx *bolt.Tx, writes []Write) error {
	for _, w := range writes {
		if w.Bucket == string(metaBucket) {
			return fmt.Errorf("persist: bucket %s is reserved", w.Bucket)
		}
		if w.Prefix {
			if bk := tx.Bucket([]byte(w.Bucket)); bk != nil {
				c := bk.Cursor()
				for k, _ := c.Seek(w.Key); k != nil && hasPrefix(k, w.Key); k, _ = c.Seek(w.Key) {
					if err := c.Delete(); err != nil {
						return err
					}
				}
			}
			continue
		}
		if w.Value == nil {
			if bk := tx.Bucket([]byte(w.Bucket)); bk != nil {
				if err := bk.Delete(w.Key); err != nil {
					return err
				}
			}
			continue
		}
		bk, err := tx.CreateBucketIfNotExists([]byte(w.Bucket))
		if err != nil {
			return err
		}
		// Most keys arrive in order (a queue's messages): fuller pages on
		// split keep the file small instead of half empty.
		bk.FillPercent = 0.9
		if err := bk.Put(w.Key, w.Value); err != nil {
			return err
		}
	}
	return nil
}

func (b *Bolt) Update(writes ...Write) error {
	return b.Submit(writes...).Wait()
}

// Submit queues writes for the next commit and returns without waiting;
// commits take requests in the order they were submitted.
func (b *Bolt) Submit(writes ...Write) Pending {
	r := &boltRequest{writes: writes, err: make(chan error, 1)}
	b.closeMu.RLock()
	if b.closed {
		b.closeMu.RUnlock()
		return failed{ErrClosed}
	}
	b.requests <- r
	b.closeMu.RUnlock()
	return r
}

// Wait returns the commit's outcome; it may be called more than once.
func (r *boltRequest) Wait() error {
	r.once.Do(func() { r.result = <-r.err })
	return r.result
}

type failed struct{ err error }

func (f failed) Wait() error { return f.err }

func (b *Bolt) Get(bucket string, key []byte) ([]byte, bool, error) {
	var out []byte
	var ok bool
	err := b.view(func(tx *bolt.Tx) error {
		if bk := tx.Bucket([]byte(bucket)); bk != nil {
			if v := bk.Get(key); v != nil {
				out, ok = append([]byte(nil), v...), true
			}
		}
		return nil
	})
	return out, ok, err
}

func (b *Bolt) Scan(bucket string, prefix []byte, fn func(key, value []byte) error) error {
	return b.view(func(tx *bolt.Tx) error {
		bk := tx.Bucket([]byte(bucket))
		if bk == nil {
			return nil
		}
		c := bk.Cursor()
		for k, v := c.Seek(prefix); k != nil && hasPrefix(k, prefix); k, v = c.Next() {
			if err := fn(k, v); err != nil {
				return err
			}
		}
		return nil
	})
}

func hasPrefix(k, prefix []byte) bool {
	return len(k) >= len(prefix) && string(k[:len(prefix)]) == string(prefix)
}

func (b *Bolt) view(fn func(*bolt.Tx) error) error {
	b.closeMu.RLock()
	defer b.closeMu.RUnlock()
	if b.closed {
		return ErrClosed
	}
	return b.db.View(fn)
}

// Reset drops every bucket but the schema's.
func (b *Bolt) Reset() error {
	// In line with the writes already submitted, so none of them lands
	// after the reset and brings back what it dropped.
	r := &boltRequest{reset: true, err: make(chan error, 1)}
	b.closeMu.RLock()
	if b.closed {
		b.closeMu.RUnlock()
		return ErrClosed
	}
	b.requests <- r
	b.closeMu.RUnlock()
	return r.Wait()
}

// dropAll deletes every bucket but the schema's.
func dropAll(tx *bolt.Tx) error {
	var names [][]byte
	tx.ForEach(func(name []byte, _ *bolt.Bucket) error {
		if string(name) != string(metaBucket) {
			names = append(names, append([]byte(nil), name...))
		}
		return nil
	})
	for _, n := range names {
		if err := tx.DeleteBucket(n); err != nil {
			return err
		}
	}
	return nil
}

// Close finishes the writes already queued, then closes the file.
func (b *Bolt) Close() error {
	b.closeMu.Lock()
	if b.closed {
		b.closeMu.Unlock()
		return nil
	}
	b.closed = true
	close(b.requests)
	b.closeMu.Unlock()
	<-b.done
	return b.db.Close()
}

// Snapshot writes a consistent copy of the whole store to w, while it
// keeps serving: a ferry.db file that OpenBolt (or Install) takes back.
func (b *Bolt) Snapshot(w io.Writer) (int64, error) {
	var n int64
	err := b.view(func(tx *bolt.Tx) error {
		var err error
		n, err = tx.WriteTo(w)
		return err
	})
	return n, err
}

// Install makes the snapshot file at from the store of dir, after checking
// that it is a ferry store this build can read. dir must not be in use.
func Install(from, dir string) error {
	// Checked in a directory of its own: opening migrates and locks.
	tmp, err := os.MkdirTemp(filepath.Dir(filepath.Clean(dir)+"/"), ".ferry-restore-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if err := copyFile(from, filepath.Join(tmp, BoltFile)); err != nil {
		return err
	}
	check, err := OpenBolt(tmp)
	if err != nil {
		return fmt.Errorf("%s is not a snapshot ferry can restore: %w", from, err)
	}
	check.Close()
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	// Holding the directory's lock proves no ferry is running on it.
	live, err := OpenBolt(dir)
	if err != nil {
		return err
	}
	live.Close()
	return os.Rename(filepath.Join(tmp, BoltFile), filepath.Join(dir, BoltFile))
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
