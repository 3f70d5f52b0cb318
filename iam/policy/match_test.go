package policy

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// refGlob is the plain definition of '*' and '?' matching, by dynamic
// programming over runes: the reference the matchers are fuzzed against.
func refGlob(p, s string) bool {
	return refMatch([]rune(p), []rune(s), func(int) (bool, bool) { return true, true })
}

// refResource is the Resource element's matching, defined per pattern
// character: in the first five colon-separated segments '?' and '*' do not
// match ':', except a '*' that ends its segment; in the resource part
// (after the fifth colon) everything matches freely.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
func refResource(p, s string) bool {
	pr := []rune(p)
	segment := make([]int, len(pr))
	colons := 0
	for j, r := range pr {
		segment[j] = colons
		if r == ':' {
			colons++
		}
	}
	return refMatch(pr, []rune(s), func(j int) (starCrosses, oneCrosses bool) {
		if segment[j] >= arnSegments-1 {
			return true, true
		}
		return j+1 == len(pr) || pr[j+1] == ':', false
	})
}

// refMatch matches runes; crosses(j) says whether the wildcard at pattern
// index j may match ':' (for '*' and for '?').
func refMatch(p, s []rune, crosses func(j int) (bool, bool)) bool {
	// m[j][i]: p[j:] matches s[i:].
	m := make([][]bool, len(p)+1)
	for j := range m {
		m[j] = make([]bool, len(s)+1)
	}
	m[len(p)][len(s)] = true
	for j := len(p) - 1; j >= 0; j-- {
		star, one := crosses(j)
		for i := len(s); i >= 0; i-- {
			switch p[j] {
			case '*':
				m[j][i] = m[j+1][i] || i < len(s) && (star || s[i] != ':') && m[j][i+1]
			case '?':
				m[j][i] = i < len(s) && (one || s[i] != ':') && m[j+1][i+1]
			default:
				m[j][i] = i < len(s) && s[i] == p[j] && m[j+1][i+1]
			}
		}
	}
	return m[0][0]
}

func TestGlob(t *testing.T) {
	for _, c := range []struct {
		p, s string
		want bool
	}{
		{"", "", true}, {"", "a", false}, {"*", "", true}, {"*", "anything", true},
		{"a*", "a", true}, {"a*b", "axxb", true}, {"a*b", "axxbc", false}, {"*b*", "abc", true},
		{"a?c", "abc", true}, {"a?c", "ac", false}, {"a?c", "aéc", true}, {"**a", "ba", true},
		{"*a*a*a*a*a*a*b", strings.Repeat("a", 40), false},
	} {
		if got := glob(tokenize(c.p, true, false), c.s, false, lookup{}); got != c.want {
			t.Errorf("glob(%q, %q) = %v, want %v", c.p, c.s, got, c.want)
		}
		if ref := refGlob(c.p, c.s); ref != c.want {
			t.Errorf("refGlob(%q, %q) = %v, want %v", c.p, c.s, ref, c.want)
		}
	}
}

func TestResourcePatterns(t *testing.T) {
	for _, c := range []struct {
		p, s string
		want bool
	}{
		{"*", "*", true},
		{"*", qA, true},
		{"arn:aws:sqs:*", qA, true},
		{"arn:aws:sqs:us-east-1*", qA, true},
		{"arn:aws:sqs:us-*-1:*:qA", qA, true},
		{"arn:aws:sqs:us-*:qA", qA, true}, // the segment-ending '*' takes the account too
		{"arn:aws:sqs:u*1:111122223333:qA", qA, true},
		{"arn:aws:sqs:u*3:qA", qA, false}, // a mid-segment '*' cannot reach the account
		{"arn:aws:s?s:us-east-1:111122223333:qA", qA, true},
		{"arn:aws:sqs:us-east-1:111122223333", qA, false},
		{"arn:aws:sqs:us-east-1:111122223333:qA:x", qA, false},
		{"arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a:b/c", true},
		{"arn:aws:s3:::bucket/?:b", "arn:aws:s3:::bucket/a:b", true},
		{"arn:aws:*:*:*:*", "arn:aws:iam::111122223333:user/x", true},
		{"arn:aws:iam::*:user/*", "arn:aws:iam::111122223333:user/path/x", true},
		{"arn:aws:iam::*:user/*", "arn:aws:iam::111122223333:role/x", false},
		{"arn:aws:sqs:*:*:*", "*", false},
		{"arn:*:*:*:*:*:*:*", "arn:a:b:c:d:e:f", false},
		{"arn:*:*:*:*:*:*:*", "arn:a:b:c:d:e:f:g", true},
	} {
		rp := compileResource(c.p, true)
		if got := rp.match(c.s, lookup{}); got != c.want {
			t.Errorf("Resource %q vs %q = %v, want %v", c.p, c.s, got, c.want)
		}
		if ref := refResource(c.p, c.s); ref != c.want {
			t.Errorf("refResource(%q, %q) = %v, want %v", c.p, c.s, ref, c.want)
		}
	}
	// Many segment-ending stars and many colons stay fast.
	rp := compileResource("a*:*:*:*:*:z", false)
	if rp.match("a"+strings.Repeat(":b", 1000), lookup{}) {
		t.Error("pathological pattern matched")
	}
}

func TestActionPatterns(t *testing.T) {
	for _, c := range []struct {
		p, s string
		want bool
	}{
		{"*", "sqs:SendMessage", true},
		{"sqs:sendmessage", "SQS:SendMessage", true},
		{"SQS:*", "sqs:ListQueues", true},
		{"iam:*AccessKey*", "iam:ListAccessKeys", true},
		{"sqs:Send*", "sns:SendMessage", false},
		{"sqs:SendMessage", "sqs:SendMessageBatch", false},
	} {
		ap := compileAction(c.p)
		if got := ap.match(c.s); got != c.want {
			t.Errorf("Action %q vs %q = %v, want %v", c.p, c.s, got, c.want)
		}
	}
}

func TestTokenize(t *testing.T) {
	for _, c := range []struct {
		in   string
		want string // tokens rendered: literal text, * ?, {key|default}
	}{
		{"a*b?c", "a * b ? c"},
		{"a**b", "a * b"},
		{"home/${aws:username}/*", "home/ {aws:username} / *"},
		{"${AWS:PrincipalTag/Team, 'x y'}", "{aws:principaltag/team|x y}"},
		{"${ aws:userid ,  'anonymous' }", "{aws:userid|anonymous}"},
		{"${*}${?}${$}", "*?$"},
		{"${aws:username", "${aws:username"},
		{"${}", "${}"},
		{"${a b}", "${a b}"},
		{"${k, x}", "${k, x}"},
		{"$", "$"},
	} {
		var parts []string
		for _, tk := range tokenize(c.in, true, true) {
			switch tk.kind {
			case tStar:
				parts = append(parts, "*")
			case tOne:
				parts = append(parts, "?")
			case tVar:
				v := "{" + tk.text
				if tk.hasDef {
					v += "|" + tk.def
				}
				parts = append(parts, v+"}")
			default:
				parts = append(parts, tk.text)
			}
		}
		if got := strings.Join(parts, " "); got != c.want {
			t.Errorf("tokenize(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// FuzzMatchPattern checks the compiled matchers against the reference
// definitions: StringLike globbing, case-insensitive actions, and
// segment-aware resources.
func FuzzMatchPattern(f *testing.F) {
	for _, seed := range []struct {
		p, s string
	}{
		{"arn:aws:sqs:*:*:*log*", "arn:aws:sqs:us-east-1:111122223333:app-logs"},
		{"arn:aws:sqs:us-*:qA", qA},
		{"arn:aws:s3:::b/*", "arn:aws:s3:::b/x:y"},
		{"a*b?c", "aXbYc"},
		{"*:*", "a:b:c"},
		{"sqs:Send*", "SQS:sendmessage"},
		{"?*?:?", "ab:c"},
		{"arn:aws:iam::*:user/*", "arn:aws:iam::111122223333:user/path/x"},
	} {
		for mode := range uint8(3) {
			f.Add(seed.p, seed.s, mode)
		}
	}
	f.Fuzz(func(t *testing.T, p, s string, mode uint8) {
		if len(p) > 64 || len(s) > 128 || !utf8.ValidString(p) || !utf8.ValidString(s) {
			t.Skip()
		}
		switch mode % 3 {
		case 0:
			if got, want := glob(tokenize(p, true, false), s, false, lookup{}), refGlob(p, s); got != want {
				t.Fatalf("StringLike %q vs %q = %v, reference %v", p, s, got, want)
			}
		case 1:
			if !isASCII(p) || !isASCII(s) {
				t.Skip()
			}
			ap := compileAction(p)
			if got, want := ap.match(s), refGlob(strings.ToLower(p), strings.ToLower(s)); got != want {
				t.Fatalf("Action %q vs %q = %v, reference %v", p, s, got, want)
			}
		case 2:
			rp := compileResource(p, false)
			if got, want := rp.match(s, lookup{}), refResource(p, s); got != want {
				t.Fatalf("Resource %q vs %q = %v, reference %v", p, s, got, want)
			}
		}
	})
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
