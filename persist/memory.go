package persist

import (
	"bytes"
	"slices"
	"strings"
	"sync"
)

// Memory is the in-memory Store: what ferry runs on without --data-dir.
type Memory struct {
	mu      sync.RWMutex
	buckets map[string]map[string][]byte
	closed  bool
}

func NewMemory() *Memory {
	return &Memory{buckets: map[string]map[string][]byte{}}
}

func (m *Memory) Update(writes ...Write) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return ErrClosed
	}
	for _, w := range writes {
		b := m.buckets[w.Bucket]
		if w.Prefix {
			for k := range b {
				if strings.HasPrefix(k, string(w.Key)) {
					delete(b, k)
				}
			}
			continue
		}
		if w.Value == nil {
			delete(b, string(w.Key))
			continue
		}
		if b == nil {
			b = map[string][]byte{}
			m.buckets[w.Bucket] = b
		}
		b[string(w.Key)] = bytes.Clone(w.Value)
	}
	return nil
}

func (m *Memory) Get(bucket string, key []byte) ([]byte, bool, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.closed {
		return nil, false, ErrClosed
	}
	v, ok := m.buckets[bucket][string(key)]
	return bytes.Clone(v), ok, nil
}

func (m *Memory) Scan(bucket string, prefix []byte, fn func(key, value []byte) error) error {
	m.mu.RLock()
	if m.closed {
		m.mu.RUnlock()
		return ErrClosed
	}
	b := m.buckets[bucket]
	keys := make([]string, 0, len(b))
	for k := range b {
		if bytes.HasPrefix([]byte(k), prefix) {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	vals := make([][]byte, len(keys))
	for i, k := range keys {
		vals[i] = b[k]
	}
	m.mu.RUnlock()
	// fn runs unlocked so that it may read the store; values are never
	// mutated in place (Update replaces them), so handing them out is safe.
	for i, k := range keys {
		if err := fn([]byte(k), vals[i]); err != nil {
			return err
		}
	}
	return nil
}

func (m *Memory) Reset() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return ErrClosed
	}
	m.buckets = map[string]map[string][]byte{}
	return nil
}

func (m *Memory) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.closed = true
	return nil
}
