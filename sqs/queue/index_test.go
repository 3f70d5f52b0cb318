package queue

import "testing"

func TestEntryIndex(t *testing.T) {
	var x entryIndex
	const n = 3*(1<<indexPageBits) + 5
	for k := uint64(1); k <= n; k++ {
		x.put(&entry{key: k})
	}
	if x.len() != n {
		t.Fatalf("len = %d, want %d", x.len(), n)
	}
	for _, k := range []uint64{1, 255, 256, 257, n} {
		if e := x.get(k); e == nil || e.key != k {
			t.Fatalf("get(%d) = %v", k, e)
		}
	}
	if x.get(n+1) != nil || x.get(0) != nil {
		t.Fatal("found a key never put")
	}
	// Emptying a page drops it, including the one sends are filling.
	for k := uint64(1); k < 1<<indexPageBits; k++ {
		x.del(k)
	}
	if _, ok := x.pages[0]; ok {
		t.Fatal("an empty page was kept")
	}
	last := uint64(n) >> indexPageBits
	for k := last << indexPageBits; k <= n; k++ {
		x.del(k)
	}
	if x.lastPage != nil || x.pages[last] != nil {
		t.Fatal("the emptied current page was kept")
	}
	x.del(5) // deleting twice changes nothing
	want := n - (1<<indexPageBits - 1) - int(uint64(n)-last<<indexPageBits+1)
	if x.len() != want {
		t.Fatalf("len = %d, want %d", x.len(), want)
	}
	x.put(&entry{key: n + 1})
	if e := x.get(n + 1); e == nil || x.len() != want+1 {
		t.Fatalf("put after emptying: %v, len %d", e, x.len())
	}
}
