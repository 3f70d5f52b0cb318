package iot

import (
	"context"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ferry-emulator/ferry/iot/broker"
)

// The rules engine: the broker hands every accepted message to onMessage
// on the publisher's path, which only matches it against the account's
// enabled rules and queues the matches; a bounded pool of workers
// evaluates the SQL and runs the actions. A full queue makes publishers
// wait, which is the back-pressure a device would feel as a slow PUBACK.

// ruleIndex is an immutable snapshot of the enabled rules.
type ruleIndex struct {
	byRegion map[regionKey][]*Rule
	byName   map[regionKey]map[string]*Rule
}

// reindex rebuilds the engine's snapshot; s.mu is held.
func (s *Service) reindex() {
	idx := &ruleIndex{byRegion: map[regionKey][]*Rule{}, byName: map[regionKey]map[string]*Rule{}}
	for k, rules := range s.rules {
		for name, r := range rules {
			if r.Disabled {
				continue
			}
			idx.byRegion[k] = append(idx.byRegion[k], r)
			if idx.byName[k] == nil {
				idx.byName[k] = map[string]*Rule{}
			}
			idx.byName[k][name] = r
		}
	}
	s.index.Store(idx)
}

// basicIngestPrefix addresses one rule directly, bypassing pub/sub.
// https://docs.aws.amazon.com/iot/latest/developerguide/iot-basic-ingest.html
const basicIngestPrefix = "$aws/rules/"

// RuleStats counts what a rule did, for metrics and the dashboard.
type RuleStats struct {
	Matched      atomic.Int64 // messages whose WHERE held
	Succeeded    atomic.Int64 // actions that succeeded
	Failed       atomic.Int64 // actions that failed
	ErrorActions atomic.Int64 // error actions run

	mu      sync.Mutex
	actions map[*ruleAction]*actionStats
}

// actionStats is how one action of a rule is doing.
type actionStats struct {
	succeeded, failed atomic.Int64
	lastError         atomic.Pointer[string]
}

// Stats returns a rule's counters (zero for a rule that never ran).
func (s *Service) Stats(ruleARN string) *RuleStats {
	v, ok := s.stats.Load(ruleARN)
	if !ok {
		v, _ = s.stats.LoadOrStore(ruleARN, new(RuleStats))
	}
	return v.(*RuleStats)
}

// action returns the counters of one of the rule's actions.
func (st *RuleStats) action(a *ruleAction) *actionStats {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.actions == nil {
		st.actions = map[*ruleAction]*actionStats{}
	}
	as := st.actions[a]
	if as == nil {
		as = new(actionStats)
		st.actions[a] = as
	}
	return as
}

// outcome counts an action's result, keeping its last error.
func (st *RuleStats) outcome(a *ruleAction, f *failure) {
	as := st.action(a)
	if f == nil {
		as.succeeded.Add(1)
		as.lastError.Store(nil)
		return
	}
	as.failed.Add(1)
	msg := f.ErrorMessage
	as.lastError.Store(&msg)
}

type job struct {
	rule  *Rule
	msg   *broker.Message
	topic string // what topic() sees: the topic without a Basic Ingest prefix
}

// onMessage queues the message for each enabled rule it matches.
func (s *Service) onMessage(m *broker.Message) {
	idx := s.index.Load()
	k := regionKey{m.Account, m.Region}
	if rest, ok := strings.CutPrefix(m.Topic, basicIngestPrefix); ok {
		name, topic, _ := strings.Cut(rest, "/")
		if r := idx.byName[k][name]; r != nil {
			s.engine.enqueue(job{rule: r, msg: m, topic: topic})
		} else {
			s.log.Debug("basic ingest message for a rule that does not exist or is disabled", "account", m.Account, "rule", name)
		}
		return
	}
	for _, r := range idx.byRegion[k] {
		if r.stmt.Match(m.Topic) {
			s.engine.enqueue(job{rule: r, msg: m, topic: m.Topic})
		}
	}
}

type engine struct {
	s    *Service
	jobs chan job
	quit chan struct{}
	wg   sync.WaitGroup

	mu      sync.Mutex
	pending int
	idle    chan struct{} // closed when pending drops to zero
	once    sync.Once
}

func newEngine(s *Service, workers int) *engine {
	if workers <= 0 {
		workers = 8 * runtime.GOMAXPROCS(0)
	}
	e := &engine{s: s, jobs: make(chan job, 4096), quit: make(chan struct{})}
	e.wg.Add(workers)
	for range workers {
		go e.work()
	}
	return e
}

// enqueue queues a job. A message a rule republished arrives on a
// worker: it must not wait for the queue to drain (every worker might be
// waiting so), so when the queue is full it runs where it is, its depth
// bounded by the republish guard.
func (e *engine) enqueue(j job) {
	e.add(1)
	if j.msg.Depth > 0 {
		select {
		case e.jobs <- j:
		default:
			e.s.run(j)
			e.add(-1)
		}
		return
	}
	select {
	case e.jobs <- j:
	case <-e.quit:
		e.add(-1)
	}
}

func (e *engine) work() {
	defer e.wg.Done()
	for {
		select {
		case j := <-e.jobs:
			e.s.run(j)
			e.add(-1)
		case <-e.quit:
			return
		}
	}
}

func (e *engine) add(n int) {
	e.mu.Lock()
	e.pending += n
	if e.pending == 0 && e.idle != nil {
		close(e.idle)
		e.idle = nil
	}
	e.mu.Unlock()
}

// flush waits until no job is queued or running; jobs that republish
// queue their follow-ups before they finish, so those are waited for too.
func (e *engine) flush(ctx context.Context) error {
	e.mu.Lock()
	if e.pending == 0 {
		e.mu.Unlock()
		return nil
	}
	if e.idle == nil {
		e.idle = make(chan struct{})
	}
	idle := e.idle
	e.mu.Unlock()
	select {
	case <-idle:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// close lets the queued jobs finish (for a few seconds at most) and stops
// the workers. The broker is closed first, so no new message arrives.
func (e *engine) close() {
	e.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = e.flush(ctx)
		close(e.quit)
		e.wg.Wait()
	})
}
