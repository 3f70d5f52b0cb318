package sts

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"strings"
	"time"

	"github.com/ferry-emulator/ferry/emulator/api"
	"github.com/ferry-emulator/ferry/iam"
	"github.com/ferry-emulator/ferry/iam/policy"
	"github.com/ferry-emulator/ferry/persist"
)

// Sessions: the temporary credentials STS issues (ASIA… keys with a secret
// and a session token) and the principal they stand for.

// session is one set of temporary credentials. Values are never changed
// once published.
type session struct {
	AccessKeyID string    `json:"accessKeyId"`
	Secret      string    `json:"secret"`
	Token       string    `json:"token"`
	Issued      time.Time `json:"issued"`
	Expires     time.Time `json:"expires"`

	// The principal, as api.Principal carries it.
	Account        string `json:"account"`
	Type           string `json:"type"` // api.PrincipalAssumedRole, or the caller's type for GetSessionToken
	ARN            string `json:"arn"`
	UserID         string `json:"userId"`
	Name           string `json:"name,omitempty"`
	RoleARN        string `json:"roleArn,omitempty"`
	SourceIdentity string `json:"sourceIdentity,omitempty"`

	// Session policies: the inline Policy, then the PolicyArns' documents
	// as they were when the session began.
	Policies []sessionPolicy `json:"policies,omitempty"`
	// Tags are the session tags of a role session (they override the
	// role's tags with the same key), or the user's tags of a
	// GetSessionToken session. Transitive lists the lower-case keys of
	// session tags that pass on through role chaining.
	Tags       []tag    `json:"tags,omitempty"`
	Transitive []string `json:"transitive,omitempty"`

	parsed []policy.NamedPolicy
}

type sessionPolicy struct {
	Name     string `json:"name"`
	Document string `json:"document"`
}

// expiredRetention is how long an expired session is kept, so that its
// callers are answered ExpiredToken rather than InvalidClientTokenId.
const expiredRetention = 24 * time.Hour

const sessionsBucket = "sts.sessions"

// globalRegion: STS credentials work in every region.
const globalRegion = "global"

// newCredentials fills a session's key, secret and token: the key encodes
// the account, as AWS's do, and the token is long and opaque.
func newCredentials(ses *session) {
	ses.AccessKeyID = iam.NewAccessKeyID("ASIA", ses.Account)
	ses.Secret = base64.StdEncoding.EncodeToString(randomBytes(30))
	ses.Token = "FwoGZXIvYXdzE" + base64.StdEncoding.EncodeToString(randomBytes(270))
}

// add makes a new session durable and then visible, and now and then drops
// long-expired ones.
func (s *Service) add(ses *session) error {
	if err := ses.parse(); err != nil {
		return err
	}
	writes := []persist.Write{}
	if s.store != nil {
		b, err := json.Marshal(ses)
		if err != nil {
			return err
		}
		writes = append(writes, persist.Write{Bucket: sessionsBucket, Key: sessionKey(ses), Value: b})
	}
	now := s.now()
	s.mu.Lock()
	var stale []*session
	if now.Sub(s.lastSweep) > time.Minute {
		s.lastSweep = now
		for id, old := range s.sessions {
			if now.Sub(old.Expires) > expiredRetention {
				stale = append(stale, old)
				delete(s.sessions, id)
			}
		}
	}
	s.mu.Unlock()
	if s.store != nil {
		for _, old := range stale {
			writes = append(writes, persist.Write{Bucket: sessionsBucket, Key: sessionKey(old)})
		}
		if err := s.store.Update(writes...); err != nil {
			return err
		}
	}
	s.mu.Lock()
	s.sessions[ses.AccessKeyID] = ses
	s.mu.Unlock()
	return nil
}

func sessionKey(ses *session) []byte {
	return persist.Key(ses.Account, globalRegion, ses.AccessKeyID)
}

// parse parses the session policies.
func (ses *session) parse() error {
	ses.parsed = nil
	for _, sp := range ses.Policies {
		p, err := policy.Parse(sp.Document, policy.Identity)
		if err != nil {
			return fmt.Errorf("session policy %s: %w", sp.Name, err)
		}
		ses.parsed = append(ses.parsed, policy.NamedPolicy{Name: sp.Name, Policy: p})
	}
	return nil
}

// restore brings back the sessions that have not expired.
func (s *Service) restore() error {
	if s.store == nil {
		return nil
	}
	now := s.now()
	var expired [][]byte
	err := s.store.Scan(sessionsBucket, nil, func(key, value []byte) error {
		var ses session
		if err := json.Unmarshal(value, &ses); err != nil {
			return fmt.Errorf("sts: session record: %w", err)
		}
		if !now.Before(ses.Expires) {
			expired = append(expired, append([]byte(nil), key...))
			return nil
		}
		if err := ses.parse(); err != nil {
			s.log.Error("stored session policy no longer parses; dropping the session",
				"account", ses.Account, "arn", ses.ARN, "err", err)
			return nil
		}
		s.sessions[ses.AccessKeyID] = &ses
		return nil
	})
	if err != nil {
		return err
	}
	if len(expired) == 0 {
		return nil
	}
	writes := make([]persist.Write, len(expired))
	for i, k := range expired {
		writes[i] = persist.Write{Bucket: sessionsBucket, Key: k}
	}
	return s.store.Update(writes...)
}

// session returns the session of an access key, or nil.
func (s *Service) session(accessKeyID string) *session {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.sessions[accessKeyID]
}

// Lookup resolves temporary credentials. It answers for expired sessions
// too, with their expiry, so that the emulator can answer ExpiredToken. It
// is an api.CredentialStore.
func (s *Service) Lookup(accessKeyID string) (api.Identity, bool) {
	ses := s.session(accessKeyID)
	if ses == nil {
		return api.Identity{}, false
	}
	return api.Identity{
		Secret: ses.Secret, SessionToken: ses.Token, Expires: ses.Expires,
		Principal: s.principal(ses),
	}, true
}

// principal is the caller a session stands for. A role session's tags are
// the role's current tags overlaid by its session tags.
func (s *Service) principal(ses *session) api.Principal {
	p := api.Principal{
		ARN: ses.ARN, Account: ses.Account, Type: ses.Type, UserID: ses.UserID, Name: ses.Name,
		RoleARN: ses.RoleARN, SourceIdentity: ses.SourceIdentity, SessionPolicies: ses.parsed,
	}
	var tags map[string]string
	if ses.Type == api.PrincipalAssumedRole && s.roles != nil {
		if r, ok := s.roles.Role(ses.RoleARN); ok {
			tags = maps.Clone(r.Tags)
		}
	}
	for _, t := range ses.Tags {
		if tags == nil {
			tags = map[string]string{}
		}
		for k := range tags {
			if strings.EqualFold(k, t.Key) {
				delete(tags, k) // tag keys compare without case; the session's wins
			}
		}
		tags[t.Key] = t.Value
	}
	p.Tags = tags
	return p
}
