package iam

import (
	"context"
	"slices"
	"time"

	"github.com/ferry-emulator/ferry/emulator/api"
	"github.com/ferry-emulator/ferry/iam/policy"
	"github.com/ferry-emulator/ferry/persist"
)

// IAM users. https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateUser.html

// user is an IAM user with everything attached to it. Values are never
// changed once published; a change publishes a modified clone.
type user struct {
	Name     string         `json:"name"`
	Path     string         `json:"path"`
	ID       string         `json:"id"`
	Created  time.Time      `json:"created"`
	Tags     []tag          `json:"tags,omitempty"`
	Boundary string         `json:"boundary,omitempty"`
	Inline   []inlinePolicy `json:"inline,omitempty"`   // by name
	Attached []string       `json:"attached,omitempty"` // managed policy ARNs, in attachment order
	Groups   []string       `json:"groups,omitempty"`   // group names, in joining order
	Keys     []accessKey    `json:"keys,omitempty"`
}

// inlinePolicy is a policy embedded in a user, group or role.
type inlinePolicy struct {
	Name     string         `json:"name"`
	Document string         `json:"document"`
	parsed   *policy.Policy // nil only if a stored document no longer parses
}

func (u *user) arn(account string) string { return arn(account, "user", u.Path, u.Name) }

func (u *user) clone() *user {
	c := *u
	c.Tags = slices.Clone(u.Tags)
	c.Inline = slices.Clone(u.Inline)
	c.Attached = slices.Clone(u.Attached)
	c.Groups = slices.Clone(u.Groups)
	c.Keys = slices.Clone(u.Keys)
	return &c
}

type userXML struct {
	Path                string       `xml:"Path,omitempty"`
	UserName            string       `xml:"UserName,omitempty"`
	UserID              string       `xml:"UserId"`
	Arn                 string       `xml:"Arn"`
	CreateDate          isoTime      `xml:"CreateDate"`
	PermissionsBoundary *boundaryXML `xml:"PermissionsBoundary,omitempty"`
	Tags                members[tag] `xml:"Tags,omitempty"`
}

// xml renders the user; full adds what GetUser and CreateUser return and
// ListUsers leaves out.
func (u *user) xml(account string, full bool) userXML {
	x := userXML{Path: u.Path, UserName: u.Name, UserID: u.ID, Arn: u.arn(account), CreateDate: isoTime(u.Created)}
	if full {
		x.PermissionsBoundary = boundaryOf(u.Boundary)
		x.Tags = u.Tags
	}
	return x
}

type userOutput struct {
	User userXML `xml:"User"`
}

// lookupUser finds a user of the caller's account. Callers hold mu or meta.
func (s *Service) lookupUser(account, name string) (*user, *api.Error) {
	if a := s.account(account); a != nil {
		if u := a.users[lower(name)]; u != nil {
			return u, nil
		}
	}
	return nil, errNoSuchEntity("The user with name %s cannot be found.", name)
}

// callerUserName is the user a request acts on when it names none: the
// caller, if the caller is an IAM user.
func callerUserName(req *api.Request, name string) (string, *api.Error) {
	if name != "" {
		return name, nil
	}
	if req.Principal.Type != api.PrincipalUser {
		return "", errValidation("Must specify userName when calling with non-User credentials")
	}
	return req.Principal.Name, nil
}

// userWrite is the durable write of a user (u nil deletes name's record).
func userWrite(account, name string, u *user) persist.Write {
	return recordWrite(account, recordUser, name, u)
}

type createUserInput struct {
	UserName            string
	Path                string
	PermissionsBoundary string
	Tags                []tag `query:"Tags.member"`
}

func (in *createUserInput) target() ref {
	return ref{kind: kindUser, name: in.UserName, path: in.Path, tags: in.Tags, boundary: in.PermissionsBoundary}
}

func (in *createUserInput) validate() *api.Error {
	var v validation
	v.name(in.UserName, "userName", maxUserName)
	v.path(in.Path, "path")
	if in.PermissionsBoundary != "" {
		v.arn(in.PermissionsBoundary, "permissionsBoundary")
	}
	v.tags(in.Tags)
	return v.err()
}

func (s *Service) createUser(_ context.Context, req *api.Request, in *createUserInput) (*userOutput, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	if err := duplicateTags(in.Tags); err != nil {
		return nil, err
	}
	s.meta.Lock()
	defer s.meta.Unlock()
	if in.PermissionsBoundary != "" {
		if err := s.checkBoundary(req, in.PermissionsBoundary); err != nil {
			return nil, err
		}
	}
	if a := s.account(req.Account); a != nil && a.users[lower(in.UserName)] != nil {
		return nil, errEntityAlreadyExists("User with name %s already exists.", in.UserName)
	}
	u := &user{
		Name: in.UserName, Path: defaultPath(in.Path), ID: newUniqueID(prefixUser, req.Account),
		Created: s.now(), Tags: slices.Clone(in.Tags), Boundary: in.PermissionsBoundary,
	}
	err := s.commitIn(req.Account, []persist.Write{userWrite(req.Account, u.Name, u)}, func(a *account) {
		a.users[lower(u.Name)] = u
	})
	if err != nil {
		return nil, err
	}
	return &userOutput{User: u.xml(req.Account, true)}, nil
}

type getUserInput struct {
	UserName string
}

func (in *getUserInput) target() ref { return ref{kind: kindUser, name: in.UserName} }

func (in *getUserInput) validate() *api.Error {
	var v validation
	v.optName(in.UserName, "userName", maxUserName)
	return v.err()
}

func (s *Service) getUser(_ context.Context, req *api.Request, in *getUserInput) (*userOutput, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	if in.UserName == "" && req.Principal.Type == api.PrincipalRoot {
		// The root user has no name and no path; its id is the account's.
		return &userOutput{User: userXML{UserID: req.Account, Arn: req.Principal.ARN, CreateDate: isoTime(time.Unix(0, 0))}}, nil
	}
	name, err := callerUserName(req, in.UserName)
	if err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	u, err := s.lookupUser(req.Account, name)
	if err != nil {
		return nil, err
	}
	return &userOutput{User: u.xml(req.Account, true)}, nil
}

type updateUserInput struct {
	UserName    string
	NewUserName string
	NewPath     string
}

func (in *updateUserInput) target() ref { return ref{kind: kindUser, name: in.UserName} }

func (in *updateUserInput) validate() *api.Error {
	var v validation
	v.name(in.UserName, "userName", maxUserName)
	v.optName(in.NewUserName, "newUserName", maxUserName)
	v.path(in.NewPath, "newPath")
	return v.err()
}

func (s *Service) updateUser(_ context.Context, req *api.Request, in *updateUserInput) (*struct{}, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	s.meta.Lock()
	defer s.meta.Unlock()
	old, err := s.lookupUser(req.Account, in.UserName)
	if err != nil {
		return nil, err
	}
	u := old.clone()
	if in.NewPath != "" {
		u.Path = in.NewPath
	}
	writes := []persist.Write{}
	if in.NewUserName != "" && in.NewUserName != old.Name {
		if lower(in.NewUserName) != lower(old.Name) && s.account(req.Account).users[lower(in.NewUserName)] != nil {
			return nil, errEntityAlreadyExists("User with name %s already exists.", in.NewUserName)
		}
		u.Name = in.NewUserName
		writes = append(writes, userWrite(req.Account, old.Name, nil))
	}
	writes = append(writes, userWrite(req.Account, u.Name, u))
	return nil, s.commitIn(req.Account, writes, func(a *account) {
		delete(a.users, lower(old.Name))
		a.users[lower(u.Name)] = u
		s.indexKeys(req.Account, old, u)
	})
}

type deleteUserInput struct {
	UserName string
}

func (in *deleteUserInput) target() ref { return ref{kind: kindUser, name: in.UserName} }

// deleteUser refuses, as AWS does, while anything is still attached to the user
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_users_remove.html#id_users_deleting_cli).
func (in *deleteUserInput) validate() *api.Error {
	var v validation
	v.name(in.UserName, "userName", maxUserName)
	return v.err()
}

func (s *Service) deleteUser(_ context.Context, req *api.Request, in *deleteUserInput) (*struct{}, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	s.meta.Lock()
	defer s.meta.Unlock()
	u, err := s.lookupUser(req.Account, in.UserName)
	if err != nil {
		return nil, err
	}
	switch {
	case len(u.Keys) > 0:
		return nil, errDeleteConflict("Cannot delete entity, must delete access keys first.")
	case len(u.Inline) > 0:
		return nil, errDeleteConflict("Cannot delete entity, must delete policies first.")
	case len(u.Attached) > 0:
		return nil, errDeleteConflict("Cannot delete entity, must detach all policies first.")
	case len(u.Groups) > 0:
		return nil, errDeleteConflict("Cannot delete entity, must remove users from group first.")
	}
	return nil, s.commitIn(req.Account, []persist.Write{userWrite(req.Account, u.Name, nil)}, func(a *account) {
		delete(a.users, lower(u.Name))
	})
}

type listUsersInput struct {
	PathPrefix string
	Marker     string
	MaxItems   *int32
}

func (in *listUsersInput) target() ref {
	return ref{kind: kindListing, listing: "user", path: in.PathPrefix}
}

type listUsersOutput struct {
	Users       members[userXML] `xml:"Users"`
	IsTruncated bool             `xml:"IsTruncated"`
	Marker      string           `xml:"Marker,omitempty"`
}

func (in *listUsersInput) validate() *api.Error {
	var v validation
	v.path(in.PathPrefix, "pathPrefix")
	return v.err()
}

func (s *Service) listUsers(_ context.Context, req *api.Request, in *listUsersInput) (*listUsersOutput, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := &listUsersOutput{Users: members[userXML]{}}
	a := s.account(req.Account)
	if a == nil {
		return out, nil
	}
	keys := sortedKeys(a.users, func(u *user) bool { return hasPathPrefix(u.Path, in.PathPrefix) })
	p, err := paginate(keys, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	for _, k := range keys[p.start:p.end] {
		out.Users = append(out.Users, a.users[k].xml(req.Account, false))
	}
	out.IsTruncated, out.Marker = p.truncated, p.marker
	return out, nil
}

func hasPathPrefix(path, prefix string) bool {
	return len(path) >= len(prefix) && path[:len(prefix)] == prefix
}

type putUserBoundaryInput struct {
	UserName            string
	PermissionsBoundary string
}

func (in *putUserBoundaryInput) target() ref {
	return ref{kind: kindUser, name: in.UserName, boundary: in.PermissionsBoundary}
}

func (in *putUserBoundaryInput) validate() *api.Error {
	var v validation
	v.name(in.UserName, "userName", maxUserName)
	v.arn(in.PermissionsBoundary, "permissionsBoundary")
	return v.err()
}

func (s *Service) putUserPermissionsBoundary(_ context.Context, req *api.Request, in *putUserBoundaryInput) (*struct{}, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	return nil, s.changeUser(req, in.UserName, func(u *user) *api.Error {
		if err := s.checkBoundary(req, in.PermissionsBoundary); err != nil {
			return err
		}
		u.Boundary = in.PermissionsBoundary
		return nil
	})
}

type deleteUserBoundaryInput struct {
	UserName string
}

func (in *deleteUserBoundaryInput) target() ref { return ref{kind: kindUser, name: in.UserName} }

func (in *deleteUserBoundaryInput) validate() *api.Error {
	var v validation
	v.name(in.UserName, "userName", maxUserName)
	return v.err()
}

func (s *Service) deleteUserPermissionsBoundary(_ context.Context, req *api.Request, in *deleteUserBoundaryInput) (*struct{}, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	return nil, s.changeUser(req, in.UserName, func(u *user) *api.Error {
		u.Boundary = ""
		return nil
	})
}

// changeUser applies change to a clone of the named user and commits it.
func (s *Service) changeUser(req *api.Request, name string, change func(u *user) *api.Error) error {
	s.meta.Lock()
	defer s.meta.Unlock()
	old, err := s.lookupUser(req.Account, name)
	if err != nil {
		return err
	}
	u := old.clone()
	if err := change(u); err != nil {
		return err
	}
	return s.commitIn(req.Account, []persist.Write{userWrite(req.Account, u.Name, u)}, func(a *account) {
		a.users[lower(u.Name)] = u
		s.indexKeys(req.Account, old, u)
	})
}

// indexKeys brings the access key index up to date with a user's change
// from old to u (either may be nil). Must be called with mu held.
func (s *Service) indexKeys(account string, old, u *user) {
	if old != nil {
		for _, k := range old.Keys {
			delete(s.keys, k.ID)
		}
	}
	if u != nil {
		for _, k := range u.Keys {
			s.keys[k.ID] = keyOwner{account: account, user: lower(u.Name)}
		}
	}
}
