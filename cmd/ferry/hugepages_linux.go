//go:build linux

package main

import (
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"syscall"
	"unsafe"
)

// hugePageSize is the size of a transparent huge page on the platforms Go
// runs Linux on (x86-64, arm64 with 4 KiB base pages).
const hugePageSize = 2 << 20

// reserveHugePageHeap lets the heap's first size bytes (at most a quarter
// of RAM) be backed by transparent huge pages where the kernel only grants
// them on request (THP "madvise" mode, the default of many distributions).
// A queue that grows keeps faulting in fresh heap, and on virtual machines
// a 4 KiB page fault costs a third of a whole SendMessage (~13 µs measured
// on a 2-core VM, against 0.3 µs for a 2 MiB page).
//
// Go no longer asks for huge pages itself, and a heap arena is only mapped
// when the heap grows into it, so ferry makes the runtime map the range now
// by allocating one large, never-touched slice, advises that range, and
// frees the slice: the allocator then hands the advised, still untouched
// pages out in address order. It costs address space, not memory.
//
// It returns the advised range, or zero when it left the heap alone: on
// other THP modes, under strict overcommit accounting (where an unbacked
// reservation still counts), with a Go memory limit set, or when
// GODEBUG=disablethp=1 asks Go not to use huge pages.
func reserveHugePageHeap(size int) (start uintptr, length int) {
	if !thpOnRequest() || strictOvercommit() || strings.Contains(os.Getenv("GODEBUG"), "disablethp=1") ||
		debug.SetMemoryLimit(-1) != math.MaxInt64 {
		return 0, 0
	}
	var info syscall.Sysinfo_t
	if syscall.Sysinfo(&info) == nil {
		if quarter := int(uint64(info.Totalram) * uint64(info.Unit) / 4); quarter < size {
			size = quarter
		}
	}
	if size < 4*hugePageSize {
		return 0, 0
	}
	buf := make([]byte, size)
	base := uintptr(unsafe.Pointer(unsafe.SliceData(buf)))
	off := int((base+hugePageSize-1)&^(hugePageSize-1) - base)
	advised := buf[off : off+(size-off)&^(hugePageSize-1)]
	if syscall.Madvise(advised, syscall.MADV_HUGEPAGE) != nil {
		advised = nil
	}
	start, length = uintptr(unsafe.Pointer(unsafe.SliceData(advised))), len(advised)
	buf, advised = nil, nil // unreachable now: the collection below frees the range
	runtime.GC()
	return start, length
}

// thpOnRequest reports whether the kernel gives transparent huge pages only
// to memory that asks for them.
func thpOnRequest() bool {
	mode, err := os.ReadFile("/sys/kernel/mm/transparent_hugepage/enabled")
	return err == nil && strings.Contains(string(mode), "[madvise]")
}

func strictOvercommit() bool {
	mode, err := os.ReadFile("/proc/sys/vm/overcommit_memory")
	return err != nil || strings.TrimSpace(string(mode)) == "2"
}
