package iot

import (
	"context"
	"sync"
	"time"

	"github.com/ferry-emulator/ferry/emulator/api"
)

// roleTTL is how long a rule keeps the session it assumed for a role.
// AWS's rules engine caches its credentials too; a short time keeps a
// trust policy change visible within a minute. Identity policy changes
// show at once: they are read at each authorization.
const roleTTL = time.Minute

// roleCache holds the sessions rules act as, by role and rule (the rule
// is aws:SourceArn, which a trust policy may test).
type roleCache struct {
	mu      sync.Mutex
	entries map[string]roleEntry
}

type roleEntry struct {
	p       api.Principal
	expires time.Time
}

// principal is a session of roleARN assumed by IoT for rule r, from the
// cache when fresh unless probe is set (a rule being created or replaced
// asks STS anew, as AWS does).
func (c *roleCache) principal(ctx context.Context, s *Service, roleARN string, r *Rule, probe bool) (api.Principal, error) {
	key := roleARN + " " + r.ARN
	now := s.now()
	c.mu.Lock()
	e, ok := c.entries[key]
	c.mu.Unlock()
	if ok && !probe && now.Before(e.expires) {
		return e.p, nil
	}
	if s.assume == nil {
		return api.Principal{}, errInvalidRequest("no role assumption is configured")
	}
	p, err := s.assume(ctx, roleARN, r.ARN, r.Account, r.Region)
	if err != nil {
		c.mu.Lock()
		delete(c.entries, key)
		c.mu.Unlock()
		return api.Principal{}, err
	}
	c.mu.Lock()
	c.entries[key] = roleEntry{p: p, expires: now.Add(roleTTL)}
	c.mu.Unlock()
	return p, nil
}

func (c *roleCache) reset() {
	c.mu.Lock()
	c.entries = map[string]roleEntry{}
	c.mu.Unlock()
}
