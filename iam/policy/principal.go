package policy

import (
	"slices"
	"strings"
)

// Principal types, as aws:PrincipalType names them.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html#principaltable
const (
	TypeAccount       = "Account" // an account's root user
	TypeUser          = "User"
	TypeAssumedRole   = "AssumedRole"
	TypeFederatedUser = "FederatedUser" // a GetFederationToken session
	TypeService       = "Service"       // an AWS service acting through a resource policy
	TypeAnonymous     = "Anonymous"
	TypeWebIdentity   = "WebIdentityUser" // an AssumeRoleWithWebIdentity caller (Federated set)
	TypeSAMLUser      = "SAMLUser"        // an AssumeRoleWithSAML caller (Federated set)
)

// hasIdentity reports whether the caller has identity policies of its own;
// services, anonymous and federated callers act through resource policies
// alone.
func (p *Principal) hasIdentity() bool {
	switch p.Type {
	case TypeService, TypeAnonymous, TypeWebIdentity, TypeSAMLUser:
		return false
	}
	return true
}

// Principal is the caller as the engine sees it.
type Principal struct {
	ARN     string // arn:aws:iam::A:root | arn:aws:iam::A:user/path/name | arn:aws:sts::A:assumed-role/ROLE/SESSION | "" for services/anonymous
	Account string // "" for services, anonymous and web-identity or SAML callers
	Type    string // "Account" (root), "User", "AssumedRole", "FederatedUser", "Service", "Anonymous", "WebIdentityUser", "SAMLUser"
	// RoleARN is, for assumed-role sessions, arn:aws:iam::A:role/path/ROLE (a
	// resource policy naming the role matches the session); for federated-user
	// sessions, the ARN of the IAM user who federated.
	RoleARN string
	Service string // "sns.amazonaws.com" when Type is Service
	// Federated is the identity provider a web-identity or SAML caller comes
	// from (accounts.google.com, arn:aws:iam::A:oidc-provider/…), matched by a
	// trust policy's {"Federated": …}.
	Federated string
}

// grant is how a resource-policy statement names the caller; the kinds differ
// in what else must allow.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html#policy-eval-denyallow
type grant uint8

const (
	grantNone    grant = iota
	grantAccount       // the caller's account: delegates to its identity policies
	grantRole          // the role of a session (or the user of a federated session): limited by boundary and session policies
	grantDirect        // the caller itself, everyone, or the service: no other policy needed
)

// principalSet is a compiled Principal or NotPrincipal element.
type principalSet struct {
	anyone    bool     // "*" or {"AWS":"*"}
	accounts  []string // twelve-digit ids, named bare or as arn:…:iam::ID:root
	exact     []string // user, assumed-role session and federated-user ARNs
	roles     []string // role ARNs
	services  []string // lower-cased service principal names
	federated []string
}

// parsePrincipal compiles a Principal or NotPrincipal element.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
func parsePrincipal(v any, p *Policy) (*principalSet, *Error) {
	ps := &principalSet{}
	switch v := v.(type) {
	case string:
		if v != "*" {
			return nil, &Error{`Invalid principal in policy: "` + v + `"`}
		}
		ps.anyone = true // "Principal": "*" ≡ {"AWS": "*"}
		p.principals = append(p.principals, "*")
		return ps, nil
	case map[string]any:
		if len(v) == 0 {
			return nil, &Error{reasonSyntax}
		}
		for _, key := range sortedKeys(v) {
			values, ok := stringList(v[key])
			if !ok || len(values) == 0 {
				return nil, &Error{reasonSyntax}
			}
			for _, val := range values {
				if err := ps.add(key, val, p); err != nil {
					return nil, err
				}
			}
		}
		return ps, nil
	}
	return nil, &Error{reasonSyntax}
}

func invalidPrincipal(key, val string) *Error {
	return &Error{`Invalid principal in policy: "` + key + `":"` + val + `"`}
}

func (ps *principalSet) add(key, val string, p *Policy) *Error {
	switch key {
	case "AWS":
		p.principals = append(p.principals, val)
		return ps.addAWS(val)
	case "Service":
		if val == "" || strings.ContainsAny(val, "* ") {
			return invalidPrincipal(key, val)
		}
		ps.services = append(ps.services, strings.ToLower(val))
	case "Federated":
		if val == "" || strings.ContainsAny(val, "* ") {
			return invalidPrincipal(key, val)
		}
		ps.federated = append(ps.federated, val)
	case "CanonicalUser":
		// Amazon S3 only; accepted, never matches a caller here.
		if val == "" || strings.Contains(val, "*") {
			return invalidPrincipal(key, val)
		}
	default:
		return invalidPrincipal(key, val)
	}
	return nil
}

// addAWS classifies one "AWS" principal. Partial wildcards are never allowed,
// and groups cannot be principals.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-accounts
func (ps *principalSet) addAWS(val string) *Error {
	switch {
	case val == "*":
		ps.anyone = true
		return nil
	case isAccountID(val):
		ps.accounts = append(ps.accounts, val)
		return nil
	case isUniqueID(val):
		// The stored form of a principal that IAM resolved when the policy was
		// saved and that no longer exists: it matches no caller.
		return nil
	case strings.Contains(val, "*"):
		return invalidPrincipal("AWS", val)
	}
	parts := strings.SplitN(val, ":", arnSegments)
	if len(parts) != arnSegments || parts[0] != "arn" || parts[1] == "" || parts[3] != "" || !isAccountID(parts[4]) {
		return invalidPrincipal("AWS", val)
	}
	res := parts[5]
	switch parts[2] {
	case "iam":
		switch {
		case res == "root":
			ps.accounts = append(ps.accounts, parts[4])
			return nil
		case len(res) > len("user/") && strings.HasPrefix(res, "user/"):
			ps.exact = append(ps.exact, val)
			return nil
		case len(res) > len("role/") && strings.HasPrefix(res, "role/"):
			ps.roles = append(ps.roles, val)
			return nil
		}
	case "sts":
		if name, ok := strings.CutPrefix(res, "assumed-role/"); ok {
			role, session, ok := strings.Cut(name, "/")
			if ok && role != "" && session != "" && !strings.Contains(session, "/") {
				ps.exact = append(ps.exact, val)
				return nil
			}
		}
		if name, ok := strings.CutPrefix(res, "federated-user/"); ok && name != "" {
			ps.exact = append(ps.exact, val)
			return nil
		}
	}
	return invalidPrincipal("AWS", val)
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

// isUniqueID recognises IAM unique ids (AIDA… users, AROA… roles).
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids
func isUniqueID(s string) bool {
	if len(s) < 16 || len(s) > 128 || !(strings.HasPrefix(s, "AIDA") || strings.HasPrefix(s, "AROA")) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

// match says how a Principal element names the caller.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html#policy-eval-denyallow
func (ps *principalSet) match(p *Principal) grant {
	if ps.anyone {
		return grantDirect // "*" includes anonymous callers and services
	}
	if p.Federated != "" && slices.Contains(ps.federated, p.Federated) {
		return grantDirect
	}
	switch p.Type {
	case TypeAnonymous:
		return grantNone
	case TypeService:
		// Only its name: a statement naming an account does not cover a
		// service acting for that account, so the default key policy does not
		// let SNS use a key.
		// https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html
		if ps.hasService(p.Service) {
			return grantDirect
		}
		return grantNone
	case TypeAccount:
		if slices.Contains(ps.accounts, p.Account) {
			return grantDirect // the root user is the account
		}
		return grantNone
	}
	switch {
	case p.ARN != "" && slices.Contains(ps.exact, p.ARN):
		return grantDirect
	case p.RoleARN != "" && p.Type == TypeAssumedRole && slices.Contains(ps.roles, p.RoleARN):
		return grantRole
	case p.RoleARN != "" && p.Type == TypeFederatedUser && slices.Contains(ps.exact, p.RoleARN):
		return grantRole
	case p.Account != "" && slices.Contains(ps.accounts, p.Account):
		// "Using the account ARN … does not limit permissions to only the root
		// user": it delegates to the account's identity policies.
		// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-accounts
		return grantAccount
	}
	return grantNone
}

func (ps *principalSet) hasService(name string) bool {
	for _, s := range ps.services {
		if asciiEqualFold(s, name) {
			return true
		}
	}
	return false
}

// excludes reports whether a NotPrincipal element leaves the caller out. AWS
// may check the account, then the role, then the session, so every link of
// the caller's chain must be listed; naming only a user or a session leaves
// its account, and so the caller, covered.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html
func (ps *principalSet) excludes(p *Principal) bool {
	if ps.anyone {
		return true
	}
	if p.Federated != "" && slices.Contains(ps.federated, p.Federated) {
		return true
	}
	account := p.Account != "" && slices.Contains(ps.accounts, p.Account)
	switch p.Type {
	case TypeAnonymous:
		return false
	case TypeService:
		return ps.hasService(p.Service)
	case TypeAccount:
		return account
	case TypeAssumedRole:
		return account && slices.Contains(ps.roles, p.RoleARN) && slices.Contains(ps.exact, p.ARN)
	}
	return account && slices.Contains(ps.exact, p.ARN)
}
