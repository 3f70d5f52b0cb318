package sts

import (
	"bytes"
	"compress/flate"
	"context"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/ferry-emulator/ferry/emulator/api"
	"github.com/ferry-emulator/ferry/iam"
	"github.com/ferry-emulator/ferry/iam/policy"
)

// AssumeRole. https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
//
// Whether the caller may assume the role is the emulator's decision, made
// before the handler runs: the target carries the role's trust policy (a
// trust policy must allow the caller itself) and the request's condition
// keys (sts:ExternalId, sts:RoleSessionName, sts:SourceIdentity, the
// session tags). A role that does not exist has no trust policy, so it is
// refused as AWS refuses it, with AccessDenied rather than a "no such role".

// validate checks AssumeRole's parameters against the model.
func (in *assumeRoleInput) validate() *api.Error {
	var v validation
	v.str(in.RoleArn, "roleArn", true, 20, 2048, nil, "")
	v.str(in.RoleSessionName, "roleSessionName", true, 2, 64, sessionNameRE, sessionNamePattern)
	v.duration(in.DurationSeconds, maxRoleDuration)
	v.str(in.ExternalId, "externalId", false, 2, 1224, externalIDRE, externalIDPattern)
	v.str(in.Policy, "policy", false, 1, maxSessionPolicy, policyRE, policyPattern)
	if len(in.PolicyArns) > maxPolicyARNs {
		v.Fail(strconv.Itoa(len(in.PolicyArns))+" ARNs", "policyArns", maxLen(maxPolicyARNs))
	}
	for _, pd := range in.PolicyArns {
		a := pd.ARN
		v.str(&a, "policyArns.member.arn", true, 20, 2048, nil, "")
	}
	v.tags(in.Tags)
	if len(in.TransitiveTagKeys) > maxSessionTags {
		v.Fail(strconv.Itoa(len(in.TransitiveTagKeys))+" keys", "transitiveTagKeys", maxLen(maxSessionTags))
	}
	v.str(in.SourceIdentity, "sourceIdentity", false, 2, 64, sessionNameRE, sessionNamePattern)
	v.str(in.SerialNumber, "serialNumber", false, 9, 256, serialNumberRE, serialNumberPattern)
	v.str(in.TokenCode, "tokenCode", false, 6, 6, tokenCodeRE, tokenCodePattern)
	return v.Err()
}

// assumeRoleTarget is the role, its trust policy and AssumeRole's condition
// keys. Malformed parameters are answered before any authorization, as
// AWS's model validation answers them.
func (s *Service) assumeRoleTarget(_ context.Context, req *api.Request, in *assumeRoleInput) (api.Target, error) {
	if err := in.validate(); err != nil {
		return api.Target{}, err
	}
	roleARN := *in.RoleArn
	t := api.Target{ARN: roleARN, Account: req.Account, Kind: policy.TrustResource, PolicyName: "role trust policy"}
	if account, ok := accountOfRoleARN(roleARN); ok {
		t.Account = account
	}
	if s.roles != nil {
		if r, ok := s.roles.Role(roleARN); ok {
			t.ARN, t.Account, t.Policy, t.Tags = r.ARN, r.Account, r.Trust, r.Tags
		}
	}
	cond := map[string][]string{"sts:rolesessionname": {*in.RoleSessionName}}
	if in.ExternalId != nil {
		cond["sts:externalid"] = []string{*in.ExternalId}
	}
	if si := s.sourceIdentity(req, in); si != "" {
		cond["sts:sourceidentity"] = []string{si}
	}
	if len(in.Tags) > 0 {
		keys := make([]string, len(in.Tags))
		for i, tg := range in.Tags {
			keys[i] = tg.Key
			cond["aws:requesttag/"+strings.ToLower(tg.Key)] = []string{tg.Value}
		}
		cond["aws:tagkeys"] = keys
	}
	if len(in.TransitiveTagKeys) > 0 {
		cond["sts:transitivetagkeys"] = slices.Clone(in.TransitiveTagKeys)
	}
	t.Conditions = cond
	// Passing session tags or a source identity also takes sts:TagSession
	// or sts:SetSourceIdentity, on both the trust policy and the caller's
	// side (id_session-tags.html#id_session-tags_permissions-required,
	// id_credentials_temp_control-access_monitor.html#id_credentials_temp_control-access_monitor-perms).
	if len(in.Tags) > 0 || len(in.TransitiveTagKeys) > 0 {
		t.AlsoRequires = append(t.AlsoRequires, "sts:TagSession")
	}
	if in.SourceIdentity != nil {
		t.AlsoRequires = append(t.AlsoRequires, "sts:SetSourceIdentity")
	}
	return t, nil
}

// sourceIdentity is the session's source identity: the one requested, or
// the one the calling session carries, which persists through chaining.
func (s *Service) sourceIdentity(req *api.Request, in *assumeRoleInput) string {
	if in.SourceIdentity != nil {
		return *in.SourceIdentity
	}
	return req.Principal.SourceIdentity
}

func (s *Service) assumeRole(_ context.Context, req *api.Request, in *assumeRoleInput) (*assumeRoleOutput, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	if req.Principal.Type == api.PrincipalRoot {
		return nil, errAccessDenied("Roles may not be assumed by root accounts.")
	}
	roleARN, sessionName := *in.RoleArn, *in.RoleSessionName
	var role iam.Role
	ok := false
	if s.roles != nil {
		role, ok = s.roles.Role(roleARN)
	}
	if !ok || role.Trust == nil {
		return nil, notAuthorized(req, "sts:AssumeRole", roleARN)
	}

	caller := s.session(req.AccessKeyID) // the calling session, when this is role chaining
	duration := defaultRoleDuration
	if in.DurationSeconds != nil {
		duration = int(*in.DurationSeconds)
		if time.Duration(duration)*time.Second > role.MaxSessionDuration {
			return nil, errValidation("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
		}
		if caller != nil && duration > chainedMaxDuration {
			return nil, errValidation("The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")
		}
	}
	if caller != nil && caller.SourceIdentity != "" && in.SourceIdentity != nil && *in.SourceIdentity != caller.SourceIdentity {
		return nil, errAccessDenied("The source identity of a role session cannot be changed: the calling session's is " + caller.SourceIdentity + ".")
	}

	var policies []sessionPolicy
	if in.Policy != nil {
		if _, err := policy.Parse(*in.Policy, policy.Identity); err != nil {
			return nil, malformed(err)
		}
		policies = append(policies, sessionPolicy{Name: "session policy", Document: *in.Policy})
	}
	for _, pd := range in.PolicyArns {
		np, ok := s.managedPolicy(pd.ARN, role.Account)
		if !ok {
			return nil, errInvalidParameterValue("The policy %s does not exist or is not attachable.", pd.ARN)
		}
		policies = append(policies, sessionPolicy{Name: np.Name, Document: np.Policy.Document()})
	}

	tags, transitive, terr := sessionTags(caller, in.Tags, in.TransitiveTagKeys)
	if terr != nil {
		return nil, terr
	}
	arns := make([]string, len(in.PolicyArns))
	for i, pd := range in.PolicyArns {
		arns[i] = pd.ARN
	}
	packed := packedPercent(in.Policy, arns, tags)
	if packed > 100 {
		return nil, errPackedPolicyTooLarge(packed)
	}

	now := s.now()
	ses := &session{
		Issued: now, Expires: now.Add(time.Duration(duration) * time.Second),
		Account: role.Account, Type: api.PrincipalAssumedRole,
		ARN:    "arn:aws:sts::" + role.Account + ":assumed-role/" + role.Name + "/" + sessionName,
		UserID: role.ID + ":" + sessionName, Name: sessionName, RoleARN: role.ARN,
		SourceIdentity: s.sourceIdentity(req, in),
		Policies:       policies, Tags: tags, Transitive: transitive,
	}
	newCredentials(ses)
	if err := s.add(ses); err != nil {
		return nil, err
	}
	out := &assumeRoleOutput{Credentials: credentialsOf(ses), SourceIdentity: ses.SourceIdentity}
	out.AssumedRoleUser.AssumedRoleID, out.AssumedRoleUser.Arn = ses.UserID, ses.ARN
	if in.Policy != nil || len(in.PolicyArns) > 0 || len(in.Tags) > 0 {
		out.PackedPolicySize = &packed
	}
	return out, nil
}

// managedPolicy finds a session's managed policy: one of the role's
// account or an AWS managed one.
func (s *Service) managedPolicy(arn, account string) (policy.NamedPolicy, bool) {
	if s.policies == nil {
		return policy.NamedPolicy{}, false
	}
	if !strings.HasPrefix(arn, "arn:aws:iam::"+account+":policy/") && !strings.HasPrefix(arn, "arn:aws:iam::aws:policy/") {
		return policy.NamedPolicy{}, false
	}
	return s.policies.ManagedPolicy(arn)
}

// sessionTags merges the calling session's transitive tags, which pass on
// and cannot be overridden, with the requested ones
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html#id_session-tags_role-chaining).
func sessionTags(caller *session, requested []tag, transitiveKeys []string) (tags []tag, transitive []string, err *api.Error) {
	seen := map[string]bool{}
	for _, t := range requested {
		k := strings.ToLower(t.Key)
		if seen[k] {
			return nil, nil, errInvalidParameterValue("Duplicate tag keys found. Please note that Tag keys are case insensitive.")
		}
		seen[k] = true
	}
	for _, k := range transitiveKeys {
		if !seen[strings.ToLower(k)] {
			return nil, nil, errInvalidParameterValue("The specified transitive tag key must be included in the requested tags.")
		}
		transitive = append(transitive, strings.ToLower(k))
	}
	if caller != nil {
		for _, t := range caller.Tags {
			k := strings.ToLower(t.Key)
			if !slices.Contains(caller.Transitive, k) {
				continue
			}
			if seen[k] {
				return nil, nil, errInvalidParameterValue("One of the specified transitive tag keys can't be set because it conflicts with a transitive tag key from the calling session.")
			}
			tags = append(tags, t)
			if !slices.Contains(transitive, k) {
				transitive = append(transitive, k)
			}
		}
	}
	tags = append(tags, requested...)
	if len(tags) > maxSessionTags {
		return nil, nil, errValidation("1 validation error detected: Value '%d tags' at 'tags' failed to satisfy constraint: %s", len(tags), maxLen(maxSessionTags))
	}
	return tags, transitive, nil
}

// packedPercent is the size of a session's policy, policy ARNs and tags in
// the packed (compressed) form AWS limits, as a percentage of the allotted
// space. AWS does not publish its format; ferry compresses the same
// content and allots 1,024 bytes, which refuses what AWS refuses in the
// cases that matter: many or long session tags, and a long inline policy
// together with several policy ARNs.
// https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html#API_AssumeRole_RequestParameters
func packedPercent(doc *string, arns []string, tags []tag) int {
	var raw bytes.Buffer
	if doc != nil {
		for _, r := range *doc {
			if !unicode.IsSpace(r) {
				raw.WriteRune(r)
			}
		}
	}
	for _, a := range arns {
		raw.WriteString(a)
		raw.WriteByte(0)
	}
	for _, t := range tags {
		raw.WriteString(t.Key)
		raw.WriteByte('=')
		raw.WriteString(t.Value)
		raw.WriteByte(0)
	}
	if raw.Len() == 0 {
		return 0
	}
	var packed bytes.Buffer
	w, _ := flate.NewWriter(&packed, flate.BestCompression)
	w.Write(raw.Bytes())
	w.Close()
	const allotted = 1024
	return (packed.Len()*100 + allotted - 1) / allotted
}

func credentialsOf(ses *session) credentialsXML {
	return credentialsXML{
		AccessKeyID: ses.AccessKeyID, SecretAccessKey: ses.Secret, SessionToken: ses.Token,
		Expiration: isoTime(ses.Expires),
	}
}
