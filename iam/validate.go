package iam

import (
	"encoding/base64"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ferry-emulator/ferry/emulator/api"
)

// The IAM model's constraints on names, paths, documents and tags
// (https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateUser.html
// and its siblings), and the size quotas of
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html.

const (
	maxUserName   = 64
	maxRoleName   = 64
	maxGroupName  = 128
	maxPolicyName = 128
	maxPath       = 512
	maxDocument   = 131072

	// Aggregate inline policy size per entity, and the managed policy and
	// role trust policy sizes, in characters other than white space.
	maxUserInline   = 2048
	maxGroupInline  = 5120
	maxRoleInline   = 10240
	maxManaged      = 6144
	maxTrustPolicy  = 2048
	maxPolicyVers   = 5
	maxAttached     = 10
	maxGroupsOfUser = 10
	maxKeysPerUser  = 2
	maxTags         = 50

	minSessionDuration = 3600
	maxSessionDuration = 43200
)

const (
	namePattern     = `[\w+=,.@-]+`
	pathPattern     = `(\u002F)|(\u002F[\u0021-\u007E]+\u002F)`
	documentPattern = `[\u0009\u000A\u000D\u0020-\u00FF]+`
	tagKeyPattern   = `[\p{L}\p{Z}\p{N}_.:/=+\-@]+`
	tagValuePattern = `[\p{L}\p{Z}\p{N}_.:/=+\-@]*`
	versionPattern  = `v[1-9][0-9]*(\.[A-Za-z0-9-]*)?`
	descPattern     = `[\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]*`
	keyIDPattern    = `[\w]+`
)

var (
	nameRE     = regexp.MustCompile(`^` + namePattern + `$`)
	pathRE     = regexp.MustCompile(`^(/|/[\x{21}-\x{7E}]+/)$`)
	documentRE = regexp.MustCompile(`^[\x{09}\x{0A}\x{0D}\x{20}-\x{FF}]+$`)
	tagKeyRE   = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$`)
	tagValueRE = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)
	versionRE  = regexp.MustCompile(`^` + versionPattern + `$`)
	descRE     = regexp.MustCompile(`^[\x{09}\x{0A}\x{0D}\x{20}-\x{7E}\x{A1}-\x{FF}]*$`)
	keyIDRE    = regexp.MustCompile(`^\w+$`)
)

func maxLen(n int) string { return "Member must have length less than or equal to " + strconv.Itoa(n) }
func minLen(n int) string {
	return "Member must have length greater than or equal to " + strconv.Itoa(n)
}
func pattern(p string) string {
	return "Member must satisfy regular expression pattern: " + p
}

// length counts characters, as the model's length constraints do.
func length(s string) int { return utf8.RuneCountInString(s) }

// name checks a user, group, role or policy name.
func (v *validation) name(value, member string, max int) {
	switch {
	case value == "":
		v.Missing(member)
	case length(value) > max:
		v.Fail(value, member, maxLen(max))
	case !nameRE.MatchString(value):
		v.Fail(value, member, pattern(namePattern))
	}
}

// optName checks a name that may be absent.
func (v *validation) optName(value, member string, max int) {
	if value != "" {
		v.name(value, member, max)
	}
}

// path checks an entity path; the empty path means "/".
func (v *validation) path(value, member string) {
	switch {
	case value == "":
	case length(value) > maxPath:
		v.Fail(value, member, maxLen(maxPath))
	case !pathRE.MatchString(value):
		v.Fail(value, member, pattern(pathPattern))
	}
}

// pathPrefix checks the PathPrefix of a listing.
func validatePathPrefix(prefix string) *api.Error {
	var v validation
	v.path(prefix, "pathPrefix")
	return v.Err()
}

// document checks a policy document parameter against the model; its
// content is checked by policy.Parse.
func (v *validation) document(value, member string) {
	switch {
	case value == "":
		v.Missing(member)
	case length(value) > maxDocument:
		v.Fail(value, member, maxLen(maxDocument))
	case !documentRE.MatchString(value):
		v.Fail(value, member, pattern(documentPattern))
	}
}

// arn checks a policy ARN parameter.
func (v *validation) arn(value, member string) {
	switch {
	case value == "":
		v.Missing(member)
	case length(value) < 20:
		v.Fail(value, member, minLen(20))
	case length(value) > 2048:
		v.Fail(value, member, maxLen(2048))
	}
}

func (v *validation) versionID(value, member string) {
	switch {
	case value == "":
		v.Missing(member)
	case !versionRE.MatchString(value):
		v.Fail(value, member, pattern(versionPattern))
	}
}

func (v *validation) description(value string) {
	switch {
	case length(value) > 1000:
		v.Fail(value, "description", maxLen(1000))
	case !descRE.MatchString(value):
		v.Fail(value, "description", pattern(descPattern))
	}
}

func (v *validation) accessKeyID(value, member string) {
	switch {
	case value == "":
		v.Missing(member)
	case length(value) < 16:
		v.Fail(value, member, minLen(16))
	case length(value) > 128:
		v.Fail(value, member, maxLen(128))
	case !keyIDRE.MatchString(value):
		v.Fail(value, member, pattern(keyIDPattern))
	}
}

// tags checks a Tags parameter against the model.
func (v *validation) tags(tags []tag) {
	if len(tags) > maxTags {
		v.Fail(tagListString(tags), "tags", maxLen(maxTags))
		return
	}
	for _, t := range tags {
		switch {
		case t.Key == "":
			v.Fail(t.Key, "tags.member.key", minLen(1))
		case length(t.Key) > 128:
			v.Fail(t.Key, "tags.member.key", maxLen(128))
		case !tagKeyRE.MatchString(t.Key):
			v.Fail(t.Key, "tags.member.key", pattern(tagKeyPattern))
		}
		switch {
		case length(t.Value) > 256:
			v.Fail(t.Value, "tags.member.value", maxLen(256))
		case !tagValueRE.MatchString(t.Value):
			v.Fail(t.Value, "tags.member.value", pattern(tagValuePattern))
		}
	}
}

// tagKeys checks an UntagX TagKeys parameter.
func (v *validation) tagKeys(keys []string) {
	if len(keys) == 0 {
		v.Missing("tagKeys")
		return
	}
	if len(keys) > maxTags {
		v.Fail("["+strings.Join(keys, ", ")+"]", "tagKeys", maxLen(maxTags))
		return
	}
	for _, k := range keys {
		switch {
		case k == "" || length(k) > 128:
			v.Fail(k, "tagKeys.member", maxLen(128))
		case !tagKeyRE.MatchString(k):
			v.Fail(k, "tagKeys.member", pattern(tagKeyPattern))
		}
	}
}

func tagListString(tags []tag) string {
	parts := make([]string, len(tags))
	for i, t := range tags {
		parts[i] = "Tag(key=" + t.Key + ", value=" + t.Value + ")"
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// duplicateTags answers tags that repeat a key, which IAM compares without case.
func duplicateTags(tags []tag) *api.Error {
	seen := make(map[string]bool, len(tags))
	for _, t := range tags {
		k := strings.ToLower(t.Key)
		if seen[k] {
			return errInvalidInput("Duplicate tag keys found. Please note that Tag keys are case insensitive.")
		}
		seen[k] = true
	}
	return nil
}

// policySize is a document's size as IAM's quotas count it: characters
// other than white space.
func policySize(doc string) int {
	n := 0
	for _, r := range doc {
		if !unicode.IsSpace(r) {
			n++
		}
	}
	return n
}

// page is one page of a list: MaxItems (1–1000, default 100) items after the
// Marker, which is the last key of the previous page, encoded.
type page struct {
	start, end int
	marker     string
	truncated  bool
}

func paginate(keys []string, marker string, maxItems *int32) (page, *api.Error) {
	limit := 100
	if maxItems != nil {
		if *maxItems < 1 || *maxItems > 1000 {
			var v validation
			if *maxItems < 1 {
				v.Fail(strconv.Itoa(int(*maxItems)), "maxItems", "Member must have value greater than or equal to 1")
			} else {
				v.Fail(strconv.Itoa(int(*maxItems)), "maxItems", "Member must have value less than or equal to 1000")
			}
			return page{}, v.Err()
		}
		limit = int(*maxItems)
	}
	start := 0
	if marker != "" {
		after, err := base64.RawURLEncoding.DecodeString(marker)
		if err != nil {
			return page{}, errValidation("Invalid Marker.")
		}
		for start < len(keys) && keys[start] <= string(after) {
			start++
		}
	}
	end := min(start+limit, len(keys))
	p := page{start: start, end: end}
	if end < len(keys) {
		p.truncated = true
		p.marker = base64.RawURLEncoding.EncodeToString([]byte(keys[end-1]))
	}
	return p, nil
}
