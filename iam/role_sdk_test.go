package iam_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

const trustAccount = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:root"},"Action":"sts:AssumeRole"}]}`

func TestRoleLifecycle(t *testing.T) {
	_, c := setup(t)
	ctx := ctxT(t)
	out, err := c.CreateRole(ctx, &iam.CreateRoleInput{
		RoleName: aws.String("worker"), Path: aws.String("/app/"), AssumeRolePolicyDocument: aws.String(trustAccount),
		Description: aws.String("runs jobs"), Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("core")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	r := out.Role
	if aws.ToString(r.Arn) != "arn:aws:iam::000000000000:role/app/worker" || !strings.HasPrefix(aws.ToString(r.RoleId), "AROA") {
		t.Errorf("role %+v", r)
	}
	if aws.ToInt32(r.MaxSessionDuration) != 3600 {
		t.Errorf("MaxSessionDuration %d, want the default 3600", aws.ToInt32(r.MaxSessionDuration))
	}
	// IAM returns the trust policy URL-encoded.
	if doc := aws.ToString(r.AssumeRolePolicyDocument); strings.Contains(doc, "{") || decoded(t, r.AssumeRolePolicyDocument) != trustAccount {
		t.Errorf("AssumeRolePolicyDocument %q", doc)
	}
	got, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("WORKER")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(got.Role.RoleName) != "worker" || aws.ToString(got.Role.Description) != "runs jobs" || len(got.Role.Tags) != 1 {
		t.Errorf("GetRole %+v", got.Role)
	}
	_, err = c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("Worker"), AssumeRolePolicyDocument: aws.String(trustAccount)})
	wantAPIError(t, err, "EntityAlreadyExists", "Role with name Worker already exists.")

	if _, err := c.UpdateRole(ctx, &iam.UpdateRoleInput{RoleName: aws.String("worker"), MaxSessionDuration: aws.Int32(43200)}); err != nil {
		t.Fatal(err)
	}
	for _, d := range []int32{3599, 43201} {
		_, err = c.UpdateRole(ctx, &iam.UpdateRoleInput{RoleName: aws.String("worker"), MaxSessionDuration: aws.Int32(d)})
		wantAPIError(t, err, "ValidationError", "")
	}
	_, err = c.UpdateRole(ctx, &iam.UpdateRoleInput{RoleName: aws.String("worker"), MaxSessionDuration: aws.Int32(100)})
	wantAPIError(t, err, "ValidationError", "1 validation error detected: Value '100' at 'maxSessionDuration' failed to satisfy constraint: Member must have value greater than or equal to 3600")

	newTrust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"iot.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	if _, err := c.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String("worker"), PolicyDocument: aws.String(newTrust)}); err != nil {
		t.Fatal(err)
	}
	got, err = c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("worker")})
	if err != nil {
		t.Fatal(err)
	}
	if decoded(t, got.Role.AssumeRolePolicyDocument) != newTrust || aws.ToInt32(got.Role.MaxSessionDuration) != 43200 {
		t.Errorf("after updates %+v", got.Role)
	}

	if _, err := c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("worker"), PolicyArn: aws.String(sqsFullARN)}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("worker")})
	wantAPIError(t, err, "DeleteConflict", "Cannot delete entity, must detach all policies first.")
	if _, err := c.DetachRolePolicy(ctx, &iam.DetachRolePolicyInput{RoleName: aws.String("worker"), PolicyArn: aws.String(sqsFullARN)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("worker"), PolicyName: aws.String("p"), PolicyDocument: aws.String(allowAll)}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("worker")})
	wantAPIError(t, err, "DeleteConflict", "Cannot delete entity, must delete policies first.")
	if _, err := c.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: aws.String("worker"), PolicyName: aws.String("p")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("worker")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("worker")})
	wantAPIError(t, err, "NoSuchEntity", "The role with name worker cannot be found.")
}

func TestTrustPolicyIsValidatedBeforeAnythingIsStored(t *testing.T) {
	_, c := setup(t)
	ctx := ctxT(t)
	cases := []struct {
		name, doc, code string
	}{
		{"not JSON", `{"Version":`, "MalformedPolicyDocument"},
		{"no principal", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]}`, "MalformedPolicyDocument"},
		{"not an STS action", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sqs:SendMessage"}]}`, "MalformedPolicyDocument"},
		{"too large", `{"Version":"2012-10-17","Statement":[{"Sid":"` + strings.Repeat("x", 2048) + `","Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}`, "LimitExceeded"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(tc.doc)})
			wantAPIError(t, err, tc.code, "")
			_, err = c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("r")})
			wantAPIError(t, err, "NoSuchEntity", "")
		})
	}
	_, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Sid":"` + strings.Repeat("x", 2048) + `","Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}`)})
	wantAPIError(t, err, "LimitExceeded", "Cannot exceed quota for ACLSizePerRole: 2048")

	// A trust policy may name only users and roles that exist.
	trustUser := func(arn string) *string {
		return aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["123456789012","` + arn + `"]},"Action":"sts:AssumeRole"}]}`)
	}
	_, err = c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: trustUser("arn:aws:iam::000000000000:user/nope")})
	wantAPIError(t, err, "MalformedPolicyDocument", `Invalid principal in policy: "AWS":"arn:aws:iam::000000000000:user/nope"`)
	if _, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("nope")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: trustUser("arn:aws:iam::000000000000:user/nope")}); err != nil {
		t.Fatalf("trusting a user that exists: %v", err)
	}
	_, err = c.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String("r"), PolicyDocument: trustUser("arn:aws:iam::111111111111:role/elsewhere")})
	wantAPIError(t, err, "MalformedPolicyDocument", `Invalid principal in policy: "AWS":"arn:aws:iam::111111111111:role/elsewhere"`)
}

func TestListRolesAndRoleTags(t *testing.T) {
	_, c := setup(t)
	ctx := ctxT(t)
	for _, name := range []string{"b", "a", "c"} {
		if _, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(trustAccount)}); err != nil {
			t.Fatal(err)
		}
	}
	out, err := c.ListRoles(ctx, &iam.ListRolesInput{MaxItems: aws.Int32(2)})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Roles) != 2 || !out.IsTruncated || aws.ToString(out.Roles[0].RoleName) != "a" {
		t.Fatalf("first page %+v truncated %v", out.Roles, out.IsTruncated)
	}
	if decoded(t, out.Roles[0].AssumeRolePolicyDocument) != trustAccount {
		t.Errorf("ListRoles document %q", aws.ToString(out.Roles[0].AssumeRolePolicyDocument))
	}
	rest, err := c.ListRoles(ctx, &iam.ListRolesInput{Marker: out.Marker})
	if err != nil {
		t.Fatal(err)
	}
	if len(rest.Roles) != 1 || rest.IsTruncated || aws.ToString(rest.Roles[0].RoleName) != "c" {
		t.Errorf("second page %+v", rest.Roles)
	}
	if _, err := c.TagRole(ctx, &iam.TagRoleInput{RoleName: aws.String("a"), Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UntagRole(ctx, &iam.UntagRoleInput{RoleName: aws.String("a"), TagKeys: []string{"nope"}}); err != nil {
		t.Fatal(err)
	}
	tags, err := c.ListRoleTags(ctx, &iam.ListRoleTagsInput{RoleName: aws.String("a")})
	if err != nil {
		t.Fatal(err)
	}
	if len(tags.Tags) != 1 || aws.ToString(tags.Tags[0].Value) != "v" {
		t.Errorf("role tags %+v", tags.Tags)
	}
	if _, err := c.PutRolePermissionsBoundary(ctx, &iam.PutRolePermissionsBoundaryInput{RoleName: aws.String("a"), PermissionsBoundary: aws.String(readOnlyARN)}); err != nil {
		t.Fatal(err)
	}
	got, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("a")})
	if err != nil {
		t.Fatal(err)
	}
	if got.Role.PermissionsBoundary == nil || aws.ToString(got.Role.PermissionsBoundary.PermissionsBoundaryArn) != readOnlyARN {
		t.Errorf("boundary %+v", got.Role.PermissionsBoundary)
	}
	if _, err := c.DeleteRolePermissionsBoundary(ctx, &iam.DeleteRolePermissionsBoundaryInput{RoleName: aws.String("a")}); err != nil {
		t.Fatal(err)
	}
}
