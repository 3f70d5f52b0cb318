package iam

import "sort"

// Identity is a user or role as ferry's dashboard shows it: who it is and
// every policy that shapes what it may do.
type Identity struct {
	Account  string            `json:"account"`
	Kind     string            `json:"kind"` // user or role
	Name     string            `json:"name"`
	ARN      string            `json:"arn"`
	Inline   map[string]string `json:"inline,omitempty"`   // policy name -> document
	Attached []string          `json:"attached,omitempty"` // managed policy ARNs
	Groups   []string          `json:"groups,omitempty"`
	Boundary string            `json:"boundary,omitempty"`
	Trust    string            `json:"trust,omitempty"` // a role's trust policy, as it stands now
	Keys     []string          `json:"keys,omitempty"`  // access key ids (never secrets)
}

// Identities lists every user and role, by account, kind and name.
func (s *Service) Identities() []Identity {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []Identity
	inline := func(list []inlinePolicy) map[string]string {
		if len(list) == 0 {
			return nil
		}
		m := make(map[string]string, len(list))
		for _, p := range list {
			m[p.Name] = p.Document
		}
		return m
	}
	for id, a := range s.accounts {
		for _, u := range a.users {
			ident := Identity{Account: id, Kind: "user", Name: u.Name, ARN: u.arn(id), Inline: inline(u.Inline),
				Attached: u.Attached, Groups: u.Groups, Boundary: u.Boundary}
			for _, k := range u.Keys {
				ident.Keys = append(ident.Keys, k.ID)
			}
			out = append(out, ident)
		}
		for _, r := range a.roles {
			trust, _ := s.boundTrust(r)
			out = append(out, Identity{Account: id, Kind: "role", Name: r.Name, ARN: r.arn(id), Inline: inline(r.Inline),
				Attached: r.Attached, Boundary: r.Boundary, Trust: trust})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Account != b.Account {
			return a.Account < b.Account
		}
		if a.Kind != b.Kind {
			return a.Kind > b.Kind // users before roles
		}
		return a.Name < b.Name
	})
	return out
}
