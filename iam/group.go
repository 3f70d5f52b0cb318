package iam

import (
	"context"
	"slices"
	"time"

	"github.com/ferry-emulator/ferry/emulator/api"
	"github.com/ferry-emulator/ferry/persist"
)

// IAM groups and their members. A user records the groups it belongs to;
// a group's members are found from its users.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateGroup.html

type group struct {
	Name     string         `json:"name"`
	Path     string         `json:"path"`
	ID       string         `json:"id"`
	Created  time.Time      `json:"created"`
	Inline   []inlinePolicy `json:"inline,omitempty"`
	Attached []string       `json:"attached,omitempty"`
}

func (g *group) arn(account string) string { return arn(account, "group", g.Path, g.Name) }

func (g *group) clone() *group {
	c := *g
	c.Inline = slices.Clone(g.Inline)
	c.Attached = slices.Clone(g.Attached)
	return &c
}

type groupXML struct {
	Path       string  `xml:"Path"`
	GroupName  string  `xml:"GroupName"`
	GroupID    string  `xml:"GroupId"`
	Arn        string  `xml:"Arn"`
	CreateDate isoTime `xml:"CreateDate"`
}

func (g *group) xml(account string) groupXML {
	return groupXML{Path: g.Path, GroupName: g.Name, GroupID: g.ID, Arn: g.arn(account), CreateDate: isoTime(g.Created)}
}

func groupWrite(account, name string, g *group) persist.Write {
	return recordWrite(account, recordGroup, name, g)
}

// membersOf lists the users in a group, by lower-case name. Callers hold mu or meta.
func (a *account) membersOf(groupName string) []string {
	var names []string
	for k, u := range a.users {
		if slices.ContainsFunc(u.Groups, func(g string) bool { return lower(g) == lower(groupName) }) {
			names = append(names, k)
		}
	}
	slices.Sort(names)
	return names
}

type createGroupInput struct {
	GroupName string
	Path      string
}

func (in *createGroupInput) target() ref {
	return ref{kind: kindGroup, name: in.GroupName, path: in.Path}
}

type groupOutput struct {
	Group groupXML `xml:"Group"`
}

func (in *createGroupInput) validate() *api.Error {
	v := groups.validation(in.GroupName)
	v.path(in.Path, "path")
	return v.Err()
}

func (s *Service) createGroup(_ context.Context, req *api.Request, in *createGroupInput) (*groupOutput, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	s.meta.Lock()
	defer s.meta.Unlock()
	if err := groups.checkFree(s, req.Account, in.GroupName); err != nil {
		return nil, err
	}
	g := &group{Name: in.GroupName, Path: defaultPath(in.Path), ID: newUniqueID(prefixGroup, req.Account), Created: s.now()}
	if err := groups.put(s, req.Account, nil, g); err != nil {
		return nil, err
	}
	return &groupOutput{Group: g.xml(req.Account)}, nil
}

type getGroupInput struct {
	GroupName string
	Marker    string
	MaxItems  *int32
}

func (in *getGroupInput) target() ref { return groups.ref(in.GroupName) }

type getGroupOutput struct {
	Group       groupXML         `xml:"Group"`
	Users       members[userXML] `xml:"Users"`
	IsTruncated bool             `xml:"IsTruncated"`
	Marker      string           `xml:"Marker,omitempty"`
}

func (in *getGroupInput) validate() *api.Error { return groups.validation(in.GroupName).Err() }

func (s *Service) getGroup(_ context.Context, req *api.Request, in *getGroupInput) (*getGroupOutput, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	g, err := groups.lookup(s, req.Account, in.GroupName)
	if err != nil {
		return nil, err
	}
	a := s.account(req.Account)
	names := a.membersOf(g.Name)
	p, err := paginate(names, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	out := &getGroupOutput{Group: g.xml(req.Account), Users: members[userXML]{}, IsTruncated: p.truncated, Marker: p.marker}
	for _, k := range names[p.start:p.end] {
		out.Users = append(out.Users, a.users[k].xml(req.Account, false))
	}
	return out, nil
}

type deleteGroupInput struct {
	GroupName string
}

func (in *deleteGroupInput) target() ref { return groups.ref(in.GroupName) }

func (in *deleteGroupInput) validate() *api.Error { return groups.validation(in.GroupName).Err() }

func (s *Service) deleteGroup(_ context.Context, req *api.Request, in *deleteGroupInput) (*struct{}, error) {
	return nil, groups.remove(s, req, in.GroupName, func(g *group) *api.Error {
		switch {
		case len(s.account(req.Account).membersOf(g.Name)) > 0:
			return errDeleteConflict("Cannot delete entity, must remove users from group first.")
		case len(g.Inline) > 0:
			return errDeleteConflict("Cannot delete entity, must delete policies first.")
		case len(g.Attached) > 0:
			return errDeleteConflict("Cannot delete entity, must detach all policies first.")
		}
		return nil
	})
}

type listGroupsInput struct {
	PathPrefix string
	Marker     string
	MaxItems   *int32
}

func (in *listGroupsInput) target() ref {
	return ref{kind: kindListing, listing: "group", path: in.PathPrefix}
}

type listGroupsOutput struct {
	Groups      members[groupXML] `xml:"Groups"`
	IsTruncated bool              `xml:"IsTruncated"`
	Marker      string            `xml:"Marker,omitempty"`
}

func (in *listGroupsInput) validate() *api.Error { return validatePathPrefix(in.PathPrefix) }

func (s *Service) listGroups(_ context.Context, req *api.Request, in *listGroupsInput) (*listGroupsOutput, error) {
	found, p, err := groups.list(s, req.Account, in.PathPrefix, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	out := &listGroupsOutput{Groups: members[groupXML]{}, IsTruncated: p.truncated, Marker: p.marker}
	for _, g := range found {
		out.Groups = append(out.Groups, g.xml(req.Account))
	}
	return out, nil
}

type membershipInput struct {
	GroupName string
	UserName  string
}

func (in *membershipInput) validate() *api.Error {
	return validateMembership(in.GroupName, in.UserName)
}

func (in *membershipInput) target() ref { return groups.ref(in.GroupName) }

func (s *Service) addUserToGroup(_ context.Context, req *api.Request, in *membershipInput) (*struct{}, error) {
	return nil, s.changeMembership(req, in.GroupName, in.UserName, func(g *group, old *user) (*user, *api.Error) {
		if slices.ContainsFunc(old.Groups, func(n string) bool { return lower(n) == lower(g.Name) }) {
			return nil, nil
		}
		if len(old.Groups) >= maxGroupsOfUser {
			return nil, errLimitExceeded("Cannot exceed quota for GroupsPerUser: %d", maxGroupsOfUser)
		}
		u := old.clone()
		u.Groups = append(u.Groups, g.Name)
		return u, nil
	})
}

type removeMembershipInput struct {
	GroupName string
	UserName  string
}

func (in *removeMembershipInput) validate() *api.Error {
	return validateMembership(in.GroupName, in.UserName)
}

func (in *removeMembershipInput) target() ref { return groups.ref(in.GroupName) }

func (s *Service) removeUserFromGroup(_ context.Context, req *api.Request, in *removeMembershipInput) (*struct{}, error) {
	return nil, s.changeMembership(req, in.GroupName, in.UserName, func(g *group, old *user) (*user, *api.Error) {
		i := slices.IndexFunc(old.Groups, func(n string) bool { return lower(n) == lower(g.Name) })
		if i < 0 {
			return nil, errNoSuchEntity("User %s is not in group %s.", old.Name, g.Name)
		}
		u := old.clone()
		u.Groups = slices.Delete(u.Groups, i, i+1)
		return u, nil
	})
}

// changeMembership commits the user that fn makes of the named group and
// user; a nil user leaves everything as it is.
func (s *Service) changeMembership(req *api.Request, groupName, userName string, fn func(g *group, old *user) (*user, *api.Error)) error {
	if err := validateMembership(groupName, userName); err != nil {
		return err
	}
	s.meta.Lock()
	defer s.meta.Unlock()
	g, err := groups.lookup(s, req.Account, groupName)
	if err != nil {
		return err
	}
	old, err := users.lookup(s, req.Account, userName)
	if err != nil {
		return err
	}
	u, err := fn(g, old)
	if err != nil {
		return err
	}
	if u == nil {
		return nil
	}
	return users.put(s, req.Account, old, u)
}

func validateMembership(groupName, userName string) *api.Error {
	var v validation
	v.name(groupName, "groupName", maxGroupName)
	v.name(userName, "userName", maxUserName)
	return v.Err()
}

type listGroupsForUserInput struct {
	UserName string
	Marker   string
	MaxItems *int32
}

func (in *listGroupsForUserInput) target() ref { return users.ref(in.UserName) }

func (in *listGroupsForUserInput) validate() *api.Error { return users.validation(in.UserName).Err() }

func (s *Service) listGroupsForUser(_ context.Context, req *api.Request, in *listGroupsForUserInput) (*listGroupsOutput, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	u, err := users.lookup(s, req.Account, in.UserName)
	if err != nil {
		return nil, err
	}
	a := s.account(req.Account)
	keys := make([]string, 0, len(u.Groups))
	for _, n := range u.Groups {
		if a.groups[lower(n)] != nil {
			keys = append(keys, lower(n))
		}
	}
	slices.Sort(keys)
	p, err := paginate(keys, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	out := &listGroupsOutput{Groups: members[groupXML]{}, IsTruncated: p.truncated, Marker: p.marker}
	for _, k := range keys[p.start:p.end] {
		out.Groups = append(out.Groups, a.groups[k].xml(req.Account))
	}
	return out, nil
}
