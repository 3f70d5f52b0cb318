package iam

import (
	"log/slog"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ferry-emulator/ferry/emulator/api"
	"github.com/ferry-emulator/ferry/persist"
)

// Config wires the service to the rest of ferry.
type Config struct {
	Store persist.Store
	Log   *slog.Logger
	// Now is the clock for creation dates; default time.Now.
	Now func() time.Time
}

// Service is IAM for every account. Accounts are implicit: every 12-digit
// account exists, empty until something is created in it. IAM is global,
// so the request's region plays no part.
//
// Entities are copy-on-write: a change builds a new value, writes it to the
// store and only then publishes it, so readers (every authenticated request
// reads keys and policies) never see a half-made change and never wait for
// a durable write.
//
// Lock order: meta, then mu. meta serializes changes together with their
// durable writes; mu guards the maps and is held only to read or to swap
// values in.
type Service struct {
	store persist.Store
	log   *slog.Logger
	now   func() time.Time
	api   *api.Service
	aws   map[string]*managedPolicy // AWS managed policies, by lower-case name; never change

	meta     sync.Mutex
	mu       sync.RWMutex
	accounts map[string]*account
	keys     map[string]keyOwner // access key id -> its user

	// generation counts changes to IAM state (bumped under mu), so that a
	// principal's cached policy set is known stale after any change.
	generation atomic.Uint64
	policySets sync.Map // principal cache key -> *policySet
	identities sync.Map // access key id -> *cachedIdentity
}

// account is one account's IAM entities, each map by lower-case name (IAM
// names are unique without regard to case).
type account struct {
	users    map[string]*user
	groups   map[string]*group
	roles    map[string]*role
	policies map[string]*managedPolicy
}

func newAccount() *account {
	return &account{
		users:    map[string]*user{},
		groups:   map[string]*group{},
		roles:    map[string]*role{},
		policies: map[string]*managedPolicy{},
	}
}

type keyOwner struct {
	account string
	user    string // lower-case user name
}

// New makes the service and restores the entities recorded in the store.
func New(cfg Config) (*Service, error) {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	aws, err := awsManagedPolicies()
	if err != nil {
		return nil, err
	}
	s := &Service{
		store: cfg.Store, log: cfg.Log, now: cfg.Now, aws: aws,
		accounts: map[string]*account{}, keys: map[string]keyOwner{},
	}
	s.api = &api.Service{
		SigningName:   "iam",
		XMLNamespace:  "https://iam.amazonaws.com/doc/2010-05-08/",
		QueryProtocol: true,
		Actions:       s.actions(),
		Denied:        errAccessDenied,
	}
	if err := s.restore(); err != nil {
		return nil, err
	}
	return s, nil
}

// API describes the service to the emulator.
func (s *Service) API() *api.Service { return s.api }

// Reset forgets every entity; the emulator resets the store.
func (s *Service) Reset() {
	s.meta.Lock()
	defer s.meta.Unlock()
	s.mu.Lock()
	s.accounts = map[string]*account{}
	s.keys = map[string]keyOwner{}
	s.generation.Add(1)
	s.mu.Unlock()
}

// Close has nothing to stop: IAM runs no goroutines.
func (s *Service) Close() {}

// account returns an account's entities, or nil if it has none. Callers
// hold mu (or meta, which excludes every writer).
func (s *Service) account(id string) *account { return s.accounts[id] }

// commitIn makes a change to one account's entities durable and then
// publishes it. Must be called with s.meta held; publish runs under mu and
// gets the account, created if need be.
func (s *Service) commitIn(accountID string, writes []persist.Write, publish func(a *account)) error {
	if s.store != nil && len(writes) > 0 {
		if err := s.store.Update(writes...); err != nil {
			return err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var a *account
	if accountID != "" {
		a = s.accounts[accountID]
		if a == nil {
			a = newAccount()
			s.accounts[accountID] = a
		}
	}
	publish(a)
	s.generation.Add(1)
	return nil
}

// sortedKeys returns a map's keys in order, for paging.
func sortedKeys[V any](m map[string]V, keep func(V) bool) []string {
	keys := make([]string, 0, len(m))
	for k, v := range m {
		if keep == nil || keep(v) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}

func lower(s string) string { return strings.ToLower(s) }

// defaultPath is "/" for an absent path.
func defaultPath(p string) string {
	if p == "" {
		return "/"
	}
	return p
}

// parseEntityARN splits arn:aws:iam::ACCOUNT:KIND/PATH/NAME (KIND user,
// group, role or policy; PATH "/" or "/…/").
func parseEntityARN(s string) (account, kind, path, name string, ok bool) {
	rest, ok := strings.CutPrefix(s, "arn:aws:iam::")
	if !ok {
		return "", "", "", "", false
	}
	account, rest, ok = strings.Cut(rest, ":")
	if !ok {
		return "", "", "", "", false
	}
	kind, rest, ok = strings.Cut(rest, "/")
	if !ok {
		return "", "", "", "", false
	}
	i := strings.LastIndexByte(rest, '/')
	path, name = "/"+rest[:i+1], rest[i+1:]
	return account, kind, path, name, name != ""
}

// arn builds an IAM ARN: arn:aws:iam::ACCOUNT:KIND/PATH/NAME.
func arn(account, kind, path, name string) string {
	return "arn:aws:iam::" + account + ":" + kind + defaultPath(path) + name
}

// actions is IAM's action table: every operation, the IAM action it is
// authorized as, and how its target (the entity it acts on) is found.
func (s *Service) actions() map[string]*api.Action {
	return api.Table(
		// Users.
		api.Resolve(api.Op("CreateUser", "iam:CreateUser", s.createUser), resolver[createUserInput](s)),
		api.Resolve(api.Op("GetUser", "iam:GetUser", s.getUser), resolver[getUserInput](s)),
		api.Resolve(api.Op("UpdateUser", "iam:UpdateUser", s.updateUser), resolver[updateUserInput](s)),
		api.Resolve(api.Op("DeleteUser", "iam:DeleteUser", s.deleteUser), resolver[deleteUserInput](s)),
		api.Resolve(api.Op("ListUsers", "iam:ListUsers", s.listUsers), resolver[listUsersInput](s)),
		api.Resolve(api.Op("TagUser", "iam:TagUser", s.tagUser), resolver[tagUserInput](s)),
		api.Resolve(api.Op("UntagUser", "iam:UntagUser", s.untagUser), resolver[untagUserInput](s)),
		api.Resolve(api.Op("ListUserTags", "iam:ListUserTags", s.listUserTags), resolver[listUserTagsInput](s)),
		api.Resolve(api.Op("PutUserPermissionsBoundary", "iam:PutUserPermissionsBoundary", s.putUserPermissionsBoundary), resolver[putUserBoundaryInput](s)),
		api.Resolve(api.Op("DeleteUserPermissionsBoundary", "iam:DeleteUserPermissionsBoundary", s.deleteUserPermissionsBoundary), resolver[deleteUserBoundaryInput](s)),

		// Groups and membership.
		api.Resolve(api.Op("CreateGroup", "iam:CreateGroup", s.createGroup), resolver[createGroupInput](s)),
		api.Resolve(api.Op("GetGroup", "iam:GetGroup", s.getGroup), resolver[getGroupInput](s)),
		api.Resolve(api.Op("DeleteGroup", "iam:DeleteGroup", s.deleteGroup), resolver[deleteGroupInput](s)),
		api.Resolve(api.Op("ListGroups", "iam:ListGroups", s.listGroups), resolver[listGroupsInput](s)),
		api.Resolve(api.Op("AddUserToGroup", "iam:AddUserToGroup", s.addUserToGroup), resolver[membershipInput](s)),
		api.Resolve(api.Op("RemoveUserFromGroup", "iam:RemoveUserFromGroup", s.removeUserFromGroup), resolver[removeMembershipInput](s)),
		api.Resolve(api.Op("ListGroupsForUser", "iam:ListGroupsForUser", s.listGroupsForUser), resolver[listGroupsForUserInput](s)),

		// Roles.
		api.Resolve(api.Op("CreateRole", "iam:CreateRole", s.createRole), resolver[createRoleInput](s)),
		api.Resolve(api.Op("GetRole", "iam:GetRole", s.getRole), resolver[getRoleInput](s)),
		api.Resolve(api.Op("DeleteRole", "iam:DeleteRole", s.deleteRole), resolver[deleteRoleInput](s)),
		api.Resolve(api.Op("ListRoles", "iam:ListRoles", s.listRoles), resolver[listRolesInput](s)),
		api.Resolve(api.Op("UpdateRole", "iam:UpdateRole", s.updateRole), resolver[updateRoleInput](s)),
		api.Resolve(api.Op("UpdateRoleDescription", "iam:UpdateRoleDescription", s.updateRoleDescription), resolver[updateRoleDescriptionInput](s)),
		api.Resolve(api.Op("UpdateAssumeRolePolicy", "iam:UpdateAssumeRolePolicy", s.updateAssumeRolePolicy), resolver[updateAssumeRolePolicyInput](s)),
		api.Resolve(api.Op("TagRole", "iam:TagRole", s.tagRole), resolver[tagRoleInput](s)),
		api.Resolve(api.Op("UntagRole", "iam:UntagRole", s.untagRole), resolver[untagRoleInput](s)),
		api.Resolve(api.Op("ListRoleTags", "iam:ListRoleTags", s.listRoleTags), resolver[listRoleTagsInput](s)),
		api.Resolve(api.Op("PutRolePermissionsBoundary", "iam:PutRolePermissionsBoundary", s.putRolePermissionsBoundary), resolver[putRoleBoundaryInput](s)),
		api.Resolve(api.Op("DeleteRolePermissionsBoundary", "iam:DeleteRolePermissionsBoundary", s.deleteRolePermissionsBoundary), resolver[deleteRoleBoundaryInput](s)),

		// Managed policies and their versions.
		api.Resolve(api.Op("CreatePolicy", "iam:CreatePolicy", s.createPolicy), resolver[createPolicyInput](s)),
		api.Resolve(api.Op("GetPolicy", "iam:GetPolicy", s.getPolicy), resolver[getPolicyInput](s)),
		api.Resolve(api.Op("DeletePolicy", "iam:DeletePolicy", s.deletePolicy), resolver[deletePolicyInput](s)),
		api.Resolve(api.Op("ListPolicies", "iam:ListPolicies", s.listPolicies), resolver[listPoliciesInput](s)),
		api.Resolve(api.Op("CreatePolicyVersion", "iam:CreatePolicyVersion", s.createPolicyVersion), resolver[createPolicyVersionInput](s)),
		api.Resolve(api.Op("GetPolicyVersion", "iam:GetPolicyVersion", s.getPolicyVersion), resolver[getPolicyVersionInput](s)),
		api.Resolve(api.Op("DeletePolicyVersion", "iam:DeletePolicyVersion", s.deletePolicyVersion), resolver[deletePolicyVersionInput](s)),
		api.Resolve(api.Op("ListPolicyVersions", "iam:ListPolicyVersions", s.listPolicyVersions), resolver[listPolicyVersionsInput](s)),
		api.Resolve(api.Op("SetDefaultPolicyVersion", "iam:SetDefaultPolicyVersion", s.setDefaultPolicyVersion), resolver[setDefaultPolicyVersionInput](s)),
		api.Resolve(api.Op("TagPolicy", "iam:TagPolicy", s.tagPolicy), resolver[tagPolicyInput](s)),
		api.Resolve(api.Op("UntagPolicy", "iam:UntagPolicy", s.untagPolicy), resolver[untagPolicyInput](s)),
		api.Resolve(api.Op("ListPolicyTags", "iam:ListPolicyTags", s.listPolicyTags), resolver[listPolicyTagsInput](s)),

		// Inline policies.
		api.Resolve(api.Op("PutUserPolicy", "iam:PutUserPolicy", s.putUserPolicy), resolver[putUserPolicyInput](s)),
		api.Resolve(api.Op("GetUserPolicy", "iam:GetUserPolicy", s.getUserPolicy), resolver[userPolicyInput](s)),
		api.Resolve(api.Op("DeleteUserPolicy", "iam:DeleteUserPolicy", s.deleteUserPolicy), resolver[deleteUserPolicyInput](s)),
		api.Resolve(api.Op("ListUserPolicies", "iam:ListUserPolicies", s.listUserPolicies), resolver[listUserPoliciesInput](s)),
		api.Resolve(api.Op("PutGroupPolicy", "iam:PutGroupPolicy", s.putGroupPolicy), resolver[putGroupPolicyInput](s)),
		api.Resolve(api.Op("GetGroupPolicy", "iam:GetGroupPolicy", s.getGroupPolicy), resolver[groupPolicyInput](s)),
		api.Resolve(api.Op("DeleteGroupPolicy", "iam:DeleteGroupPolicy", s.deleteGroupPolicy), resolver[deleteGroupPolicyInput](s)),
		api.Resolve(api.Op("ListGroupPolicies", "iam:ListGroupPolicies", s.listGroupPolicies), resolver[listGroupPoliciesInput](s)),
		api.Resolve(api.Op("PutRolePolicy", "iam:PutRolePolicy", s.putRolePolicy), resolver[putRolePolicyInput](s)),
		api.Resolve(api.Op("GetRolePolicy", "iam:GetRolePolicy", s.getRolePolicy), resolver[rolePolicyInput](s)),
		api.Resolve(api.Op("DeleteRolePolicy", "iam:DeleteRolePolicy", s.deleteRolePolicy), resolver[deleteRolePolicyInput](s)),
		api.Resolve(api.Op("ListRolePolicies", "iam:ListRolePolicies", s.listRolePolicies), resolver[listRolePoliciesInput](s)),

		// Managed policy attachments.
		api.Resolve(api.Op("AttachUserPolicy", "iam:AttachUserPolicy", s.attachUserPolicy), resolver[attachUserPolicyInput](s)),
		api.Resolve(api.Op("DetachUserPolicy", "iam:DetachUserPolicy", s.detachUserPolicy), resolver[detachUserPolicyInput](s)),
		api.Resolve(api.Op("ListAttachedUserPolicies", "iam:ListAttachedUserPolicies", s.listAttachedUserPolicies), resolver[listAttachedUserPoliciesInput](s)),
		api.Resolve(api.Op("AttachGroupPolicy", "iam:AttachGroupPolicy", s.attachGroupPolicy), resolver[attachGroupPolicyInput](s)),
		api.Resolve(api.Op("DetachGroupPolicy", "iam:DetachGroupPolicy", s.detachGroupPolicy), resolver[detachGroupPolicyInput](s)),
		api.Resolve(api.Op("ListAttachedGroupPolicies", "iam:ListAttachedGroupPolicies", s.listAttachedGroupPolicies), resolver[listAttachedGroupPoliciesInput](s)),
		api.Resolve(api.Op("AttachRolePolicy", "iam:AttachRolePolicy", s.attachRolePolicy), resolver[attachRolePolicyInput](s)),
		api.Resolve(api.Op("DetachRolePolicy", "iam:DetachRolePolicy", s.detachRolePolicy), resolver[detachRolePolicyInput](s)),
		api.Resolve(api.Op("ListAttachedRolePolicies", "iam:ListAttachedRolePolicies", s.listAttachedRolePolicies), resolver[listAttachedRolePoliciesInput](s)),

		// Access keys.
		api.Resolve(api.Op("CreateAccessKey", "iam:CreateAccessKey", s.createAccessKey), resolver[createAccessKeyInput](s)),
		api.Resolve(api.Op("DeleteAccessKey", "iam:DeleteAccessKey", s.deleteAccessKey), resolver[deleteAccessKeyInput](s)),
		api.Resolve(api.Op("UpdateAccessKey", "iam:UpdateAccessKey", s.updateAccessKey), resolver[updateAccessKeyInput](s)),
		api.Resolve(api.Op("ListAccessKeys", "iam:ListAccessKeys", s.listAccessKeys), resolver[listAccessKeysInput](s)),
		api.Resolve(api.Op("GetAccessKeyLastUsed", "iam:GetAccessKeyLastUsed", s.getAccessKeyLastUsed), resolver[getAccessKeyLastUsedInput](s)),
	)
}
