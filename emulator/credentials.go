package emulator

import "github.com/ferry-emulator/ferry/emulator/api"

// Identity and CredentialStore are the api package's; they are named here
// too because embedders configure them through this package.
type (
	Identity        = api.Identity
	CredentialStore = api.CredentialStore
)

// DefaultAccount is the account of the access key "test".
const DefaultAccount = "000000000000"

// rootIdentity maps the root keys of DESIGN §3: "test" is the root of
// 000000000000, and any 12-digit key is the root of that account; both sign
// with the root secret.
func rootIdentity(accessKeyID, rootSecret string) (Identity, bool) {
	account := ""
	switch {
	case accessKeyID == "test":
		account = DefaultAccount
	case isAccountID(accessKeyID):
		account = accessKeyID
	default:
		return Identity{}, false
	}
	return Identity{
		Secret: rootSecret,
		Principal: api.Principal{
			ARN: "arn:aws:iam::" + account + ":root", Account: account, Type: api.PrincipalRoot, UserID: account,
		},
	}, true
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func (s *Server) lookupCredentials(accessKeyID string) (Identity, bool) {
	if id, ok := s.roots.Load(accessKeyID); ok {
		return id.(Identity), true
	}
	if id, ok := rootIdentity(accessKeyID, s.cfg.RootSecret); ok {
		// Root identities never change, so each is built once.
		s.roots.Store(accessKeyID, id)
		return id, true
	}
	if s.cfg.Credentials != nil {
		return s.cfg.Credentials.Lookup(accessKeyID)
	}
	return Identity{}, false
}

// credentialChain asks each store in turn.
type credentialChain []api.CredentialStore

func (c credentialChain) Lookup(accessKeyID string) (api.Identity, bool) {
	for _, store := range c {
		if id, ok := store.Lookup(accessKeyID); ok {
			return id, true
		}
	}
	return api.Identity{}, false
}
