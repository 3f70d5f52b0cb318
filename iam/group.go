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

func (s *Service) lookupGroup(account, name string) (*group, *api.Error) {
	if a := s.account(account); a != nil {
		if g := a.groups[lower(name)]; g != nil {
			return g, nil
		}
	}
	return nil, errNoSuchEntity("The group with name %s cannot be found.", name)
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
	var v validation
	v.name(in.GroupName, "groupName", maxGroupName)
	v.path(in.Path, "path")
	return v.err()
}

func (s *Service) createGroup(_ context.Context, req *api.Request, in *createGroupInput) (*groupOutput, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	s.meta.Lock()
	defer s.meta.Unlock()
	if a := s.account(req.Account); a != nil && a.groups[lower(in.GroupName)] != nil {
		return nil, errEntityAlreadyExists("Group with name %s already exists.", in.GroupName)
	}
	g := &group{Name: in.GroupName, Path: defaultPath(in.Path), ID: newUniqueID(prefixGroup, req.Account), Created: s.now()}
	err := s.commitIn(req.Account, []persist.Write{groupWrite(req.Account, g.Name, g)}, func(a *account) {
		a.groups[lower(g.Name)] = g
	})
	if err != nil {
		return nil, err
	}
	return &groupOutput{Group: g.xml(req.Account)}, nil
}

type getGroupInput struct {
	GroupName string
	Marker    string
	MaxItems  *int32
}

func (in *getGroupInput) target() ref { return ref{kind: kindGroup, name: in.GroupName} }

type getGroupOutput struct {
	Group       groupXML         `xml:"Group"`
	Users       members[userXML] `xml:"Users"`
	IsTruncated bool             `xml:"IsTruncated"`
	Marker      string           `xml:"Marker,omitempty"`
}

func (in *getGroupInput) validate() *api.Error {
	var v validation
	v.name(in.GroupName, "groupName", maxGroupName)
	return v.err()
}

func (s *Service) getGroup(_ context.Context, req *api.Request, in *getGroupInput) (*getGroupOutput, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	g, err := s.lookupGroup(req.Account, in.GroupName)
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

func (in *deleteGroupInput) target() ref { return ref{kind: kindGroup, name: in.GroupName} }

func (in *deleteGroupInput) validate() *api.Error {
	var v validation
	v.name(in.GroupName, "groupName", maxGroupName)
	return v.err()
}

func (s *Service) deleteGroup(_ context.Context, req *api.Request, in *deleteGroupInput) (*struct{}, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	s.meta.Lock()
	defer s.meta.Unlock()
	g, err := s.lookupGroup(req.Account, in.GroupName)
	if err != nil {
		return nil, err
	}
	switch {
	case len(s.account(req.Account).membersOf(g.Name)) > 0:
		return nil, errDeleteConflict("Cannot delete entity, must remove users from group first.")
	case len(g.Inline) > 0:
		return nil, errDeleteConflict("Cannot delete entity, must delete policies first.")
	case len(g.Attached) > 0:
		return nil, errDeleteConflict("Cannot delete entity, must detach all policies first.")
	}
	return nil, s.commitIn(req.Account, []persist.Write{groupWrite(req.Account, g.Name, nil)}, func(a *account) {
		delete(a.groups, lower(g.Name))
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

func (in *listGroupsInput) validate() *api.Error {
	var v validation
	v.path(in.PathPrefix, "pathPrefix")
	return v.err()
}

func (s *Service) listGroups(_ context.Context, req *api.Request, in *listGroupsInput) (*listGroupsOutput, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := &listGroupsOutput{Groups: members[groupXML]{}}
	a := s.account(req.Account)
	if a == nil {
		return out, nil
	}
	keys := sortedKeys(a.groups, func(g *group) bool { return hasPathPrefix(g.Path, in.PathPrefix) })
	p, err := paginate(keys, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	for _, k := range keys[p.start:p.end] {
		out.Groups = append(out.Groups, a.groups[k].xml(req.Account))
	}
	out.IsTruncated, out.Marker = p.truncated, p.marker
	return out, nil
}

type membershipInput struct {
	GroupName string
	UserName  string
}

func (in *membershipInput) validate() *api.Error {
	return validateMembership(in.GroupName, in.UserName)
}

func (in *membershipInput) target() ref { return ref{kind: kindGroup, name: in.GroupName} }

func (s *Service) addUserToGroup(_ context.Context, req *api.Request, in *membershipInput) (*struct{}, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	s.meta.Lock()
	defer s.meta.Unlock()
	g, err := s.lookupGroup(req.Account, in.GroupName)
	if err != nil {
		return nil, err
	}
	old, err := s.lookupUser(req.Account, in.UserName)
	if err != nil {
		return nil, err
	}
	if slices.ContainsFunc(old.Groups, func(n string) bool { return lower(n) == lower(g.Name) }) {
		return nil, nil
	}
	if len(old.Groups) >= maxGroupsOfUser {
		return nil, errLimitExceeded("Cannot exceed quota for GroupsPerUser: %d", maxGroupsOfUser)
	}
	u := old.clone()
	u.Groups = append(u.Groups, g.Name)
	return nil, s.commitIn(req.Account, []persist.Write{userWrite(req.Account, u.Name, u)}, func(a *account) {
		a.users[lower(u.Name)] = u
	})
}

type removeMembershipInput struct {
	GroupName string
	UserName  string
}

func (in *removeMembershipInput) validate() *api.Error {
	return validateMembership(in.GroupName, in.UserName)
}

func (in *removeMembershipInput) target() ref { return ref{kind: kindGroup, name: in.GroupName} }

func (s *Service) removeUserFromGroup(_ context.Context, req *api.Request, in *removeMembershipInput) (*struct{}, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	s.meta.Lock()
	defer s.meta.Unlock()
	g, err := s.lookupGroup(req.Account, in.GroupName)
	if err != nil {
		return nil, err
	}
	old, err := s.lookupUser(req.Account, in.UserName)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(old.Groups, func(n string) bool { return lower(n) == lower(g.Name) })
	if i < 0 {
		return nil, errNoSuchEntity("User %s is not in group %s.", old.Name, g.Name)
	}
	u := old.clone()
	u.Groups = slices.Delete(u.Groups, i, i+1)
	return nil, s.commitIn(req.Account, []persist.Write{userWrite(req.Account, u.Name, u)}, func(a *account) {
		a.users[lower(u.Name)] = u
	})
}

func validateMembership(groupName, userName string) *api.Error {
	var v validation
	v.name(groupName, "groupName", maxGroupName)
	v.name(userName, "userName", maxUserName)
	return v.err()
}

type listGroupsForUserInput struct {
	UserName string
	Marker   string
	MaxItems *int32
}

func (in *listGroupsForUserInput) target() ref { return ref{kind: kindUser, name: in.UserName} }

func (in *listGroupsForUserInput) validate() *api.Error {
	var v validation
	v.name(in.UserName, "userName", maxUserName)
	return v.err()
}

func (s *Service) listGroupsForUser(_ context.Context, req *api.Request, in *listGroupsForUserInput) (*listGroupsOutput, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	u, err := s.lookupUser(req.Account, in.UserName)
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

// changeGroup applies change to a clone of the named group and commits it.
func (s *Service) changeGroup(req *api.Request, name string, change func(g *group) *api.Error) error {
	s.meta.Lock()
	defer s.meta.Unlock()
	old, err := s.lookupGroup(req.Account, name)
	if err != nil {
		return err
	}
	g := old.clone()
	if err := change(g); err != nil {
		return err
	}
	return s.commitIn(req.Account, []persist.Write{groupWrite(req.Account, g.Name, g)}, func(a *account) {
		a.groups[lower(g.Name)] = g
	})
}
