//go:build linux

package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"testing"
)

func TestReserveHugePageHeap(t *testing.T) {
	if !thpOnRequest() || strictOvercommit() {
		t.Skip("the kernel here does not hand out huge pages on request")
	}
	start, length := reserveHugePageHeap(64 << 20)
	if length == 0 {
		t.Fatal("nothing advised although the kernel takes the advice")
	}
	if start%hugePageSize != 0 || length%hugePageSize != 0 {
		t.Fatalf("advised %#x+%d: not in whole huge pages", start, length)
	}
	// The mapping that holds the range must now be eligible for huge pages.
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Skip(err)
	}
	defer f.Close()
	inRange := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		var lo, hi uintptr
		if n, _ := fmt.Sscanf(line, "%x-%x ", &lo, &hi); n == 2 {
			inRange = lo <= start && start < hi
			continue
		}
		if inRange && strings.HasPrefix(line, "THPeligible:") {
			if strings.TrimSpace(strings.TrimPrefix(line, "THPeligible:")) != "1" {
				t.Fatalf("mapping holding %#x: %s", start, line)
			}
			return
		}
	}
	t.Fatalf("no mapping holds %#x", start)
}
