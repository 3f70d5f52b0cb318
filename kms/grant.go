package kms

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/ferry-emulator/ferry/emulator/api"
)

// Grants: CreateGrant, ListGrants, ListRetirableGrants, RetireGrant,
// RevokeGrant. A grant gives one principal some operations on one key,
// optionally only under an encryption context; it only allows, never
// denies, and takes part in authorization through Target.Grant. ferry's
// grants take effect at once, so a grant token is never needed to use one
// (it is accepted and checked for form).
// https://docs.aws.amazon.com/kms/latest/developerguide/grants.html

// maxGrantsPerKey is KMS's quota of grants on one key.
const maxGrantsPerKey = 50000

// Grant is one grant on a key. It is never changed once made.
type Grant struct {
	ID, Token, KeyARN, Name string
	Grantee, Retiring       string // principal ARNs (or service principals)
	Issuing                 string // arn:aws:iam::<account>:root of the account that made it
	Operations              []string
	Constraints             *grantConstraints
	Created                 time.Time
}

// contextOperations are the grant operations that take an encryption
// context, to which a grant's constraints apply.
var contextOperations = []string{"Decrypt", "Encrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext",
	"ReEncryptFrom", "ReEncryptTo", "GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext"}

// symmetricOperations are the grant operations a symmetric encryption key
// supports.
var symmetricOperations = []string{"Decrypt", "Encrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext",
	"ReEncryptFrom", "ReEncryptTo", "CreateGrant", "RetireGrant", "DescribeKey", "GenerateDataKeyPair",
	"GenerateDataKeyPairWithoutPlaintext"}

// allows reports whether the grant gives the caller operation op under the
// encryption context ec.
func (g *Grant) allows(p *api.Principal, op string, ec map[string]string) bool {
	if !slices.Contains(g.Operations, op) || !principalIs(g.Grantee, p) {
		return false
	}
	if g.Constraints == nil || !slices.Contains(contextOperations, op) {
		return true
	}
	if eq := g.Constraints.EncryptionContextEquals; eq != nil && !maps.Equal(eq, ec) {
		return false
	}
	for k, v := range g.Constraints.EncryptionContextSubset {
		if got, ok := ec[k]; !ok || got != v {
			return false
		}
	}
	return true
}

// principalIs reports whether a grant's principal is the caller: its ARN,
// its role (for a role's sessions), or its service principal.
func principalIs(name string, p *api.Principal) bool {
	switch {
	case name == "":
		return false
	case p.Type == api.PrincipalService:
		return strings.EqualFold(name, p.Service)
	case name == p.ARN:
		return true
	}
	return p.Type == api.PrincipalAssumedRole && name == p.RoleARN
}

// validGrantPrincipal accepts what a grant may name: an account root, a
// user, a role, an assumed-role session or federated user, or a service
// principal.
func validGrantPrincipal(name string) bool {
	if strings.HasSuffix(name, ".amazonaws.com") && !strings.Contains(name, ":") {
		return true
	}
	parts := strings.SplitN(name, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[1] == "" || parts[3] != "" || !isAccountID(parts[4]) {
		return false
	}
	res := parts[5]
	switch parts[2] {
	case "iam":
		return res == "root" || strings.HasPrefix(res, "user/") && len(res) > 5 || strings.HasPrefix(res, "role/") && len(res) > 5
	case "sts":
		return strings.HasPrefix(res, "assumed-role/") && strings.Count(res, "/") >= 2 ||
			strings.HasPrefix(res, "federated-user/") && len(res) > len("federated-user/")
	}
	return false
}

// Grant ids are 64 hex digits; grant tokens carry the key's ARN and the
// grant's id, so that RetireGrant can find a grant by its token alone.
func newGrantID() string {
	var b [32]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func isGrantID(id string) bool {
	if len(id) != 64 {
		return false
	}
	_, err := hex.DecodeString(id)
	return err == nil
}

func newGrantToken(keyARN, id string) string {
	raw, _ := hex.DecodeString(id)
	b := []byte{1, byte(len(keyARN))}
	b = append(b, keyARN...)
	b = append(b, raw...)
	var nonce [16]byte
	rand.Read(nonce[:])
	return base64.RawURLEncoding.EncodeToString(append(b, nonce[:]...))
}

// parseGrantToken reads a token ferry issued: the key's ARN and the
// grant's id.
func parseGrantToken(token string) (keyARN, id string, ok bool) {
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(b) < 2 || b[0] != 1 {
		return "", "", false
	}
	n := int(b[1])
	if n == 0 || len(b) != 2+n+32+16 {
		return "", "", false
	}
	return string(b[2 : 2+n]), hex.EncodeToString(b[2+n : 2+n+32]), true
}

// grantTokensValid checks the GrantTokens of a request: each must be one
// ferry issued.
func grantTokensValid(tokens []string) *api.Error {
	for _, t := range tokens {
		if _, _, ok := parseGrantToken(t); !ok {
			return errInvalidGrantToken()
		}
	}
	return nil
}

func (in *createGrantInput) keyID() string { return in.KeyId }

func (in *createGrantInput) validate() *api.Error {
	var c check
	c.keyID("keyId", in.KeyId)
	if c.required("granteePrincipal", in.GranteePrincipal) {
		c.length("granteePrincipal", in.GranteePrincipal, 1, 256)
		c.pattern("granteePrincipal", in.GranteePrincipal, principalPattern)
	}
	if in.RetiringPrincipal != "" {
		c.length("retiringPrincipal", in.RetiringPrincipal, 1, 256)
		c.pattern("retiringPrincipal", in.RetiringPrincipal, principalPattern)
	}
	if in.Operations == nil {
		c.v.Missing("operations")
	}
	for _, op := range in.Operations {
		c.enum("operations", op, grantOperations...)
	}
	if in.Name != "" {
		c.length("name", in.Name, 1, 256)
		c.pattern("name", in.Name, grantNamePattern)
	}
	c.grantTokens(in.GrantTokens)
	if e := c.err(); e != nil {
		return e
	}
	if len(in.Operations) == 0 {
		return errValidation("A grant must allow at least one operation.")
	}
	for _, p := range []string{in.GranteePrincipal, in.RetiringPrincipal} {
		if p != "" && !validGrantPrincipal(p) {
			return errInvalidArn("The principal " + p + " is not valid: name an AWS account, IAM user, IAM role, assumed-role session, federated user or AWS service principal.")
		}
	}
	var bad []string
	for _, op := range in.Operations {
		if !slices.Contains(symmetricOperations, op) {
			bad = append(bad, op)
		}
	}
	if len(bad) > 0 {
		return errValidation("Grant operations [" + strings.Join(bad, ", ") + "] are not valid for a symmetric encryption KMS key.")
	}
	return nil
}

// conditions are the grant condition keys policies use to say which
// grants a principal may make.
func (in *createGrantInput) conditions(m map[string][]string) {
	m["kms:grantoperations"] = slices.Clone(in.Operations)
	m["kms:granteeprincipal"] = []string{in.GranteePrincipal}
	if in.RetiringPrincipal != "" {
		m["kms:retiringprincipal"] = []string{in.RetiringPrincipal}
	}
	if c := in.Constraints; c != nil {
		var types []string
		if c.EncryptionContextEquals != nil {
			types = append(types, "EncryptionContextEquals")
		}
		if c.EncryptionContextSubset != nil {
			types = append(types, "EncryptionContextSubset")
		}
		m["kms:grantconstrainttype"] = types
	}
	_, via := m["kms:viaservice"]
	m["kms:grantisforawsresource"] = []string{fmt.Sprint(via)}
}

// sameGrant reports whether a new grant repeats g: CreateGrant with the
// same name and parameters returns the grant it already made.
func (g *Grant) same(in *createGrantInput) bool {
	if g.Name != in.Name || g.Grantee != in.GranteePrincipal || g.Retiring != in.RetiringPrincipal {
		return false
	}
	a, b := slices.Clone(g.Operations), slices.Clone(in.Operations)
	sort.Strings(a)
	sort.Strings(b)
	if !slices.Equal(a, b) {
		return false
	}
	var ca, cb grantConstraints
	if g.Constraints != nil {
		ca = *g.Constraints
	}
	if in.Constraints != nil {
		cb = *in.Constraints
	}
	return maps.Equal(ca.EncryptionContextEquals, cb.EncryptionContextEquals) &&
		maps.Equal(ca.EncryptionContextSubset, cb.EncryptionContextSubset)
}

func (s *Service) createGrant(_ context.Context, req *api.Request, in *createGrantInput) (*createGrantOutput, error) {
	k, err := resolvedKey(s, req, in)
	if err != nil {
		return nil, err
	}
	if err := grantTokensValid(in.GrantTokens); err != nil {
		return nil, err
	}
	if in.DryRun {
		if err := s.usable(k); err != nil {
			return nil, err
		}
		return nil, errDryRun()
	}
	g := &Grant{
		ID: newGrantID(), KeyARN: k.ARN, Name: in.Name, Grantee: in.GranteePrincipal, Retiring: in.RetiringPrincipal,
		Issuing: "arn:aws:iam::" + req.Account + ":root", Operations: slices.Clone(in.Operations), Created: s.now(),
	}
	g.Token = newGrantToken(k.ARN, g.ID)
	if c := in.Constraints; c != nil && (c.EncryptionContextEquals != nil || c.EncryptionContextSubset != nil) {
		g.Constraints = &grantConstraints{EncryptionContextEquals: maps.Clone(c.EncryptionContextEquals),
			EncryptionContextSubset: maps.Clone(c.EncryptionContextSubset)}
	}
	s.meta.Lock()
	defer s.meta.Unlock()
	s.mu.Lock()
	if e := k.usable(); e != nil || k.gone(s.now()) {
		s.mu.Unlock()
		if e == nil {
			e = errKeyNotFound(k.ARN)
		}
		return nil, e
	}
	if in.Name != "" {
		for _, old := range k.grants {
			if old.same(in) {
				s.mu.Unlock()
				return &createGrantOutput{GrantId: old.ID, GrantToken: old.Token}, nil
			}
		}
	}
	if len(k.grants) >= maxGrantsPerKey {
		s.mu.Unlock()
		return nil, errLimitExceeded(fmt.Sprintf("%s already has %d grants, the most a key may have.", k.ARN, maxGrantsPerKey))
	}
	k.grants = append(k.grants[:len(k.grants):len(k.grants)], g)
	s.mu.Unlock()
	if err := s.saveGrant(k, g); err != nil {
		return nil, err
	}
	return &createGrantOutput{GrantId: g.ID, GrantToken: g.Token}, nil
}

func (g *Grant) entry() grantListEntry {
	e := grantListEntry{
		KeyId: g.KeyARN, GrantId: g.ID, Name: g.Name, CreationDate: Timestamp(g.Created),
		GranteePrincipal: g.Grantee, RetiringPrincipal: g.Retiring, IssuingAccount: g.Issuing,
		Operations: slices.Clone(g.Operations),
	}
	if g.Constraints != nil {
		c := *g.Constraints
		e.Constraints = &c
	}
	return e
}

func (in *listGrantsInput) keyID() string { return in.KeyId }

func (in *listGrantsInput) validate() *api.Error {
	var c check
	c.keyID("keyId", in.KeyId)
	c.intRange("limit", in.Limit, 1, 100)
	c.length("marker", in.Marker, 0, 1024)
	if in.GrantId != "" {
		c.length("grantId", in.GrantId, 1, 128)
	}
	if in.GranteePrincipal != "" {
		c.length("granteePrincipal", in.GranteePrincipal, 1, 256)
		c.pattern("granteePrincipal", in.GranteePrincipal, principalPattern)
	}
	return c.err()
}

func (s *Service) listGrants(_ context.Context, req *api.Request, in *listGrantsInput) (*listGrantsOutput, error) {
	k, err := resolvedKey(s, req, in)
	if err != nil {
		return nil, err
	}
	s.mu.RLock()
	grants := k.grants
	s.mu.RUnlock()
	var matched []*Grant
	for _, g := range grants {
		if (in.GrantId == "" || g.ID == in.GrantId) && (in.GranteePrincipal == "" || g.Grantee == in.GranteePrincipal) {
			matched = append(matched, g)
		}
	}
	return grantPage(matched, in.Marker, in.Limit)
}

// grantPage pages through grants in creation order, 50 a page unless the
// request says otherwise.
func grantPage(grants []*Grant, marker string, limit *int32) (*listGrantsOutput, error) {
	order := make(map[*Grant]string, len(grants))
	for i, g := range grants {
		order[g] = fmt.Sprintf("%08d", i)
	}
	page, next, err := paginate(grants, func(g *Grant) string { return order[g] }, marker, limit, 50)
	if err != nil {
		return nil, err
	}
	out := &listGrantsOutput{Grants: make([]grantListEntry, len(page)), NextMarker: next, Truncated: next != ""}
	for i, g := range page {
		out.Grants[i] = g.entry()
	}
	return out, nil
}

func (in *listRetirableGrantsInput) validate() *api.Error {
	var c check
	if c.required("retiringPrincipal", in.RetiringPrincipal) {
		c.length("retiringPrincipal", in.RetiringPrincipal, 1, 256)
		c.pattern("retiringPrincipal", in.RetiringPrincipal, principalPattern)
	}
	c.intRange("limit", in.Limit, 1, 100)
	c.length("marker", in.Marker, 0, 1024)
	return c.err()
}

// listRetirableGrants lists the grants on the caller's keys in the region
// that name a retiring principal, oldest first.
func (s *Service) listRetirableGrants(_ context.Context, req *api.Request, in *listRetirableGrantsInput) (*listGrantsOutput, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	now := s.now()
	var matched []*Grant
	s.mu.RLock()
	if r := s.regionIf(req.Account, req.Region); r != nil {
		for _, k := range r.keys {
			if k.gone(now) {
				continue
			}
			for _, g := range k.grants {
				if g.Retiring == in.RetiringPrincipal {
					matched = append(matched, g)
				}
			}
		}
	}
	s.mu.RUnlock()
	sort.SliceStable(matched, func(i, j int) bool {
		if !matched[i].Created.Equal(matched[j].Created) {
			return matched[i].Created.Before(matched[j].Created)
		}
		return matched[i].ID < matched[j].ID
	})
	return grantPage(matched, in.Marker, in.Limit)
}

func (in *retireGrantInput) validate() *api.Error {
	var c check
	if in.GrantToken != "" {
		c.length("grantToken", in.GrantToken, 1, 8192)
	}
	c.optionalKeyID("keyId", in.KeyId)
	if in.GrantId != "" {
		c.length("grantId", in.GrantId, 1, 128)
	}
	if e := c.err(); e != nil {
		return e
	}
	if in.GrantToken == "" && (in.KeyId == "" || in.GrantId == "") {
		return errValidation("Either GrantToken, or both KeyId and GrantId, must be specified.")
	}
	return nil
}

// grantPlan is the grant RetireGrant or RevokeGrant acts on, and its key.
type grantPlan struct {
	key   *Key
	grant *Grant
}

// findGrant finds a grant on a key by id.
func (s *Service) findGrant(k *Key, id string) (*Grant, *api.Error) {
	if !isGrantID(id) {
		return nil, errInvalidGrantID()
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, g := range k.grants {
		if g.ID == id {
			return g, nil
		}
	}
	return nil, errNotFound("Grant ID " + id + " not found")
}

func (s *Service) prepareRetireGrant(req *api.Request, in *retireGrantInput) (*grantPlan, *api.Error) {
	if p, ok := req.Resolved.(*grantPlan); ok {
		return p, nil
	}
	if err := in.validate(); err != nil {
		return nil, err
	}
	keyID, grantID := in.KeyId, in.GrantId
	if in.GrantToken != "" {
		arn, id, ok := parseGrantToken(in.GrantToken)
		if !ok || grantID != "" && grantID != id {
			return nil, errInvalidGrantToken()
		}
		if keyID == "" {
			keyID = arn
		}
		grantID = id
	}
	k, err := s.findKey(req, keyID)
	if err != nil {
		return nil, err
	}
	g, err := s.findGrant(k, grantID)
	if err != nil {
		return nil, err
	}
	if in.GrantToken != "" && g.Token != in.GrantToken {
		return nil, errInvalidGrantToken()
	}
	return &grantPlan{key: k, grant: g}, nil
}

// targetRetireGrant: a grant may be retired by its retiring principal, by
// its grantee when it allows RetireGrant, and by the account that made it,
// besides whom the key's policies allow kms:RetireGrant.
// https://docs.aws.amazon.com/kms/latest/developerguide/grant-delete.html
func (s *Service) targetRetireGrant(_ context.Context, req *api.Request, in *retireGrantInput) (api.Target, error) {
	p, err := s.prepareRetireGrant(req, in)
	if err != nil {
		return api.Target{}, err
	}
	req.Resolved = p
	t := s.keyTarget(req, p.key, nil, "")
	g, caller := p.grant, req.Principal
	t.Grant = func(string) (string, bool) {
		issuer := caller.Type == api.PrincipalRoot && g.Issuing == "arn:aws:iam::"+caller.Account+":root"
		if issuer || principalIs(g.Retiring, &caller) || principalIs(g.Grantee, &caller) && slices.Contains(g.Operations, "RetireGrant") {
			return g.ID, true
		}
		return "", false
	}
	return t, nil
}

func (s *Service) retireGrant(_ context.Context, req *api.Request, in *retireGrantInput) (*struct{}, error) {
	p, err := s.prepareRetireGrant(req, in)
	if err != nil {
		return nil, err
	}
	if in.DryRun {
		return nil, errDryRun()
	}
	return nil, s.removeGrant(p.key, p.grant)
}

func (in *revokeGrantInput) keyID() string { return in.KeyId }

func (in *revokeGrantInput) validate() *api.Error {
	var c check
	c.keyID("keyId", in.KeyId)
	if c.required("grantId", in.GrantId) {
		c.length("grantId", in.GrantId, 1, 128)
	}
	return c.err()
}

func (s *Service) revokeGrant(_ context.Context, req *api.Request, in *revokeGrantInput) (*struct{}, error) {
	k, err := resolvedKey(s, req, in)
	if err != nil {
		return nil, err
	}
	g, err := s.findGrant(k, in.GrantId)
	if err != nil {
		return nil, err
	}
	if in.DryRun {
		return nil, errDryRun()
	}
	return nil, s.removeGrant(k, g)
}

// removeGrant deletes a grant (retired or revoked); it stops allowing at
// once.
func (s *Service) removeGrant(k *Key, g *Grant) error {
	s.meta.Lock()
	defer s.meta.Unlock()
	s.mu.Lock()
	i := slices.Index(k.grants, g)
	if i < 0 {
		s.mu.Unlock()
		return errNotFound("Grant ID " + g.ID + " not found")
	}
	k.grants = slices.Delete(slices.Clone(k.grants), i, i+1)
	s.mu.Unlock()
	return s.dropGrant(k, g)
}
