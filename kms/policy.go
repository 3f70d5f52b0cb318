package kms

import (
	"context"
	"regexp"
	"strings"

	"github.com/ferry-emulator/ferry/emulator/api"
	"github.com/ferry-emulator/ferry/iam/policy"
)

// Key policies: GetKeyPolicy, PutKeyPolicy, ListKeyPolicies, the default
// key policy and the policy lockout safety check. A key's policy must allow
// every use of it, even by its own account's root user; a statement
// allowing the account root delegates to the account's IAM policies.
// https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html

// maxKeyPolicy is the largest key policy KMS keeps, 32 KB; it is not
// adjustable.
// https://docs.aws.amazon.com/kms/latest/developerguide/resource-limits.html
const maxKeyPolicy = 32768

// The only policy name a key has.
const defaultPolicyName = "default"

var policyNamePattern = regexp.MustCompile(`^[\w]+$`)

// defaultKeyPolicyDocument is the key policy CreateKey gives a key when the
// request has none: the account root may do anything, which lets IAM
// policies allow the key's use.
// https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html
func defaultKeyPolicyDocument(account string) string {
	return `{
  "Version" : "2012-10-17",
  "Id" : "key-default-1",
  "Statement" : [ {
    "Sid" : "Enable IAM User Permissions",
    "Effect" : "Allow",
    "Principal" : {
      "AWS" : "arn:aws:iam::` + account + `:root"
    },
    "Action" : "kms:*",
    "Resource" : "*"
  } ]
}`
}

func defaultKeyPolicy(account string) *policy.Policy {
	p, err := policy.Parse(defaultKeyPolicyDocument(account), policy.Key)
	if err != nil {
		panic("kms: the default key policy does not parse: " + err.Error())
	}
	return p
}

// parseKeyPolicy reads a key policy as PutKeyPolicy and CreateKey accept
// it. Besides the policy grammar, KMS refuses a set operator on
// kms:EncryptionContext:…, a single-valued key, where ForAllValues would
// allow requests with no encryption context at all.
// https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-encryption-context
func parseKeyPolicy(doc string) (*policy.Policy, *api.Error) {
	if len(doc) > maxKeyPolicy {
		return nil, errLimitExceeded("The key policy is larger than the 32 KB (32768 bytes) KMS allows.")
	}
	p, err := policy.Parse(doc, policy.Key)
	if err != nil {
		return nil, errMalformedPolicy(err.Error())
	}
	for _, c := range p.Conditions() {
		op := strings.ToLower(c.Operator)
		if strings.HasPrefix(c.Key, "kms:encryptioncontext:") &&
			(strings.HasPrefix(op, "forallvalues:") || strings.HasPrefix(op, "foranyvalue:")) {
			return nil, errMalformedPolicy("OverlyPermissiveCondition: a set operator (" + c.Operator +
				") cannot be used with the single-valued condition key " + c.Key + ".")
		}
	}
	return p, nil
}

// lockoutCheck is the policy lockout safety check: a key policy must let
// the principal making the request change it later.
// https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#prevent-unmanageable-key
func (s *Service) lockoutCheck(ctx context.Context, req *api.Request, k *Key, p *policy.Policy) *api.Error {
	if s.authz == nil {
		return nil
	}
	t := api.Target{
		ARN: k.ARN, Account: k.Account, Policy: p, PolicyName: "key policy", Kind: policy.KeyResource,
		Conditions: baseConditions(req),
	}
	if s.authz.Allowed(ctx, req, "kms:PutKeyPolicy", &t) {
		return nil
	}
	return errMalformedPolicy("The new key policy will not allow you to update the key policy in the future.")
}

func (in *getKeyPolicyInput) keyID() string { return in.KeyId }

func (in *getKeyPolicyInput) validate() *api.Error {
	var c check
	c.keyID("keyId", in.KeyId)
	validPolicyName(&c, in.PolicyName)
	return c.err()
}

func validPolicyName(c *check, name string) {
	if name != "" {
		c.length("policyName", name, 1, 128)
		c.pattern("policyName", name, policyNamePattern)
	}
}

// policyNamed refuses a policy name other than "default", the only one.
func policyNamed(name string) *api.Error {
	if name != "" && name != defaultPolicyName {
		return errNotFound("No such policy exists")
	}
	return nil
}

func (s *Service) getKeyPolicy(_ context.Context, req *api.Request, in *getKeyPolicyInput) (*getKeyPolicyOutput, error) {
	k, err := resolvedKey(s, req, in)
	if err != nil {
		return nil, err
	}
	if err := policyNamed(in.PolicyName); err != nil {
		return nil, err
	}
	s.mu.RLock()
	doc := k.policy.Document()
	s.mu.RUnlock()
	return &getKeyPolicyOutput{Policy: doc, PolicyName: defaultPolicyName}, nil
}

func (in *putKeyPolicyInput) keyID() string { return in.KeyId }

func (in *putKeyPolicyInput) validate() *api.Error {
	var c check
	c.keyID("keyId", in.KeyId)
	validPolicyName(&c, in.PolicyName)
	if c.required("policy", in.Policy) {
		c.length("policy", in.Policy, 1, 131072)
	}
	return c.err()
}

func (s *Service) putKeyPolicy(ctx context.Context, req *api.Request, in *putKeyPolicyInput) (*struct{}, error) {
	k, err := resolvedKey(s, req, in)
	if err != nil {
		return nil, err
	}
	if err := policyNamed(in.PolicyName); err != nil {
		return nil, err
	}
	if k.Managed != "" {
		return nil, errManagedKey(req, "kms:PutKeyPolicy", k.ARN)
	}
	p, err := parseKeyPolicy(in.Policy)
	if err != nil {
		return nil, err
	}
	if !in.BypassPolicyLockoutSafetyCheck {
		if err := s.lockoutCheck(ctx, req, k, p); err != nil {
			return nil, err
		}
	}
	return nil, s.change(k, func() *api.Error {
		k.policy = p
		return nil
	})
}

func (in *listKeyPoliciesInput) keyID() string { return in.KeyId }

func (in *listKeyPoliciesInput) validate() *api.Error {
	var c check
	c.keyID("keyId", in.KeyId)
	c.intRange("limit", in.Limit, 1, 1000)
	c.length("marker", in.Marker, 0, 1024)
	return c.err()
}

func (s *Service) listKeyPolicies(_ context.Context, req *api.Request, in *listKeyPoliciesInput) (*listKeyPoliciesOutput, error) {
	if _, err := resolvedKey(s, req, in); err != nil {
		return nil, err
	}
	names, next, err := paginate([]string{defaultPolicyName}, func(n string) string { return n }, in.Marker, in.Limit, 100)
	if err != nil {
		return nil, err
	}
	if names == nil {
		names = []string{}
	}
	return &listKeyPoliciesOutput{PolicyNames: names, NextMarker: next, Truncated: next != ""}, nil
}
