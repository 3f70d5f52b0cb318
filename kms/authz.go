package kms

import (
	"context"
	"sort"
	"strconv"
	"strings"

	"github.com/ferry-emulator/ferry/emulator/api"
	"github.com/ferry-emulator/ferry/iam/policy"
)

// What each KMS action acts on, for authorization: the key's ARN, owner,
// key policy (which must allow, or delegate to IAM through the account
// root), tags and grants, and the action's condition keys. The emulator
// asks the policy engine; the handlers find here what was resolved.
// https://docs.aws.amazon.com/kms/latest/developerguide/policy-conditions.html

// baseConditions are the kms: keys every request carries: the caller's
// account, and the service it comes through when SQS or SNS call KMS for
// their caller.
func baseConditions(req *api.Request) map[string][]string {
	m := make(map[string][]string, 8)
	if a := req.Principal.Account; a != "" {
		m["kms:calleraccount"] = []string{a}
	}
	if req.ViaService != "" {
		m["kms:viaservice"] = []string{req.ViaService}
	}
	return m
}

// addContextConditions adds kms:EncryptionContext:<key> for each pair (key
// names are case-insensitive in policies; values are matched as the
// operator says) and kms:EncryptionContextKeys.
func addContextConditions(m map[string][]string, ec map[string]string) {
	if len(ec) == 0 {
		return
	}
	keys := make([]string, 0, len(ec))
	for k, v := range ec {
		name := "kms:encryptioncontext:" + strings.ToLower(k)
		m[name] = append(m[name], v)
		keys = append(keys, k)
	}
	sort.Strings(keys)
	m["kms:encryptioncontextkeys"] = keys
}

// keyTarget is a key as authorization sees it, for a request under the
// encryption context ec (nil for an action that takes none). action is the
// IAM action when the target is a further one (Target.Then), "" for the
// action's own.
func (s *Service) keyTarget(req *api.Request, k *Key, ec map[string]string, action string) api.Target {
	s.mu.RLock()
	pol, tags, grants := k.policy, k.tags, k.grants
	s.mu.RUnlock()
	m := baseConditions(req)
	m["kms:keyspec"] = []string{k.spec}
	m["kms:keyusage"] = []string{k.usage}
	m["kms:keyorigin"] = []string{"AWS_KMS"}
	m["kms:multiregion"] = []string{"false"}
	addContextConditions(m, ec)
	t := api.Target{
		ARN: k.ARN, Account: k.Account, Policy: pol, PolicyName: "key policy", Kind: policy.KeyResource,
		Tags: tags, Conditions: m, Action: action,
	}
	if len(grants) > 0 {
		caller := req.Principal
		t.Grant = func(action string) (string, bool) {
			op, ok := strings.CutPrefix(action, "kms:")
			if !ok {
				return "", false
			}
			for _, g := range grants {
				if g.allows(&caller, op, ec) {
					return g.ID, true
				}
			}
			return "", false
		}
	}
	return t
}

// contexted is an input that carries an encryption context.
type contexted interface {
	encryptionContext() map[string]string
}

// conditioned is an input that adds condition keys of its own.
type conditioned interface {
	conditions(m map[string][]string)
}

// onKey resolves the actions that name one key by KeyId. Operations AWS
// never performs across accounts are marked so whatever the policies say.
func onKey[In any, P interface {
	*In
	keyed
}](s *Service, crossAccount bool) func(context.Context, *api.Request, *In) (api.Target, error) {
	return func(_ context.Context, req *api.Request, in *In) (api.Target, error) {
		p := P(in)
		if err := p.validate(); err != nil {
			return api.Target{}, err
		}
		k, err := s.findKey(req, p.keyID())
		if err != nil {
			return api.Target{}, err
		}
		req.Resolved = k
		var ec map[string]string
		if c, ok := any(p).(contexted); ok {
			ec = c.encryptionContext()
		}
		t := s.keyTarget(req, k, ec, "")
		t.SameAccountOnly = !crossAccount
		if a := requestAlias(p.keyID()); a != "" {
			t.Conditions["kms:requestalias"] = []string{a}
		}
		if c, ok := any(p).(conditioned); ok {
			c.conditions(t.Conditions)
		}
		return t, nil
	}
}

// byKeyID resolves the actions whose KeyId is a key id or key ARN only:
// an alias there is not found, as AWS answers it ("Invalid keyId alias/…").
func byKeyID[In any, P interface {
	*In
	keyed
}](s *Service, crossAccount bool) func(context.Context, *api.Request, *In) (api.Target, error) {
	resolve := onKey[In, P](s, crossAccount)
	return func(ctx context.Context, req *api.Request, in *In) (api.Target, error) {
		if id := P(in).keyID(); strings.HasPrefix(id, "alias/") || strings.Contains(id, ":alias/") {
			if err := P(in).validate(); err != nil {
				return api.Target{}, err
			}
			return api.Target{}, errNotFound("Invalid keyId " + id)
		}
		return resolve(ctx, req, in)
	}
}

// anywhere resolves the actions that act on no key (CreateKey aside):
// ListKeys, ListAliases, GenerateRandom, ListRetirableGrants. Only IAM
// policies can allow them.
func anywhere[In any](_ context.Context, req *api.Request, in *In) (api.Target, error) {
	if v, ok := any(in).(interface{ validate() *api.Error }); ok {
		if err := v.validate(); err != nil {
			return api.Target{}, err
		}
	}
	return api.Target{ARN: "*", Conditions: baseConditions(req)}, nil
}

// targetCreateKey adds the key's spec, usage and origin and the request's
// tags, which policies use to say what keys may be made.
func (s *Service) targetCreateKey(_ context.Context, req *api.Request, in *createKeyInput) (api.Target, error) {
	if err := in.validate(); err != nil {
		return api.Target{}, err
	}
	m := baseConditions(req)
	spec, usage, _ := in.specAndUsage()
	m["kms:keyspec"] = []string{spec}
	m["kms:keyusage"] = []string{usage}
	m["kms:keyorigin"] = []string{"AWS_KMS"}
	m["kms:multiregion"] = []string{"false"}
	m["kms:bypasspolicylockoutsafetycheck"] = []string{strconv.FormatBool(in.BypassPolicyLockoutSafetyCheck)}
	tags, _ := tagMap(in.Tags)
	for k, v := range api.TagConditions(tags, nil) {
		m[k] = v
	}
	return api.Target{ARN: "*", Conditions: m}, nil
}

// targetDecrypt authorizes against the key the ciphertext names.
func (s *Service) targetDecrypt(_ context.Context, req *api.Request, in *DecryptInput) (api.Target, error) {
	p, err := s.prepareDecrypt(req, in)
	if err != nil {
		return api.Target{}, err
	}
	req.Resolved = p
	t := s.keyTarget(req, p.key, in.EncryptionContext, "")
	if a := requestAlias(in.KeyId); a != "" {
		t.Conditions["kms:requestalias"] = []string{a}
	}
	t.Conditions["kms:encryptionalgorithm"] = []string{algorithmOrDefault(in.EncryptionAlgorithm)}
	return t, nil
}

// targetReEncrypt asks for kms:ReEncryptFrom on the key the ciphertext
// names, then kms:ReEncryptTo on the destination key.
func (s *Service) targetReEncrypt(_ context.Context, req *api.Request, in *reEncryptInput) (api.Target, error) {
	p, err := s.prepareReEncrypt(req, in)
	if err != nil {
		return api.Target{}, err
	}
	req.Resolved = p
	same := []string{strconv.FormatBool(p.key == p.dest)}
	from := s.keyTarget(req, p.key, in.SourceEncryptionContext, "")
	to := s.keyTarget(req, p.dest, in.DestinationEncryptionContext, "kms:ReEncryptTo")
	from.Conditions["kms:reencryptonsamekey"] = same
	to.Conditions["kms:reencryptonsamekey"] = same
	if a := requestAlias(in.DestinationKeyId); a != "" {
		to.Conditions["kms:requestalias"] = []string{a}
	}
	from.Then = &to
	return from, nil
}

func (in *scheduleKeyDeletionInput) conditions(m map[string][]string) {
	days := int32(30)
	if in.PendingWindowInDays != nil {
		days = *in.PendingWindowInDays
	}
	m["kms:schedulekeydeletionpendingwindowindays"] = []string{strconv.Itoa(int(days))}
}

func (in *enableKeyRotationInput) conditions(m map[string][]string) {
	if in.RotationPeriodInDays != nil {
		m["kms:rotationperiodindays"] = []string{strconv.Itoa(int(*in.RotationPeriodInDays))}
	}
}

func (in *putKeyPolicyInput) conditions(m map[string][]string) {
	m["kms:bypasspolicylockoutsafetycheck"] = []string{strconv.FormatBool(in.BypassPolicyLockoutSafetyCheck)}
}

func (in *EncryptInput) conditions(m map[string][]string) {
	m["kms:encryptionalgorithm"] = []string{algorithmOrDefault(in.EncryptionAlgorithm)}
}

// algorithmOrDefault is an encryption algorithm as KMS uses it:
// SYMMETRIC_DEFAULT when none is given.
func algorithmOrDefault(a string) string {
	if a == "" {
		return specSymmetric
	}
	return a
}
