package persist

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// stampSchema writes raw as the schema version of the store in dir,
// bypassing the store (which refuses to write the meta bucket).
func stampSchema(t *testing.T, dir, raw string) {
	t.Helper()
	db, err := bolt.Open(filepath.Join(dir, BoltFile), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(metaBucket)
		if err != nil {
			return err
		}
		return b.Put(schemaKey, []byte(raw))
	}); err != nil {
		t.Fatal(err)
	}
}

func schemaOf(t *testing.T, dir string) string {
	t.Helper()
	db, err := bolt.Open(filepath.Join(dir, BoltFile), 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var v string
	db.View(func(tx *bolt.Tx) error {
		v = string(tx.Bucket(metaBucket).Get(schemaKey))
		return nil
	})
	return v
}

// storeWith makes a closed store at this build's schema holding values.
func storeWith(t *testing.T, values map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	s, err := OpenBolt(dir)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range values {
		if err := s.Update(Write{Bucket: "sqs.queues", Key: []byte(k), Value: []byte(v)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return dir
}

// A schema version no ferry writes is refused with an error: it used to
// look up a migration that is not there and panic.
func TestBoltRefusesAnInvalidSchemaVersion(t *testing.T) {
	for raw, want := range map[string]string{
		"0":                    "invalid schema version 0",
		"-1":                   "invalid schema version -1",
		"-9223372036854775808": "invalid schema version -9223372036854775808",
		"one":                  `unreadable schema version "one"`,
		"":                     `unreadable schema version ""`,
		"99999999999999999999": `unreadable schema version "99999999999999999999"`,
	} {
		t.Run(fmt.Sprintf("%q", raw), func(t *testing.T) {
			dir := storeWith(t, map[string]string{"k": "v"})
			stampSchema(t, dir, raw)
			s, err := OpenBolt(dir)
			if err == nil {
				s.Close()
				t.Fatalf("opened a file of schema %q", raw)
			}
			if !strings.Contains(err.Error(), want) {
				t.Fatalf("error %q, want it to say %q", err, want)
			}
			if got := schemaOf(t, dir); got != raw {
				t.Fatalf("the refused file's schema is now %q", got)
			}
		})
	}
}

// migrationsAt is a schema at version 3, with the given steps from 1 and 2.
func migrationsAt(steps map[int]func(*bolt.Tx) error) schema {
	return schema{version: 3, migrations: steps}
}

// upperCase is a migration step: every value of sqs.queues upper-cased.
func upperCase(ran *int) func(*bolt.Tx) error {
	return func(tx *bolt.Tx) error {
		*ran++
		b := tx.Bucket([]byte("sqs.queues"))
		if b == nil {
			return nil
		}
		type kv struct{ k, v []byte }
		var all []kv
		b.ForEach(func(k, v []byte) error {
			all = append(all, kv{bytes.Clone(k), bytes.ToUpper(v)})
			return nil
		})
		for _, e := range all {
			if err := b.Put(e.k, e.v); err != nil {
				return err
			}
		}
		return nil
	}
}

// A file of an older schema is brought forward, step by step, once: the
// data is migrated, the file is stamped with the new version and the
// steps do not run again at the next open.
func TestBoltMigratesAnOlderSchema(t *testing.T) {
	dir := storeWith(t, map[string]string{"a": "alpha", "b": "beta"})
	var first, second int
	addKey := func(tx *bolt.Tx) error {
		second++
		b, err := tx.CreateBucketIfNotExists([]byte("sqs.queues"))
		if err != nil {
			return err
		}
		return b.Put([]byte("added"), []byte("by step 2"))
	}
	sc := migrationsAt(map[int]func(*bolt.Tx) error{1: upperCase(&first), 2: addKey})
	for open := range 2 {
		s, err := openBolt(dir, sc)
		if err != nil {
			t.Fatal(err)
		}
		for k, want := range map[string]string{"a": "ALPHA", "b": "BETA", "added": "by step 2"} {
			if v, ok, err := s.Get("sqs.queues", []byte(k)); err != nil || !ok || string(v) != want {
				t.Errorf("open %d: %s = %q %v %v, want %q", open, k, v, ok, err, want)
			}
		}
		s.Close()
		if got := schemaOf(t, dir); got != "3" {
			t.Fatalf("open %d: schema %q after migrating, want 3", open, got)
		}
		if first != 1 || second != 1 {
			t.Fatalf("open %d: steps ran %d and %d times, want once each", open, first, second)
		}
	}
	// This build, at schema 1, now refuses the file.
	if _, err := OpenBolt(dir); err == nil || !strings.Contains(err.Error(), "newer ferry (schema 3; this build reads up to 1)") {
		t.Fatalf("opening a migrated file with the older build: %v", err)
	}
}

// A file that cannot be brought forward is left as it was: a failing step
// rolls back every step before it, and a missing step stops the migration
// before any runs.
func TestBoltMigrationThatCannotFinish(t *testing.T) {
	t.Run("a step fails", func(t *testing.T) {
		dir := storeWith(t, map[string]string{"a": "alpha"})
		var ran int
		broken := errors.New("step 2 is broken")
		sc := migrationsAt(map[int]func(*bolt.Tx) error{1: upperCase(&ran), 2: func(*bolt.Tx) error { return broken }})
		_, err := openBolt(dir, sc)
		if !errors.Is(err, broken) || !strings.Contains(err.Error(), "migrating schema 2 to 3") {
			t.Fatalf("open: %v", err)
		}
		if ran != 1 {
			t.Fatalf("step 1 ran %d times", ran)
		}
		assertUntouched(t, dir, "alpha")
	})
	t.Run("a step is missing", func(t *testing.T) {
		dir := storeWith(t, map[string]string{"a": "alpha"})
		var ran int
		sc := migrationsAt(map[int]func(*bolt.Tx) error{1: upperCase(&ran)})
		_, err := openBolt(dir, sc)
		if err == nil || !strings.Contains(err.Error(), "no migration from 2 to 3") {
			t.Fatalf("open: %v", err)
		}
		if ran != 0 {
			t.Fatalf("step 1 ran %d times before the missing step was noticed", ran)
		}
		assertUntouched(t, dir, "alpha")
	})
}

// assertUntouched: the store of dir is still at schema 1 with a = want,
// and this build opens it.
func assertUntouched(t *testing.T, dir, want string) {
	t.Helper()
	if got := schemaOf(t, dir); got != "1" {
		t.Fatalf("schema %q, want 1", got)
	}
	s, err := OpenBolt(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if v, _, _ := s.Get("sqs.queues", []byte("a")); string(v) != want {
		t.Fatalf("a = %q, want %q", v, want)
	}
}
