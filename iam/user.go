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
	v := users.validation(in.UserName)
	v.path(in.Path, "path")
	if in.PermissionsBoundary != "" {
		v.arn(in.PermissionsBoundary, "permissionsBoundary")
	}
	v.tags(in.Tags)
	return v.Err()
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
	if err := users.checkFree(s, req.Account, in.UserName); err != nil {
		return nil, err
	}
	u := &user{
		Name: in.UserName, Path: defaultPath(in.Path), ID: newUniqueID(prefixUser, req.Account),
		Created: s.now(), Tags: slices.Clone(in.Tags), Boundary: in.PermissionsBoundary,
	}
	if err := users.put(s, req.Account, nil, u); err != nil {
		return nil, err
	}
	return &userOutput{User: u.xml(req.Account, true)}, nil
}

type getUserInput struct {
	UserName string
}

func (in *getUserInput) target() ref { return users.ref(in.UserName) }

func (in *getUserInput) validate() *api.Error {
	var v validation
	v.optName(in.UserName, "userName", maxUserName)
	return v.Err()
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
	u, err := users.lookup(s, req.Account, name)
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

func (in *updateUserInput) target() ref { return users.ref(in.UserName) }

func (in *updateUserInput) validate() *api.Error {
	v := users.validation(in.UserName)
	v.optName(in.NewUserName, "newUserName", maxUserName)
	v.path(in.NewPath, "newPath")
	return v.Err()
}

func (s *Service) updateUser(_ context.Context, req *api.Request, in *updateUserInput) (*struct{}, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	s.meta.Lock()
	defer s.meta.Unlock()
	old, err := users.lookup(s, req.Account, in.UserName)
	if err != nil {
		return nil, err
	}
	u := old.clone()
	if in.NewPath != "" {
		u.Path = in.NewPath
	}
	writes := []persist.Write{}
	if in.NewUserName != "" && in.NewUserName != old.Name {
		if lower(in.NewUserName) != lower(old.Name) {
			if err := users.checkFree(s, req.Account, in.NewUserName); err != nil {
				return nil, err
			}
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

func (in *deleteUserInput) target() ref { return users.ref(in.UserName) }

func (in *deleteUserInput) validate() *api.Error { return users.validation(in.UserName).Err() }

// deleteUser refuses, as AWS does, while anything is still attached to the user
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_users_remove.html#id_users_deleting_cli).
func (s *Service) deleteUser(_ context.Context, req *api.Request, in *deleteUserInput) (*struct{}, error) {
	return nil, users.remove(s, req, in.UserName, func(u *user) *api.Error {
		switch {
		case len(u.Keys) > 0:
			return errDeleteConflict("Cannot delete entity, must delete access keys first.")
		case len(u.Inline) > 0:
			return errDeleteConflict("Cannot delete entity, must delete policies first.")
		case len(u.Attached) > 0:
			return errDeleteConflict("Cannot delete entity, must detach all policies first.")
		case len(u.Groups) > 0:
			return errDeleteConflict("Cannot delete entity, must remove users from group first.")
		}
		return nil
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

func (in *listUsersInput) validate() *api.Error { return validatePathPrefix(in.PathPrefix) }

func (s *Service) listUsers(_ context.Context, req *api.Request, in *listUsersInput) (*listUsersOutput, error) {
	found, p, err := users.list(s, req.Account, in.PathPrefix, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	out := &listUsersOutput{Users: members[userXML]{}, IsTruncated: p.truncated, Marker: p.marker}
	for _, u := range found {
		out.Users = append(out.Users, u.xml(req.Account, false))
	}
	return out, nil
}

func hasPathPrefix(path, prefix string) bool {
	return len(path) >= len(prefix) && path[:len(prefix)] == prefix
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
