package iam

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/ferry-emulator/ferry/emulator/api"
)

// Access keys of IAM users: at most two per user, Active or Inactive; an
// inactive key no longer authenticates. The root users of accounts sign
// with ferry's numeric root keys, so CreateAccessKey needs a user.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateAccessKey.html

type accessKey struct {
	ID      string    `json:"id"`
	Secret  string    `json:"secret"`
	Status  string    `json:"status"`
	Created time.Time `json:"created"`
}

const (
	statusActive   = "Active"
	statusInactive = "Inactive"
)

type accessKeyXML struct {
	UserName        string  `xml:"UserName"`
	AccessKeyID     string  `xml:"AccessKeyId"`
	Status          string  `xml:"Status"`
	SecretAccessKey string  `xml:"SecretAccessKey,omitempty"`
	CreateDate      isoTime `xml:"CreateDate"`
}

type createAccessKeyInput struct {
	UserName string
}

func (in *createAccessKeyInput) target() ref { return users.ref(in.UserName) }

type createAccessKeyOutput struct {
	AccessKey accessKeyXML `xml:"AccessKey"`
}

func (in *createAccessKeyInput) validate() *api.Error {
	var v validation
	v.optName(in.UserName, "userName", maxUserName)
	return v.Err()
}

func (s *Service) createAccessKey(_ context.Context, req *api.Request, in *createAccessKeyInput) (*createAccessKeyOutput, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	name, err := callerUserName(req, in.UserName)
	if err != nil {
		return nil, err
	}
	key := accessKey{
		ID: NewAccessKeyID(prefixAccessKey, req.Account), Secret: newSecretAccessKey(),
		Status: statusActive, Created: s.now(),
	}
	var out createAccessKeyOutput
	cerr := users.change(s, req, name, func(u *user) *api.Error {
		if len(u.Keys) >= maxKeysPerUser {
			return errLimitExceeded("Cannot exceed quota for AccessKeysPerUser: %d", maxKeysPerUser)
		}
		u.Keys = append(u.Keys, key)
		out.AccessKey = accessKeyXML{UserName: u.Name, AccessKeyID: key.ID, Status: key.Status, SecretAccessKey: key.Secret, CreateDate: isoTime(key.Created)}
		return nil
	})
	if cerr != nil {
		return nil, cerr
	}
	return &out, nil
}

// keyOfUser finds one of a user's keys.
func keyOfUser(u *user, id string) (int, *api.Error) {
	i := slices.IndexFunc(u.Keys, func(k accessKey) bool { return k.ID == id })
	if i < 0 {
		return -1, errNoSuchEntity("The Access Key with id %s cannot be found.", id)
	}
	return i, nil
}

type deleteAccessKeyInput struct {
	UserName    string
	AccessKeyId string
}

func (in *deleteAccessKeyInput) target() ref { return users.ref(in.UserName) }

func (in *deleteAccessKeyInput) validate() *api.Error {
	var v validation
	v.optName(in.UserName, "userName", maxUserName)
	v.accessKeyID(in.AccessKeyId, "accessKeyId")
	return v.Err()
}

func (s *Service) deleteAccessKey(_ context.Context, req *api.Request, in *deleteAccessKeyInput) (*struct{}, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	name, err := callerUserName(req, in.UserName)
	if err != nil {
		return nil, err
	}
	return nil, users.change(s, req, name, func(u *user) *api.Error {
		i, err := keyOfUser(u, in.AccessKeyId)
		if err != nil {
			return err
		}
		u.Keys = slices.Delete(u.Keys, i, i+1)
		return nil
	})
}

type updateAccessKeyInput struct {
	UserName    string
	AccessKeyId string
	Status      string
}

func (in *updateAccessKeyInput) target() ref { return users.ref(in.UserName) }

func (in *updateAccessKeyInput) validate() *api.Error {
	var v validation
	v.optName(in.UserName, "userName", maxUserName)
	v.accessKeyID(in.AccessKeyId, "accessKeyId")
	switch in.Status {
	case "":
		v.Missing("status")
	case statusActive, statusInactive:
	default:
		v.Fail(in.Status, "status", "Member must satisfy enum value set: [Active, Inactive]")
	}
	return v.Err()
}

func (s *Service) updateAccessKey(_ context.Context, req *api.Request, in *updateAccessKeyInput) (*struct{}, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	name, err := callerUserName(req, in.UserName)
	if err != nil {
		return nil, err
	}
	return nil, users.change(s, req, name, func(u *user) *api.Error {
		i, err := keyOfUser(u, in.AccessKeyId)
		if err != nil {
			return err
		}
		u.Keys[i].Status = in.Status
		return nil
	})
}

type listAccessKeysInput struct {
	UserName string
	Marker   string
	MaxItems *int32
}

func (in *listAccessKeysInput) target() ref { return users.ref(in.UserName) }

type listAccessKeysOutput struct {
	AccessKeyMetadata members[accessKeyXML] `xml:"AccessKeyMetadata"`
	IsTruncated       bool                  `xml:"IsTruncated"`
	Marker            string                `xml:"Marker,omitempty"`
}

func (in *listAccessKeysInput) validate() *api.Error {
	var v validation
	v.optName(in.UserName, "userName", maxUserName)
	return v.Err()
}

func (s *Service) listAccessKeys(_ context.Context, req *api.Request, in *listAccessKeysInput) (*listAccessKeysOutput, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	out := &listAccessKeysOutput{AccessKeyMetadata: members[accessKeyXML]{}}
	if in.UserName == "" && req.Principal.Type == api.PrincipalRoot {
		return out, nil // ferry's root keys are not IAM access keys
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
	keys := make([]string, len(u.Keys))
	byID := map[string]accessKey{}
	for i, k := range u.Keys {
		keys[i] = k.ID
		byID[k.ID] = k
	}
	slices.Sort(keys)
	pg, err := paginate(keys, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	for _, id := range keys[pg.start:pg.end] {
		k := byID[id]
		out.AccessKeyMetadata = append(out.AccessKeyMetadata, accessKeyXML{UserName: u.Name, AccessKeyID: k.ID, Status: k.Status, CreateDate: isoTime(k.Created)})
	}
	out.IsTruncated, out.Marker = pg.truncated, pg.marker
	return out, nil
}

type getAccessKeyLastUsedInput struct {
	AccessKeyId string
}

// target is the key's user: IAM authorizes GetAccessKeyLastUsed on it.
func (in *getAccessKeyLastUsedInput) target() ref {
	return ref{kind: kindUser, accessKey: in.AccessKeyId}
}

type getAccessKeyLastUsedOutput struct {
	UserName          string `xml:"UserName"`
	AccessKeyLastUsed struct {
		ServiceName string `xml:"ServiceName"`
		Region      string `xml:"Region"`
	} `xml:"AccessKeyLastUsed"`
}

// getAccessKeyLastUsed answers as AWS does for a key it has no record of
// using: ferry does not track key use.
func (in *getAccessKeyLastUsedInput) validate() *api.Error {
	var v validation
	v.accessKeyID(in.AccessKeyId, "accessKeyId")
	return v.Err()
}

func (s *Service) getAccessKeyLastUsed(_ context.Context, req *api.Request, in *getAccessKeyLastUsedInput) (*getAccessKeyLastUsedOutput, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	owner, ok := s.keys[in.AccessKeyId]
	if !ok || owner.account != req.Account {
		return nil, errNoSuchEntity("The Access Key with id %s cannot be found.", in.AccessKeyId)
	}
	u := s.account(owner.account).users[owner.user]
	out := &getAccessKeyLastUsedOutput{UserName: u.Name}
	out.AccessKeyLastUsed.ServiceName, out.AccessKeyLastUsed.Region = "N/A", "N/A"
	return out, nil
}

// ImportAccessKey gives a user an access key with a chosen id and secret,
// for start-up configuration: a compose file hands fixed keys to the
// services it runs. Importing a key the user already has with the same
// secret changes nothing, so configuration can be applied at every start.
func (s *Service) ImportAccessKey(req *api.Request, userName, id, secret string) error {
	if len(id) < 16 || len(id) > 128 || strings.Trim(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") != "" {
		return errValidation("access key id %q must be 16 to 128 upper-case letters and digits", id)
	}
	if secret == "" || strings.ContainsAny(secret, " \t\n") {
		return errValidation("the secret of access key %s must be non-empty and contain no spaces", id)
	}
	return users.change(s, req, userName, func(u *user) *api.Error {
		if i := slices.IndexFunc(u.Keys, func(k accessKey) bool { return k.ID == id }); i >= 0 {
			if u.Keys[i].Secret != secret {
				return errEntityAlreadyExists("Access key %s already exists with another secret.", id)
			}
			return nil
		}
		if owner, taken := s.keys[id]; taken {
			return errEntityAlreadyExists("Access key %s already belongs to user %s.", id, owner.user)
		}
		if len(u.Keys) >= maxKeysPerUser {
			return errLimitExceeded("Cannot exceed quota for AccessKeysPerUser: %d", maxKeysPerUser)
		}
		u.Keys = append(u.Keys, accessKey{ID: id, Secret: secret, Status: statusActive, Created: s.now()})
		return nil
	})
}
