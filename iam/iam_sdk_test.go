package iam_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/smithy-go"

	"github.com/ferry-emulator/ferry/emulator"
)

// IAM through the real aws-sdk-go-v2 client (query protocol) against ferry
// started in-process. This file holds the helpers and the users; the other
// entity families have their own files.

const (
	allowAll    = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`
	readOnlyARN = "arn:aws:iam::aws:policy/ReadOnlyAccess"
	sqsFullARN  = "arn:aws:iam::aws:policy/AmazonSQSFullAccess"
	adminARN    = "arn:aws:iam::aws:policy/AdministratorAccess"
)

const (
	defaultAccount = emulator.DefaultAccount
	otherAccount   = "111111111111" // a numeric access key is the root of that account
	region         = "us-east-1"
)

func startFerry(t *testing.T) *emulator.Server {
	t.Helper()
	srv, err := emulator.Run(emulator.Config{Listen: "127.0.0.1:0"})
	if err != nil {
		t.Fatalf("starting ferry: %v", err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

// clientFor is an IAM client signing with the given key; retries are off so
// that every error is the server's first answer.
func clientFor(srv *emulator.Server, accessKey, secret, token string) *iam.Client {
	return iam.New(iam.Options{
		Region:       region,
		BaseEndpoint: aws.String(srv.URL()),
		Credentials:  credentials.NewStaticCredentialsProvider(accessKey, secret, token),
		Retryer:      aws.NopRetryer{},
	})
}

// setup starts ferry and returns a client for the root of the default account.
func setup(t *testing.T) (*emulator.Server, *iam.Client) {
	t.Helper()
	srv := startFerry(t)
	return srv, clientFor(srv, "test", "test", "")
}

func ctxT(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// wantAPIError checks an error's code and, unless msg is empty, its message.
func wantAPIError(t *testing.T, err error, code, msg string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("got %v, want API error %s", err, code)
	}
	if ae.ErrorCode() != code {
		t.Fatalf("error code %q (%s), want %q", ae.ErrorCode(), ae.ErrorMessage(), code)
	}
	if msg != "" && ae.ErrorMessage() != msg {
		t.Fatalf("error message %q, want %q", ae.ErrorMessage(), msg)
	}
}

// userWithKey creates a user with an access key and returns a client signing as it.
func userWithKey(t *testing.T, srv *emulator.Server, c *iam.Client, name string) (*iam.Client, types.AccessKey) {
	t.Helper()
	ctx := ctxT(t)
	if _, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(name)}); err != nil {
		t.Fatalf("CreateUser %s: %v", name, err)
	}
	out, err := c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(name)})
	if err != nil {
		t.Fatalf("CreateAccessKey %s: %v", name, err)
	}
	k := *out.AccessKey
	return clientFor(srv, *k.AccessKeyId, *k.SecretAccessKey, ""), k
}

func decoded(t *testing.T, doc *string) string {
	t.Helper()
	s, err := url.QueryUnescape(aws.ToString(doc))
	if err != nil {
		t.Fatalf("document %q is not URL-encoded: %v", aws.ToString(doc), err)
	}
	return s
}

func TestUserLifecycle(t *testing.T) {
	_, c := setup(t)
	ctx := ctxT(t)
	out, err := c.CreateUser(ctx, &iam.CreateUserInput{
		UserName: aws.String("alice"), Path: aws.String("/eng/"),
		Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("core")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	u := out.User
	if got, want := aws.ToString(u.Arn), "arn:aws:iam::000000000000:user/eng/alice"; got != want {
		t.Errorf("ARN %s, want %s", got, want)
	}
	if id := aws.ToString(u.UserId); len(id) != 21 || id[:4] != "AIDA" {
		t.Errorf("user id %q, want AIDA + 17 characters", id)
	}
	if u.CreateDate == nil || time.Since(*u.CreateDate) > time.Minute {
		t.Errorf("CreateDate %v", u.CreateDate)
	}
	if len(u.Tags) != 1 || aws.ToString(u.Tags[0].Key) != "team" {
		t.Errorf("tags %+v", u.Tags)
	}

	_, err = c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("ALICE")})
	var exists *types.EntityAlreadyExistsException
	if !errors.As(err, &exists) {
		t.Fatalf("CreateUser ALICE: %v, want EntityAlreadyExists (names ignore case)", err)
	}
	wantAPIError(t, err, "EntityAlreadyExists", "User with name ALICE already exists.")

	got, err := c.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("alice")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(got.User.UserId) != aws.ToString(u.UserId) || aws.ToString(got.User.Path) != "/eng/" {
		t.Errorf("GetUser %+v", got.User)
	}

	_, err = c.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("bob")})
	var nse *types.NoSuchEntityException
	if !errors.As(err, &nse) {
		t.Fatalf("GetUser bob: %v, want NoSuchEntity", err)
	}
	wantAPIError(t, err, "NoSuchEntity", "The user with name bob cannot be found.")

	if _, err := c.UpdateUser(ctx, &iam.UpdateUserInput{UserName: aws.String("alice"), NewUserName: aws.String("alicia"), NewPath: aws.String("/ops/")}); err != nil {
		t.Fatal(err)
	}
	got, err = c.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("alicia")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(got.User.Arn) != "arn:aws:iam::000000000000:user/ops/alicia" || aws.ToString(got.User.UserId) != aws.ToString(u.UserId) {
		t.Errorf("after rename %+v", got.User)
	}
	if _, err := c.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("alicia")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("alicia")})
	wantAPIError(t, err, "NoSuchEntity", "")
}

func TestGetUserWithoutNameIsTheCaller(t *testing.T) {
	srv, c := setup(t)
	ctx := ctxT(t)

	root, err := c.GetUser(ctx, &iam.GetUserInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(root.User.Arn) != "arn:aws:iam::000000000000:root" || aws.ToString(root.User.UserId) != defaultAccount {
		t.Errorf("root GetUser %+v", root.User)
	}

	alice, _ := userWithKey(t, srv, c, "alice")
	// Asking about oneself needs iam:GetUser like anything else.
	_, err = alice.GetUser(ctx, &iam.GetUserInput{})
	wantAPIError(t, err, "AccessDenied", "User: arn:aws:iam::000000000000:user/alice is not authorized to perform: iam:GetUser on resource: arn:aws:iam::000000000000:user/alice because no identity-based policy allows the iam:GetUser action")

	if _, err := c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{
		UserName: aws.String("alice"), PolicyName: aws.String("self"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"arn:aws:iam::*:user/${aws:username}"}]}`),
	}); err != nil {
		t.Fatal(err)
	}
	me, err := alice.GetUser(ctx, &iam.GetUserInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(me.User.UserName) != "alice" {
		t.Errorf("GetUser as alice: %+v", me.User)
	}
	_, err = alice.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("root-only")})
	wantAPIError(t, err, "AccessDenied", "")
}

func TestListUsersPagesAndFiltersByPath(t *testing.T) {
	srv, c := setup(t)
	ctx := ctxT(t)
	for _, u := range []struct{ name, path string }{{"carol", "/ops/"}, {"alice", "/eng/"}, {"bob", "/eng/"}, {"dave", ""}} {
		in := &iam.CreateUserInput{UserName: aws.String(u.name)}
		if u.path != "" {
			in.Path = aws.String(u.path)
		}
		if _, err := c.CreateUser(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	var names []string
	var marker *string
	for {
		out, err := c.ListUsers(ctx, &iam.ListUsersInput{MaxItems: aws.Int32(3), Marker: marker})
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range out.Users {
			names = append(names, aws.ToString(u.UserName))
			if u.Tags != nil {
				t.Errorf("ListUsers returned tags for %s; AWS leaves them out", aws.ToString(u.UserName))
			}
		}
		if !out.IsTruncated {
			break
		}
		marker = out.Marker
	}
	if got := strings.Join(names, ","); got != "alice,bob,carol,dave" {
		t.Errorf("ListUsers %s", got)
	}
	eng, err := c.ListUsers(ctx, &iam.ListUsersInput{PathPrefix: aws.String("/eng/")})
	if err != nil {
		t.Fatal(err)
	}
	if len(eng.Users) != 2 || eng.IsTruncated {
		t.Errorf("ListUsers /eng/: %d users, truncated %v", len(eng.Users), eng.IsTruncated)
	}
	_, err = c.ListUsers(ctx, &iam.ListUsersInput{MaxItems: aws.Int32(1001)})
	wantAPIError(t, err, "ValidationError", "1 validation error detected: Value '1001' at 'maxItems' failed to satisfy constraint: Member must have value less than or equal to 1000")

	// Another account has users of its own: none.
	other, err := clientFor(srv, otherAccount, "test", "").ListUsers(ctx, &iam.ListUsersInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(other.Users) != 0 {
		t.Errorf("account %s lists %d users", otherAccount, len(other.Users))
	}
}

func TestDeleteUserRefusesWhileAnythingIsAttached(t *testing.T) {
	_, c := setup(t)
	ctx := ctxT(t)
	if _, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("alice")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("devs")}); err != nil {
		t.Fatal(err)
	}
	key, err := c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("alice")})
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		attach, detach func() error
		message        string
	}{
		{
			func() error { return nil },
			func() error {
				_, err := c.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: aws.String("alice"), AccessKeyId: key.AccessKey.AccessKeyId})
				return err
			},
			"Cannot delete entity, must delete access keys first.",
		},
		{
			func() error {
				_, err := c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("alice"), PolicyName: aws.String("p"), PolicyDocument: aws.String(allowAll)})
				return err
			},
			func() error {
				_, err := c.DeleteUserPolicy(ctx, &iam.DeleteUserPolicyInput{UserName: aws.String("alice"), PolicyName: aws.String("p")})
				return err
			},
			"Cannot delete entity, must delete policies first.",
		},
		{
			func() error {
				_, err := c.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("alice"), PolicyArn: aws.String(readOnlyARN)})
				return err
			},
			func() error {
				_, err := c.DetachUserPolicy(ctx, &iam.DetachUserPolicyInput{UserName: aws.String("alice"), PolicyArn: aws.String(readOnlyARN)})
				return err
			},
			"Cannot delete entity, must detach all policies first.",
		},
		{
			func() error {
				_, err := c.AddUserToGroup(ctx, &iam.AddUserToGroupInput{UserName: aws.String("alice"), GroupName: aws.String("devs")})
				return err
			},
			func() error {
				_, err := c.RemoveUserFromGroup(ctx, &iam.RemoveUserFromGroupInput{UserName: aws.String("alice"), GroupName: aws.String("devs")})
				return err
			},
			"Cannot delete entity, must remove users from group first.",
		},
	}
	for _, st := range steps {
		if err := st.attach(); err != nil {
			t.Fatal(err)
		}
		_, err := c.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("alice")})
		var conflict *types.DeleteConflictException
		if !errors.As(err, &conflict) {
			t.Fatalf("DeleteUser: %v, want DeleteConflict (%s)", err, st.message)
		}
		wantAPIError(t, err, "DeleteConflict", st.message)
		if err := st.detach(); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.DeleteUser(ctx, &iam.DeleteUserInput{UserName: aws.String("alice")}); err != nil {
		t.Fatalf("DeleteUser once nothing is attached: %v", err)
	}
}

func TestUserTagsAndBoundary(t *testing.T) {
	_, c := setup(t)
	ctx := ctxT(t)
	_, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("alice"), PermissionsBoundary: aws.String("arn:aws:iam::000000000000:policy/nope")})
	wantAPIError(t, err, "NoSuchEntity", "Scope ARN: arn:aws:iam::000000000000:policy/nope does not exist or is not attachable.")
	if _, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("alice"), PermissionsBoundary: aws.String(sqsFullARN)}); err != nil {
		t.Fatal(err)
	}
	u, err := c.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("alice")})
	if err != nil {
		t.Fatal(err)
	}
	if u.User.PermissionsBoundary == nil || aws.ToString(u.User.PermissionsBoundary.PermissionsBoundaryArn) != sqsFullARN ||
		u.User.PermissionsBoundary.PermissionsBoundaryType != types.PermissionsBoundaryAttachmentTypePolicy {
		t.Errorf("boundary %+v", u.User.PermissionsBoundary)
	}
	if _, err := c.DeleteUserPermissionsBoundary(ctx, &iam.DeleteUserPermissionsBoundaryInput{UserName: aws.String("alice")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutUserPermissionsBoundary(ctx, &iam.PutUserPermissionsBoundaryInput{UserName: aws.String("alice"), PermissionsBoundary: aws.String(readOnlyARN)}); err != nil {
		t.Fatal(err)
	}

	tag := func(k, v string) types.Tag { return types.Tag{Key: aws.String(k), Value: aws.String(v)} }
	if _, err := c.TagUser(ctx, &iam.TagUserInput{UserName: aws.String("alice"), Tags: []types.Tag{tag("team", "core"), tag("env", "dev")}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.TagUser(ctx, &iam.TagUserInput{UserName: aws.String("alice"), Tags: []types.Tag{tag("TEAM", "edge")}}); err != nil {
		t.Fatal(err)
	}
	_, err = c.TagUser(ctx, &iam.TagUserInput{UserName: aws.String("alice"), Tags: []types.Tag{tag("a", "1"), tag("A", "2")}})
	wantAPIError(t, err, "InvalidInput", "Duplicate tag keys found. Please note that Tag keys are case insensitive.")
	if _, err := c.UntagUser(ctx, &iam.UntagUserInput{UserName: aws.String("alice"), TagKeys: []string{"ENV"}}); err != nil {
		t.Fatal(err)
	}
	tags, err := c.ListUserTags(ctx, &iam.ListUserTagsInput{UserName: aws.String("alice")})
	if err != nil {
		t.Fatal(err)
	}
	if len(tags.Tags) != 1 || aws.ToString(tags.Tags[0].Key) != "TEAM" || aws.ToString(tags.Tags[0].Value) != "edge" {
		t.Errorf("tags %+v", tags.Tags)
	}
	many := make([]types.Tag, 50)
	for i := range many {
		many[i] = tag(fmt.Sprintf("k%d", i), "v")
	}
	_, err = c.TagUser(ctx, &iam.TagUserInput{UserName: aws.String("alice"), Tags: many})
	wantAPIError(t, err, "LimitExceeded", "Cannot exceed quota for TagsPerUser: 50")
}
