//go:build !linux

package main

// reserveHugePageHeap only has work to do on Linux.
func reserveHugePageHeap() (start uintptr, length int) { return 0, 0 }
