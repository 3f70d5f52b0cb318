package persist

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"os"
)

// bbolt maps its file into memory and reads pages straight from the
// mapping. A page past the end of a truncated file is then a SIGBUS, which
// Go cannot recover from: ferry would die at open instead of refusing the
// file. So before bbolt maps it, checkLength reads the file's meta pages
// with ordinary reads and refuses a file shorter than the pages they say are
// in use.
//
// The layout, from go.etcd.io/bbolt/internal/common (meta.go, page.go,
// types.go), in the machine's byte order: pages 0 and 1 are meta pages;
// each is a 16-byte page header followed by
//
//	magic u32, version u32, pageSize u32, flags u32,
//	root bucket (root pgid u64, sequence u64), freelist pgid u64,
//	pgid u64 (the high-water mark: pages [0, pgid) are in use),
//	txid u64, checksum u64 (FNV-64a of the 56 bytes before it)
const (
	boltMagic      = 0xED0CDAED
	boltVersion    = 2
	pageHeaderSize = 16
	metaSize       = 64
	metaChecksumAt = 56
)

// boltMeta is what checkLength needs of a meta page.
type boltMeta struct {
	valid    bool
	pageSize uint32
	pgid     uint64
	txid     uint64
}

func parseMeta(b []byte) boltMeta {
	if len(b) < pageHeaderSize+metaSize {
		return boltMeta{}
	}
	m := b[pageHeaderSize : pageHeaderSize+metaSize]
	ne := binary.NativeEndian
	h := fnv.New64a()
	h.Write(m[:metaChecksumAt])
	return boltMeta{
		valid: ne.Uint32(m[0:]) == boltMagic && ne.Uint32(m[4:]) == boltVersion &&
			ne.Uint64(m[metaChecksumAt:]) == h.Sum64(),
		pageSize: ne.Uint32(m[8:]),
		pgid:     ne.Uint64(m[40:]),
		txid:     ne.Uint64(m[48:]),
	}
}

// readMeta reads the meta page at off; a page the file does not hold
// whole is not valid.
func readMeta(f *os.File, off int64) boltMeta {
	var b [pageHeaderSize + metaSize]byte
	if _, err := f.ReadAt(b[:], off); err != nil {
		return boltMeta{}
	}
	return parseMeta(b[:])
}

// checkLength refuses a bbolt file at path that is shorter than its
// metadata says. A missing or empty file (bbolt creates it) and a file
// without a valid meta page (bbolt refuses it itself) pass.
func checkLength(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("opening %s: %w", path, err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return fmt.Errorf("opening %s: %w", path, err)
	}

	// The page size as bbolt finds it (DB.getPageSize): from the first
	// meta page, or else from the second, looked for where each page size
	// would put it.
	pageSize := uint32(0)
	if m := readMeta(f, 0); m.valid {
		pageSize = m.pageSize
	} else {
		for i := range 15 {
			pos := int64(1024) << i
			if pos >= info.Size()-1024 {
				break
			}
			if m := readMeta(f, pos); m.valid {
				pageSize = m.pageSize
				break
			}
		}
	}
	if pageSize == 0 {
		return nil
	}

	// The meta page bbolt uses (DB.meta): the one with the higher txid if
	// it is valid, else the other.
	meta0, meta1 := readMeta(f, 0), readMeta(f, int64(pageSize))
	use, other := meta0, meta1
	if meta1.txid > meta0.txid {
		use, other = meta1, meta0
	}
	if !use.valid {
		use = other
	}
	if !use.valid {
		return nil
	}

	// Stat after reading the metas: a file only grows before its meta
	// says so, so a live file is never taken for a truncated one.
	if info, err = f.Stat(); err != nil {
		return fmt.Errorf("opening %s: %w", path, err)
	}
	size := uint64(info.Size())
	if size == 0 {
		return nil
	}
	if use.pgid > math.MaxInt64/uint64(pageSize) {
		return fmt.Errorf("data file %s is truncated: %d bytes, its metadata says %d pages of %d bytes", path, size, use.pgid, pageSize)
	}
	if need := use.pgid * uint64(pageSize); size < need {
		return fmt.Errorf("data file %s is truncated: %d bytes, its metadata says at least %d", path, size, need)
	}
	return nil
}
