package iam

import (
	"github.com/ferry-emulator/ferry/emulator/api"
	"github.com/ferry-emulator/ferry/persist"
)

// Users, groups and roles share their inline policies, attached policies
// and (but for groups) tags and permissions boundaries. Each of those
// operations is written once, over an entityType: what differs between the
// kinds is the names AWS's parameters and messages use, the quotas, and
// where the entities are kept.

// entity is a user, group or role, as the shared operations see it.
type entity[E any] interface {
	clone() E
	parts() entityParts
}

// entityParts points into an entity at what the shared operations read
// and change.
type entityParts struct {
	name     string
	path     string
	inline   *[]inlinePolicy
	attached *[]string
	tags     *[]tag  // nil for groups, which IAM does not tag
	boundary *string // nil for groups, which have no boundary
}

func (u *user) parts() entityParts {
	return entityParts{name: u.Name, path: u.Path, inline: &u.Inline, attached: &u.Attached, tags: &u.Tags, boundary: &u.Boundary}
}

func (g *group) parts() entityParts {
	return entityParts{name: g.Name, path: g.Path, inline: &g.Inline, attached: &g.Attached}
}

func (r *role) parts() entityParts {
	return entityParts{name: r.Name, path: r.Path, inline: &r.Inline, attached: &r.Attached, tags: &r.Tags, boundary: &r.Boundary}
}

// entityType is one kind of entity.
type entityType[E entity[E]] struct {
	kind  entityKind
	label string // "user", "group" or "role", as AWS's messages say it
	title string // "User": AWS's quotas are PoliciesPerUser, TagsPerRole, …
	// member is the request's name parameter as validation errors name it.
	member    string
	maxName   int
	maxInline int // all of an entity's inline policies together
	table     func(a *account) map[string]E
	write     func(account, name string, e E) persist.Write
	// published, if set, runs under mu once a change is published.
	published func(s *Service, account string, old, e E)
}

// The three kinds. Never changed.
var (
	users = &entityType[*user]{
		kind: kindUser, label: "user", title: "User", member: "userName",
		maxName: maxUserName, maxInline: maxUserInline,
		table: func(a *account) map[string]*user { return a.users },
		write: userWrite,
		// A user's access keys authenticate through s.keys.
		published: func(s *Service, account string, old, u *user) { s.indexKeys(account, old, u) },
	}
	groups = &entityType[*group]{
		kind: kindGroup, label: "group", title: "Group", member: "groupName",
		maxName: maxGroupName, maxInline: maxGroupInline,
		table: func(a *account) map[string]*group { return a.groups },
		write: groupWrite,
	}
	roles = &entityType[*role]{
		kind: kindRole, label: "role", title: "Role", member: "roleName",
		maxName: maxRoleName, maxInline: maxRoleInline,
		table: func(a *account) map[string]*role { return a.roles },
		write: roleWrite,
	}
)

// lookup finds an entity of the account. Callers hold mu or meta.
func (t *entityType[E]) lookup(s *Service, account, name string) (E, *api.Error) {
	if a := s.account(account); a != nil {
		if e, ok := t.table(a)[lower(name)]; ok {
			return e, nil
		}
	}
	var none E
	return none, errNoSuchEntity("The %s with name %s cannot be found.", t.label, name)
}

// change applies fn to a clone of the named entity and commits it.
func (t *entityType[E]) change(s *Service, req *api.Request, name string, fn func(e E) *api.Error) error {
	s.meta.Lock()
	defer s.meta.Unlock()
	old, err := t.lookup(s, req.Account, name)
	if err != nil {
		return err
	}
	e := old.clone()
	if err := fn(e); err != nil {
		return err
	}
	return t.put(s, req.Account, old, e)
}

// put makes e, which replaces old (nil for a new entity), durable and
// publishes it. Callers hold meta.
func (t *entityType[E]) put(s *Service, accountID string, old, e E) error {
	name := e.parts().name
	return s.commitIn(accountID, []persist.Write{t.write(accountID, name, e)}, func(a *account) {
		t.table(a)[lower(name)] = e
		if t.published != nil {
			t.published(s, accountID, old, e)
		}
	})
}

// checkFree refuses a name already taken; IAM compares names without
// case. Callers hold meta.
func (t *entityType[E]) checkFree(s *Service, account, name string) *api.Error {
	if a := s.account(account); a != nil {
		if _, taken := t.table(a)[lower(name)]; taken {
			return errEntityAlreadyExists("%s with name %s already exists.", t.title, name)
		}
	}
	return nil
}

// remove deletes the named entity, unless inUse refuses: AWS deletes
// nothing that still has policies, keys or members.
func (t *entityType[E]) remove(s *Service, req *api.Request, name string, inUse func(e E) *api.Error) error {
	if err := t.validation(name).Err(); err != nil {
		return err
	}
	s.meta.Lock()
	defer s.meta.Unlock()
	e, err := t.lookup(s, req.Account, name)
	if err != nil {
		return err
	}
	if err := inUse(e); err != nil {
		return err
	}
	name = e.parts().name
	var gone E // a nil entity: the write deletes the record
	return s.commitIn(req.Account, []persist.Write{t.write(req.Account, name, gone)}, func(a *account) {
		delete(t.table(a), lower(name))
	})
}

// list pages through the account's entities of the kind under a path
// prefix, in name order.
func (t *entityType[E]) list(s *Service, account, pathPrefix, marker string, maxItems *int32) ([]E, page, error) {
	if err := validatePathPrefix(pathPrefix); err != nil {
		return nil, page{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	a := s.account(account)
	if a == nil {
		return nil, page{}, nil
	}
	all := t.table(a)
	keys := sortedKeys(all, func(e E) bool { return hasPathPrefix(e.parts().path, pathPrefix) })
	p, err := paginate(keys, marker, maxItems)
	if err != nil {
		return nil, page{}, err
	}
	found := make([]E, 0, p.end-p.start)
	for _, k := range keys[p.start:p.end] {
		found = append(found, all[k])
	}
	return found, p, nil
}

// ref names the entity as the target of a request.
func (t *entityType[E]) ref(name string) ref { return ref{kind: t.kind, name: name} }

// validation starts checking a request that names an entity of the kind.
func (t *entityType[E]) validation(name string) *validation {
	v := &validation{}
	v.name(name, t.member, t.maxName)
	return v
}
