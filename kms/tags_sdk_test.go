package kms_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
)

func kmsTags(kv ...string) []types.Tag {
	var tags []types.Tag
	for i := 0; i < len(kv); i += 2 {
		tags = append(tags, types.Tag{TagKey: aws.String(kv[i]), TagValue: aws.String(kv[i+1])})
	}
	return tags
}

func TestTagging(t *testing.T) {
	_, c := setup(t)
	ctx := ctxT(t)
	k := newKey(t, c, "")
	if _, err := c.TagResource(ctx, &kms.TagResourceInput{KeyId: k.KeyId, Tags: kmsTags("env", "dev", "team", "blue")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.TagResource(ctx, &kms.TagResourceInput{KeyId: k.Arn, Tags: kmsTags("env", "prod")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UntagResource(ctx, &kms.UntagResourceInput{KeyId: k.KeyId, TagKeys: []string{"team", "absent"}}); err != nil {
		t.Fatal(err)
	}
	out, err := c.ListResourceTags(ctx, &kms.ListResourceTagsInput{KeyId: k.KeyId})
	if err != nil || len(out.Tags) != 1 || aws.ToString(out.Tags[0].TagKey) != "env" || aws.ToString(out.Tags[0].TagValue) != "prod" || out.Truncated {
		t.Fatalf("ListResourceTags: %+v %v", out, err)
	}
	var many []string
	for i := range 50 {
		many = append(many, fmt.Sprintf("k%02d", i), "v")
	}
	_, err = c.TagResource(ctx, &kms.TagResourceInput{KeyId: k.KeyId, Tags: kmsTags(many...)})
	wantError(t, err, "LimitExceededException", "at most 50 tags")
	_, err = c.TagResource(ctx, &kms.TagResourceInput{KeyId: k.KeyId, Tags: kmsTags("aws:reserved", "v")})
	wantError(t, err, "TagException", "aws:")
	_, err = c.TagResource(ctx, &kms.TagResourceInput{KeyId: k.KeyId, Tags: kmsTags(strings.Repeat("k", 129), "v")})
	wantError(t, err, "ValidationException", "Member must have length less than or equal to 128")
	_, err = c.ListResourceTags(ctx, &kms.ListResourceTagsInput{KeyId: k.KeyId, Limit: aws.Int32(51)})
	wantError(t, err, "ValidationException", "at 'limit'")
}

// aws:RequestTag/… and aws:TagKeys on tagging requests; aws:ResourceTag/…
// on every request to a tagged key.
func TestTagConditions(t *testing.T) {
	srv, root := setup(t)
	ctx := ctxT(t)
	k := newKey(t, root, "")
	doc := `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":"kms:TagResource","Resource":"*","Condition":{"StringEquals":{"aws:RequestTag/env":"dev"}}},
		{"Effect":"Allow","Action":"kms:Encrypt","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/env":"dev"}}}]}`
	tagger := kmsFor(srv, newUser(t, iamFor(srv, rootOf(ownerAccount)), "tagger", doc))
	_, err := tagger.Encrypt(ctx, &kms.EncryptInput{KeyId: k.KeyId, Plaintext: []byte("x")})
	wantError(t, err, "AccessDeniedException", "kms:Encrypt")
	_, err = tagger.TagResource(ctx, &kms.TagResourceInput{KeyId: k.KeyId, Tags: kmsTags("env", "prod")})
	wantError(t, err, "AccessDeniedException", "kms:TagResource")
	if _, err := tagger.TagResource(ctx, &kms.TagResourceInput{KeyId: k.KeyId, Tags: kmsTags("env", "dev")}); err != nil {
		t.Fatal(err)
	}
	encrypt(t, tagger, *k.KeyId, "tagged dev", nil)
}
