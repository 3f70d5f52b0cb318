package sqs

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ferry-emulator/ferry/emulator/api"
	"github.com/ferry-emulator/ferry/sqs/queue"
)

// Message-move tasks: the DLQ redrive API. A task moves the messages of a
// dead-letter queue to an explicit destination or back to each message's
// original source queue. A message is taken from the source only together
// with the act of enqueuing it elsewhere; if that fails it goes back to the
// source, so a task never drops one.
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_StartMessageMoveTask.html

const (
	taskRunning    = "RUNNING"
	taskCompleted  = "COMPLETED"
	taskCancelling = "CANCELLING"
	taskCancelled  = "CANCELLED"
	taskFailed     = "FAILED"

	// keptTasks is how many finished tasks per source ListMessageMoveTasks can show.
	keptTasks = 10
	// unthrottledBatch is how many messages a task without a rate moves per step.
	unthrottledBatch = 100
)

type moveTask struct {
	handle      string
	source      string
	destination string // "" = each message's original source
	rate        *int
	started     time.Time
	toMove      int64
	moved       atomic.Int64
	cancel      context.CancelFunc

	// guarded by moveTasks.mu
	status  string
	failure string
}

type moveTasks struct {
	s        *Service
	mu       sync.Mutex
	bySource map[string][]*moveTask // oldest first
	byHandle map[string]*moveTask
	wg       sync.WaitGroup
}

func newMoveTasks(s *Service) *moveTasks {
	return &moveTasks{s: s, bySource: map[string][]*moveTask{}, byHandle: map[string]*moveTask{}}
}

func (m *moveTasks) stopAll() {
	m.mu.Lock()
	for _, t := range m.byHandle {
		t.cancel()
	}
	m.mu.Unlock()
	m.wg.Wait()
	m.mu.Lock()
	m.bySource = map[string][]*moveTask{}
	m.byHandle = map[string]*moveTask{}
	m.mu.Unlock()
}

// stopFor cancels the tasks of a deleted queue.
func (m *moveTasks) stopFor(sourceARN string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, t := range m.bySource[sourceARN] {
		t.cancel()
	}
}

func newTaskHandle(sourceARN string) string {
	var id [16]byte
	rand.Read(id[:])
	b, _ := json.Marshal(map[string]string{"taskId": hex.EncodeToString(id[:]), "sourceArn": sourceARN})
	return base64.StdEncoding.EncodeToString(b)
}

func (s *Service) isDeadLetterQueue(dlq *Queue) bool {
	for _, q := range s.queuesIn(dlq.Account, dlq.Region) {
		if rp, ok := q.attribute("RedrivePolicy"); ok {
			if p, err := parseRedrivePolicy(rp); err == nil && p.DeadLetterTargetARN == dlq.ARN {
				return true
			}
		}
	}
	return false
}

func (s *Service) startMessageMoveTask(_ context.Context, req *api.Request, in *startMessageMoveTaskInput) (*startMessageMoveTaskOutput, error) {
	if in.SourceARN == "" {
		return nil, api.MissingParameter("SourceArn")
	}
	src := s.queueFromARN(in.SourceARN)
	if src == nil {
		return nil, errResourceNotFound("The resource that you specified for the SourceArn parameter doesn't exist.")
	}
	if !s.isDeadLetterQueue(src) {
		return nil, api.InvalidParameterValue("Source queue must be configured as a Dead Letter Queue.")
	}
	if in.DestinationARN != "" {
		dst := s.queueFromARN(in.DestinationARN)
		if dst == nil {
			return nil, errResourceNotFound("The resource that you specified for the DestinationArn parameter doesn't exist.")
		}
		if dst == src {
			return nil, api.InvalidParameterValue("Source and destination queues must be different.")
		}
		if dst.FIFO != src.FIFO {
			return nil, api.InvalidParameterValue("Source and destination queues must be of the same type.")
		}
	}
	if r := in.MaxNumberOfMessagesPerSecond; r != nil && (*r < 1 || *r > 500) {
		return nil, api.InvalidParameterValue("Value %d for parameter MaxNumberOfMessagesPerSecond is invalid. Reason: Must be between 1 and 500.", *r)
	}

	m := s.moves
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, t := range m.bySource[src.ARN] {
		if t.status == taskRunning || t.status == taskCancelling {
			return nil, errUnsupportedOperation("There is already a task running. Only one active task is allowed for a source queue arn at a given time.")
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	t := &moveTask{
		handle: newTaskHandle(src.ARN), source: src.ARN, destination: in.DestinationARN,
		rate: in.MaxNumberOfMessagesPerSecond, started: s.now(), cancel: cancel, status: taskRunning,
	}
	c := src.engine.Counts()
	t.toMove = int64(c.Visible + c.InFlight + c.Delayed)
	list := append(m.bySource[src.ARN], t)
	if len(list) > keptTasks {
		for _, old := range list[:len(list)-keptTasks] {
			delete(m.byHandle, old.handle)
		}
		list = list[len(list)-keptTasks:]
	}
	m.bySource[src.ARN] = list
	m.byHandle[t.handle] = t
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		m.run(ctx, t, src)
	}()
	return &startMessageMoveTaskOutput{TaskHandle: t.handle}, nil
}

func (m *moveTasks) finish(t *moveTask, status, failure string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if t.status == taskCancelling {
		status = taskCancelled
	}
	t.status, t.failure = status, failure
}

// run moves messages until the source has none visible, the task is
// cancelled, or a destination is missing.
func (m *moveTasks) run(ctx context.Context, t *moveTask, src *Queue) {
	defer t.cancel()
	batch := unthrottledBatch
	if t.rate != nil {
		batch = *t.rate
	}
	var pace *time.Ticker
	if t.rate != nil {
		pace = time.NewTicker(time.Second)
		defer pace.Stop()
	}
	for {
		if ctx.Err() != nil {
			m.finish(t, taskCancelled, "")
			return
		}
		msgs, keys := src.engine.TakeVisible(batch)
		if len(msgs) == 0 {
			m.finish(t, taskCompleted, "")
			return
		}
		for i, msg := range msgs {
			dest := m.destination(t, &msg)
			// A redriven message is a new message in its destination, with
			// a new id and enqueue time, as AWS gives it.
			moved := msg
			moved.ID, moved.SentAt = "", time.Time{}
			if dest == nil || dest.engine.Enqueue(moved) != nil {
				// Put back what was not moved, then stop: AWS fails the
				// task when a destination is gone.
				for _, back := range msgs[i:] {
					src.engine.Enqueue(back)
				}
				m.finish(t, taskFailed, "AWS.SimpleQueueService.NonExistentQueue")
				return
			}
			src.engine.Forget(keys[i]) // journaled as gone once the destination has it
			t.moved.Add(1)
		}
		if pace != nil {
			select {
			case <-ctx.Done():
			case <-pace.C:
			}
		}
	}
}

func (m *moveTasks) destination(t *moveTask, msg *queue.Message) *Queue {
	arn := t.destination
	if arn == "" {
		arn = msg.DeadLetterSourceARN
	}
	msg.DeadLetterSourceARN = ""
	if arn == "" {
		return nil
	}
	return m.s.queueFromARN(arn)
}

func (s *Service) cancelMessageMoveTask(_ context.Context, _ *api.Request, in *cancelMessageMoveTaskInput) (*cancelMessageMoveTaskOutput, error) {
	if in.TaskHandle == "" {
		return nil, api.MissingParameter("TaskHandle")
	}
	m := s.moves
	m.mu.Lock()
	t := m.byHandle[in.TaskHandle]
	if t == nil {
		m.mu.Unlock()
		return nil, errResourceNotFound("Task does not exist.")
	}
	if t.status != taskRunning {
		m.mu.Unlock()
		return nil, errUnsupportedOperation("Only active tasks can be cancelled.")
	}
	t.status = taskCancelling
	t.cancel()
	m.mu.Unlock()
	return &cancelMessageMoveTaskOutput{ApproximateNumberOfMessagesMoved: t.moved.Load()}, nil
}

func (s *Service) listMessageMoveTasks(_ context.Context, _ *api.Request, in *listMessageMoveTasksInput) (*listMessageMoveTasksOutput, error) {
	if in.SourceARN == "" {
		return nil, api.MissingParameter("SourceArn")
	}
	limit := 1
	if in.MaxResults != nil {
		if *in.MaxResults < 1 || *in.MaxResults > 10 {
			return nil, api.InvalidParameterValue("Value %d for parameter MaxResults is invalid. Reason: Must be between 1 and 10.", *in.MaxResults)
		}
		limit = *in.MaxResults
	}
	if s.queueFromARN(in.SourceARN) == nil {
		return nil, errResourceNotFound("The resource that you specified for the SourceArn parameter doesn't exist.")
	}
	m := s.moves
	m.mu.Lock()
	defer m.mu.Unlock()
	list := m.bySource[in.SourceARN]
	out := &listMessageMoveTasksOutput{}
	for i := len(list) - 1; i >= 0 && len(out.Results) < limit; i-- {
		t := list[i]
		e := moveTaskEntry{
			Status: t.status, SourceARN: t.source, DestinationARN: t.destination,
			MaxNumberOfMessagesPerSecond:     t.rate,
			ApproximateNumberOfMessagesMoved: t.moved.Load(),
			FailureReason:                    t.failure,
			StartedTimestamp:                 t.started.UnixMilli(),
		}
		if t.status == taskRunning {
			e.TaskHandle = t.handle
			n := t.toMove
			e.ApproximateNumberOfMessagesToMove = &n
		}
		out.Results = append(out.Results, e)
	}
	return out, nil
}
