//go:build !linux

package main

// reserveHugePageHeap only has work to do on Linux.
func reserveHugePageHeap(size int) (start uintptr, length int) { return 0, 0 }
