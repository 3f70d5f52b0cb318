package sts

import (
	"regexp"
	"strconv"
	"unicode/utf8"
)

// The STS model's constraints
// (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html).

const (
	minDuration          = 900
	defaultRoleDuration  = 3600
	chainedMaxDuration   = 3600
	maxRoleDuration      = 43200
	maxTokenDuration     = 129600 // GetSessionToken
	defaultTokenDuration = 43200
	rootMaxTokenDuration = 3600

	maxSessionPolicy = 2048
	maxPolicyARNs    = 10
	maxSessionTags   = 50
)

const (
	sessionNamePattern  = `[\w+=,.@-]*`
	externalIDPattern   = `[\w+=,.@:\/-]*`
	policyPattern       = `[\u0009\u000A\u000D\u0020-\u00FF]+`
	tagKeyPattern       = `[\p{L}\p{Z}\p{N}_.:/=+\-@]+`
	tagValuePattern     = `[\p{L}\p{Z}\p{N}_.:/=+\-@]*`
	serialNumberPattern = `[\w+=/:,.@-]*`
	tokenCodePattern    = `[\d]*`
	accessKeyIDPattern  = `[\w]*`
)

var (
	sessionNameRE  = regexp.MustCompile(`^[\w+=,.@-]*$`)
	externalIDRE   = regexp.MustCompile(`^[\w+=,.@:/-]*$`)
	policyRE       = regexp.MustCompile(`^[\x{09}\x{0A}\x{0D}\x{20}-\x{FF}]+$`)
	tagKeyRE       = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$`)
	tagValueRE     = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)
	serialNumberRE = regexp.MustCompile(`^[\w+=/:,.@-]*$`)
	tokenCodeRE    = regexp.MustCompile(`^\d*$`)
	accessKeyIDRE  = regexp.MustCompile(`^\w*$`)
)

func length(s string) int { return utf8.RuneCountInString(s) }

func maxLen(n int) string { return "Member must have length less than or equal to " + strconv.Itoa(n) }
func minLen(n int) string {
	return "Member must have length greater than or equal to " + strconv.Itoa(n)
}
func pattern(p string) string {
	return "Member must satisfy regular expression pattern: " + p
}

// str checks a string member against its length bounds and pattern; an
// absent optional member is fine.
func (v *validation) str(value *string, member string, required bool, min, max int, re *regexp.Regexp, p string) {
	if value == nil {
		if required {
			v.Missing(member)
		}
		return
	}
	switch n := length(*value); {
	case n < min:
		v.Fail(*value, member, minLen(min))
	case n > max:
		v.Fail(*value, member, maxLen(max))
	case re != nil && !re.MatchString(*value):
		v.Fail(*value, member, pattern(p))
	}
}

func (v *validation) duration(d *int32, max int) {
	if d == nil {
		return
	}
	switch {
	case *d < minDuration:
		v.Fail(strconv.Itoa(int(*d)), "durationSeconds", "Member must have value greater than or equal to "+strconv.Itoa(minDuration))
	case int(*d) > max:
		v.Fail(strconv.Itoa(int(*d)), "durationSeconds", "Member must have value less than or equal to "+strconv.Itoa(max))
	}
}

func (v *validation) tags(tags []tag) {
	if len(tags) > maxSessionTags {
		v.Fail(strconv.Itoa(len(tags))+" tags", "tags", maxLen(maxSessionTags))
		return
	}
	for _, t := range tags {
		k, val := t.Key, t.Value
		v.str(&k, "tags.member.key", true, 1, 128, tagKeyRE, tagKeyPattern)
		v.str(&val, "tags.member.value", true, 0, 256, tagValueRE, tagValuePattern)
	}
}
