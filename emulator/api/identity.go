package api

import "time"

// Identity is what an access key stands for.
type Identity struct {
	Secret       string
	SessionToken string    // temporary credentials must present exactly this token
	Expires      time.Time // zero for long-term keys
	Principal    Principal
}

// CredentialStore resolves access keys that are not account roots: IAM
// users' keys (AKIA…) and STS sessions (ASIA…). Lookup returns ok=false
// for an unknown key.
type CredentialStore interface {
	Lookup(accessKeyID string) (Identity, bool)
}
