package queue

import "slices"

// entryIndex finds entries by key. Keys are handed out in increasing order,
// so entries live in pages of consecutive keys, looked up by page number;
// a page goes when its last entry does. Against a map of every key this
// saves the hashing, the growth rehashes and most of the memory on the
// path every send takes.
type entryIndex struct {
	pages    map[uint64]*indexPage
	n        int
	lastNo   uint64 // the page sends are filling, kept at hand
	lastPage *indexPage
}

const indexPageBits = 8

type indexPage struct {
	slots [1 << indexPageBits]*entry
	live  int
}

func (x *entryIndex) page(key uint64) *indexPage {
	no := key >> indexPageBits
	if x.lastPage != nil && x.lastNo == no {
		return x.lastPage
	}
	return x.pages[no]
}

func (x *entryIndex) get(key uint64) *entry {
	if p := x.page(key); p != nil {
		return p.slots[key&(1<<indexPageBits-1)]
	}
	return nil
}

func (x *entryIndex) put(e *entry) {
	no := e.key >> indexPageBits
	p := x.page(e.key)
	if p == nil {
		p = &indexPage{}
		if x.pages == nil {
			x.pages = make(map[uint64]*indexPage)
		}
		x.pages[no] = p
	}
	x.lastNo, x.lastPage = no, p
	slot := &p.slots[e.key&(1<<indexPageBits-1)]
	if *slot == nil {
		p.live++
		x.n++
	}
	*slot = e
}

func (x *entryIndex) del(key uint64) {
	no := key >> indexPageBits
	p := x.page(key)
	if p == nil {
		return
	}
	slot := &p.slots[key&(1<<indexPageBits-1)]
	if *slot == nil {
		return
	}
	*slot = nil
	p.live--
	x.n--
	if p.live == 0 {
		delete(x.pages, no)
		if x.lastPage == p {
			x.lastPage = nil
		}
	}
}

func (x *entryIndex) len() int { return x.n }

// ascend calls fn for entries in key order until fn returns false. It
// sorts only the page numbers: a look at the first few messages of a large
// queue costs little.
func (x *entryIndex) ascend(fn func(*entry) bool) {
	nos := make([]uint64, 0, len(x.pages))
	for no := range x.pages {
		nos = append(nos, no)
	}
	slices.Sort(nos)
	for _, no := range nos {
		for _, e := range x.pages[no].slots {
			if e != nil && !fn(e) {
				return
			}
		}
	}
}
