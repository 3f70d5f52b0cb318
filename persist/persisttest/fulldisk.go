// Package persisttest has stores for tests of how ferry meets a failing
// disk.
package persisttest

import (
	"os"
	"sync/atomic"
	"syscall"

	"github.com/ferry-emulator/ferry/persist"
)

// ErrNoSpace is the error a full disk gives a write.
var ErrNoSpace = &os.PathError{Op: "write", Path: persist.BoltFile, Err: syscall.ENOSPC}

// FullDisk is a bbolt store whose disk fills up on demand: once Full is
// set, every write (Update and Submit) fails with ErrNoSpace.
type FullDisk struct {
	*persist.Bolt
	Full atomic.Bool
}

type failed struct{ err error }

func (f failed) Wait() error { return f.err }

func (d *FullDisk) Update(w ...persist.Write) error {
	if d.Full.Load() {
		return ErrNoSpace
	}
	return d.Bolt.Update(w...)
}

func (d *FullDisk) Submit(w ...persist.Write) persist.Pending {
	if d.Full.Load() {
		return failed{ErrNoSpace}
	}
	return d.Bolt.Submit(w...)
}
