package iam_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

func sqsPolicy(actions ...string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["` + strings.Join(actions, `","`) + `"],"Resource":"*"}]}`
}

func TestManagedPolicyVersions(t *testing.T) {
	_, c := setup(t)
	ctx := ctxT(t)
	out, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{
		PolicyName: aws.String("queues"), Path: aws.String("/app/"), PolicyDocument: aws.String(sqsPolicy("sqs:ListQueues")),
		Description: aws.String("queue access"),
	})
	if err != nil {
		t.Fatal(err)
	}
	p := out.Policy
	arn := aws.ToString(p.Arn)
	if arn != "arn:aws:iam::000000000000:policy/app/queues" || aws.ToString(p.DefaultVersionId) != "v1" ||
		!strings.HasPrefix(aws.ToString(p.PolicyId), "ANPA") || !p.IsAttachable || aws.ToInt32(p.AttachmentCount) != 0 {
		t.Errorf("policy %+v", p)
	}
	_, err = c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("QUEUES"), PolicyDocument: aws.String(sqsPolicy("sqs:ListQueues"))})
	wantAPIError(t, err, "EntityAlreadyExists", "A policy called QUEUES already exists. Duplicate names are not allowed.")

	for i := 2; i <= 5; i++ {
		v, err := c.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: aws.String(arn), PolicyDocument: aws.String(sqsPolicy(fmt.Sprintf("sqs:Get%d", i))), SetAsDefault: i == 3})
		if err != nil {
			t.Fatal(err)
		}
		if got := aws.ToString(v.PolicyVersion.VersionId); got != fmt.Sprintf("v%d", i) {
			t.Errorf("version %s, want v%d", got, i)
		}
	}
	_, err = c.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: aws.String(arn), PolicyDocument: aws.String(sqsPolicy("sqs:X"))})
	wantAPIError(t, err, "LimitExceeded", "A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.")

	got, err := c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(arn)})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(got.Policy.DefaultVersionId) != "v3" || aws.ToString(got.Policy.Description) != "queue access" {
		t.Errorf("GetPolicy %+v", got.Policy)
	}
	pv, err := c.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String("v3")})
	if err != nil {
		t.Fatal(err)
	}
	if !pv.PolicyVersion.IsDefaultVersion || decoded(t, pv.PolicyVersion.Document) != sqsPolicy("sqs:Get3") {
		t.Errorf("GetPolicyVersion %+v", pv.PolicyVersion)
	}
	_, err = c.DeletePolicyVersion(ctx, &iam.DeletePolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String("v3")})
	wantAPIError(t, err, "DeleteConflict", "Cannot delete the default version of a policy.")
	_, err = c.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String("v9")})
	wantAPIError(t, err, "NoSuchEntity", "Policy "+arn+" version v9 does not exist or is not attachable.")
	_, err = c.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String("1")})
	wantAPIError(t, err, "ValidationError", `1 validation error detected: Value '1' at 'versionId' failed to satisfy constraint: Member must satisfy regular expression pattern: v[1-9][0-9]*(\.[A-Za-z0-9-]*)?`)

	versions, err := c.ListPolicyVersions(ctx, &iam.ListPolicyVersionsInput{PolicyArn: aws.String(arn)})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, v := range versions.Versions {
		ids = append(ids, aws.ToString(v.VersionId))
		if v.Document != nil {
			t.Errorf("ListPolicyVersions returned a document for %s", aws.ToString(v.VersionId))
		}
	}
	if strings.Join(ids, ",") != "v5,v4,v3,v2,v1" {
		t.Errorf("versions %v, want newest first", ids)
	}

	if _, err := c.SetDefaultPolicyVersion(ctx, &iam.SetDefaultPolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String("v5")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: aws.String(arn)})
	wantAPIError(t, err, "DeleteConflict", "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.")
	for _, v := range []string{"v1", "v2", "v3", "v4"} {
		if _, err := c.DeletePolicyVersion(ctx, &iam.DeletePolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String(v)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("alice")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("alice"), PolicyArn: aws.String(arn)}); err != nil {
		t.Fatal(err)
	}
	got, err = c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(arn)})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToInt32(got.Policy.AttachmentCount) != 1 {
		t.Errorf("AttachmentCount %d", aws.ToInt32(got.Policy.AttachmentCount))
	}
	_, err = c.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: aws.String(arn)})
	wantAPIError(t, err, "DeleteConflict", "Cannot delete a policy attached to entities.")
	if _, err := c.DetachUserPolicy(ctx, &iam.DetachUserPolicyInput{UserName: aws.String("alice"), PolicyArn: aws.String(arn)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: aws.String(arn)}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(arn)})
	wantAPIError(t, err, "NoSuchEntity", "Policy "+arn+" was not found.")
}

func TestManagedPolicyDocumentsAreValidated(t *testing.T) {
	_, c := setup(t)
	ctx := ctxT(t)
	_, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("p"), PolicyDocument: aws.String(`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"sqs:*","Resource":"*"}]}`)})
	wantAPIError(t, err, "MalformedPolicyDocument", "")
	big := `{"Version":"2012-10-17","Statement":[{"Sid":"` + strings.Repeat("a", 6100) + `","Effect":"Allow","Action":"sqs:*","Resource":"*"}]}`
	_, err = c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("p"), PolicyDocument: aws.String(big)})
	wantAPIError(t, err, "LimitExceeded", "Cannot exceed quota for PolicySize: 6144")
	// White space does not count.
	spaced := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:*","Resource":"*"}]}` + strings.Repeat(" ", 7000)
	if _, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("p"), PolicyDocument: aws.String(spaced)}); err != nil {
		t.Fatalf("a policy under the quota once white space is left out: %v", err)
	}
	list, err := c.ListPolicies(ctx, &iam.ListPoliciesInput{Scope: types.PolicyScopeTypeLocal})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Policies) != 1 {
		t.Errorf("%d local policies, want 1: nothing half-made", len(list.Policies))
	}
}

func TestAWSManagedPolicies(t *testing.T) {
	srv, c := setup(t)
	ctx := ctxT(t)
	out, err := c.ListPolicies(ctx, &iam.ListPoliciesInput{Scope: types.PolicyScopeTypeAws})
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, p := range out.Policies {
		names[aws.ToString(p.PolicyName)] = true
		if !strings.HasPrefix(aws.ToString(p.Arn), "arn:aws:iam::aws:policy/") {
			t.Errorf("AWS managed policy ARN %s", aws.ToString(p.Arn))
		}
	}
	for _, want := range []string{"AdministratorAccess", "ReadOnlyAccess", "AmazonSQSFullAccess", "AmazonSQSReadOnlyAccess",
		"AmazonSNSFullAccess", "AmazonSNSReadOnlyAccess", "IAMFullAccess", "AWSKeyManagementServicePowerUser"} {
		if !names[want] {
			t.Errorf("ListPolicies Scope=AWS lacks %s", want)
		}
	}
	p, err := c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String("arn:aws:iam::aws:policy/AmazonSQSReadOnlyAccess")})
	if err != nil {
		t.Fatal(err)
	}
	v, err := c.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: p.Policy.Arn, VersionId: p.Policy.DefaultVersionId})
	if err != nil {
		t.Fatal(err)
	}
	if doc := decoded(t, v.PolicyVersion.Document); !strings.Contains(doc, `"sqs:ListQueues"`) || strings.Contains(doc, "sqs:SendMessage") {
		t.Errorf("AmazonSQSReadOnlyAccess document %s", doc)
	}

	// Attachable, and they grant what they say.
	alice, _ := userWithKey(t, srv, c, "alice")
	_, err = alice.ListRoles(ctx, &iam.ListRolesInput{})
	wantAPIError(t, err, "AccessDenied", "")
	if _, err := c.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("alice"), PolicyArn: aws.String("arn:aws:iam::aws:policy/IAMFullAccess")}); err != nil {
		t.Fatal(err)
	}
	if _, err := alice.ListRoles(ctx, &iam.ListRolesInput{}); err != nil {
		t.Fatalf("ListRoles with IAMFullAccess: %v", err)
	}
	attached, err := c.ListAttachedUserPolicies(ctx, &iam.ListAttachedUserPoliciesInput{UserName: aws.String("alice")})
	if err != nil {
		t.Fatal(err)
	}
	if len(attached.AttachedPolicies) != 1 || aws.ToString(attached.AttachedPolicies[0].PolicyName) != "IAMFullAccess" {
		t.Errorf("attached %+v", attached.AttachedPolicies)
	}
	// AWS's, not the account's: even the root cannot change them.
	_, err = c.DeletePolicy(ctx, &iam.DeletePolicyInput{PolicyArn: aws.String(adminARN)})
	wantAPIError(t, err, "AccessDenied", "")
	_, err = c.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: aws.String(adminARN), PolicyDocument: aws.String(allowAll)})
	wantAPIError(t, err, "AccessDenied", "")

	_, err = c.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("alice"), PolicyArn: aws.String("arn:aws:iam::aws:policy/NoSuchPolicy")})
	wantAPIError(t, err, "NoSuchEntity", "Policy arn:aws:iam::aws:policy/NoSuchPolicy does not exist or is not attachable.")
	_, err = c.DetachUserPolicy(ctx, &iam.DetachUserPolicyInput{UserName: aws.String("alice"), PolicyArn: aws.String(adminARN)})
	wantAPIError(t, err, "NoSuchEntity", "Policy "+adminARN+" was not found.")
}

func TestAttachedPoliciesQuota(t *testing.T) {
	_, c := setup(t)
	ctx := ctxT(t)
	if _, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(trustAccount)}); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 11; i++ {
		out, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String(fmt.Sprintf("p%d", i)), PolicyDocument: aws.String(allowAll)})
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("r"), PolicyArn: out.Policy.Arn})
		if i < 10 && err != nil {
			t.Fatal(err)
		}
		if i == 10 {
			wantAPIError(t, err, "LimitExceeded", "Cannot exceed quota for PoliciesPerRole: 10")
		}
	}
}

func TestInlinePolicies(t *testing.T) {
	_, c := setup(t)
	ctx := ctxT(t)
	if _, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("alice")}); err != nil {
		t.Fatal(err)
	}
	doc := sqsPolicy("sqs:SendMessage")
	for _, name := range []string{"send", "another"} {
		if _, err := c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("alice"), PolicyName: aws.String(name), PolicyDocument: aws.String(doc)}); err != nil {
			t.Fatal(err)
		}
	}
	got, err := c.GetUserPolicy(ctx, &iam.GetUserPolicyInput{UserName: aws.String("alice"), PolicyName: aws.String("send")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(got.UserName) != "alice" || decoded(t, got.PolicyDocument) != doc || strings.Contains(aws.ToString(got.PolicyDocument), `"`) {
		t.Errorf("GetUserPolicy %+v", got)
	}
	list, err := c.ListUserPolicies(ctx, &iam.ListUserPoliciesInput{UserName: aws.String("alice")})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(list.PolicyNames, ",") != "another,send" {
		t.Errorf("ListUserPolicies %v", list.PolicyNames)
	}
	_, err = c.GetUserPolicy(ctx, &iam.GetUserPolicyInput{UserName: aws.String("alice"), PolicyName: aws.String("nope")})
	wantAPIError(t, err, "NoSuchEntity", "The user policy with name nope cannot be found.")

	// The user's inline policies share 2,048 characters, white space aside.
	filler := func(n int) string {
		return `{"Version":"2012-10-17","Statement":[{"Sid":"` + strings.Repeat("s", n) + `","Effect":"Allow","Action":"sqs:*","Resource":"*"}]}`
	}
	used := 2 * len(doc)
	fits := filler(2048 - used - len(filler(0)))
	if _, err := c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("alice"), PolicyName: aws.String("fill"), PolicyDocument: aws.String(fits)}); err != nil {
		t.Fatalf("filling the quota exactly: %v", err)
	}
	_, err = c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("alice"), PolicyName: aws.String("more"), PolicyDocument: aws.String(doc)})
	wantAPIError(t, err, "LimitExceeded", "Maximum policy size of 2048 bytes exceeded for user alice")
	// Replacing a policy counts only its new size.
	if _, err := c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("alice"), PolicyName: aws.String("send"), PolicyDocument: aws.String(doc)}); err != nil {
		t.Fatalf("replacing a policy: %v", err)
	}
	_, err = c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("alice"), PolicyName: aws.String("bad"), PolicyDocument: aws.String(`{"Statement":[{"Effect":"Maybe","Action":"*","Resource":"*"}]}`)})
	wantAPIError(t, err, "MalformedPolicyDocument", "")
	_, err = c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("alice"), PolicyName: aws.String("bad name"), PolicyDocument: aws.String(doc)})
	wantAPIError(t, err, "ValidationError", `1 validation error detected: Value 'bad name' at 'policyName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+`)

	if _, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(trustAccount)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("big"), PolicyDocument: aws.String(filler(9000))}); err != nil {
		t.Fatalf("a 9,000-character role policy: %v", err)
	}
	_, err = c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("big2"), PolicyDocument: aws.String(filler(2000))})
	wantAPIError(t, err, "LimitExceeded", "Maximum policy size of 10240 bytes exceeded for role r")
	rp, err := c.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("BIG")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(rp.PolicyName) != "big" {
		t.Errorf("GetRolePolicy BIG found %q", aws.ToString(rp.PolicyName))
	}
	names, err := c.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: aws.String("r")})
	if err != nil {
		t.Fatal(err)
	}
	if len(names.PolicyNames) != 1 {
		t.Errorf("role policies %v", names.PolicyNames)
	}
}
