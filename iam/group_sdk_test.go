package iam_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

func TestGroupsAndMembership(t *testing.T) {
	srv, c := setup(t)
	ctx := ctxT(t)
	g, err := c.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("devs"), Path: aws.String("/teams/")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(g.Group.Arn) != "arn:aws:iam::000000000000:group/teams/devs" || aws.ToString(g.Group.GroupId)[:4] != "AGPA" {
		t.Errorf("group %+v", g.Group)
	}
	_, err = c.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("Devs")})
	wantAPIError(t, err, "EntityAlreadyExists", "Group with name Devs already exists.")

	alice, _ := userWithKey(t, srv, c, "alice")
	if _, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("bob")}); err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{"alice", "bob", "alice"} { // adding twice changes nothing
		if _, err := c.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String("devs"), UserName: aws.String(u)}); err != nil {
			t.Fatal(err)
		}
	}
	_, err = c.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String("nope"), UserName: aws.String("bob")})
	wantAPIError(t, err, "NoSuchEntity", "The group with name nope cannot be found.")

	got, err := c.GetGroup(ctx, &iam.GetGroupInput{GroupName: aws.String("devs")})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Users) != 2 || aws.ToString(got.Users[0].UserName) != "alice" || aws.ToString(got.Users[1].UserName) != "bob" {
		t.Errorf("members %+v", got.Users)
	}
	groups, err := c.ListGroupsForUser(ctx, &iam.ListGroupsForUserInput{UserName: aws.String("alice")})
	if err != nil {
		t.Fatal(err)
	}
	if len(groups.Groups) != 1 || aws.ToString(groups.Groups[0].GroupName) != "devs" {
		t.Errorf("groups of alice %+v", groups.Groups)
	}

	// A group's policies apply to its members.
	if _, err := c.AttachGroupPolicy(ctx, &iam.AttachGroupPolicyInput{GroupName: aws.String("devs"), PolicyArn: aws.String(readOnlyARN)}); err != nil {
		t.Fatal(err)
	}
	if _, err := alice.ListGroups(ctx, &iam.ListGroupsInput{}); err != nil {
		t.Fatalf("ListGroups with ReadOnlyAccess through the group: %v", err)
	}
	_, err = alice.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("mine")})
	wantAPIError(t, err, "AccessDenied", "")
	if _, err := c.PutGroupPolicy(ctx, &iam.PutGroupPolicyInput{
		GroupName: aws.String("devs"), PolicyName: aws.String("create"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:CreateGroup","Resource":"*"}]}`),
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := alice.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("mine")}); err != nil {
		t.Fatalf("CreateGroup with the group's inline policy: %v", err)
	}

	_, err = c.DeleteGroup(ctx, &iam.DeleteGroupInput{GroupName: aws.String("devs")})
	wantAPIError(t, err, "DeleteConflict", "Cannot delete entity, must remove users from group first.")
	for _, u := range []string{"alice", "bob"} {
		if _, err := c.RemoveUserFromGroup(ctx, &iam.RemoveUserFromGroupInput{GroupName: aws.String("devs"), UserName: aws.String(u)}); err != nil {
			t.Fatal(err)
		}
	}
	_, err = c.DeleteGroup(ctx, &iam.DeleteGroupInput{GroupName: aws.String("devs")})
	wantAPIError(t, err, "DeleteConflict", "Cannot delete entity, must delete policies first.")
	if _, err := c.DeleteGroupPolicy(ctx, &iam.DeleteGroupPolicyInput{GroupName: aws.String("devs"), PolicyName: aws.String("create")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DeleteGroup(ctx, &iam.DeleteGroupInput{GroupName: aws.String("devs")})
	wantAPIError(t, err, "DeleteConflict", "Cannot delete entity, must detach all policies first.")
	if _, err := c.DetachGroupPolicy(ctx, &iam.DetachGroupPolicyInput{GroupName: aws.String("devs"), PolicyArn: aws.String(readOnlyARN)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteGroup(ctx, &iam.DeleteGroupInput{GroupName: aws.String("devs")}); err != nil {
		t.Fatal(err)
	}
	list, err := c.ListGroups(ctx, &iam.ListGroupsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Groups) != 1 || aws.ToString(list.Groups[0].GroupName) != "mine" {
		t.Errorf("groups left %+v", list.Groups)
	}
}

func TestGroupsPerUserQuota(t *testing.T) {
	_, c := setup(t)
	ctx := ctxT(t)
	if _, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("alice")}); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 11; i++ {
		name := aws.String("g" + string(rune('a'+i)))
		if _, err := c.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: name}); err != nil {
			t.Fatal(err)
		}
		_, err := c.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: name, UserName: aws.String("alice")})
		if i < 10 && err != nil {
			t.Fatal(err)
		}
		if i == 10 {
			wantAPIError(t, err, "LimitExceeded", "Cannot exceed quota for GroupsPerUser: 10")
		}
	}
}
