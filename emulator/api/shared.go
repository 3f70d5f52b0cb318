package api

import (
	"encoding/xml"
	"sort"
	"strings"
)

// Small rules and shapes that several services share.

// TagConditions are aws:RequestTag/… and aws:TagKeys for a tagging request:
// the tags it sets and the keys it names.
func TagConditions(tags map[string]string, keys []string) map[string][]string {
	if len(tags) == 0 && len(keys) == 0 {
		return nil
	}
	m := make(map[string][]string, len(tags)+1)
	for k, v := range tags {
		m["aws:requesttag/"+strings.ToLower(k)] = []string{v}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	m["aws:tagkeys"] = keys
	return m
}

// ValidMessageAttributeName is SQS's and SNS's rule for message attribute
// names: up to 256 letters, digits, hyphens, underscores and periods; no
// leading, trailing or doubled period; not starting with AWS. or Amazon.
func ValidMessageAttributeName(name string) bool {
	if name == "" || len(name) > 256 || name[0] == '.' || name[len(name)-1] == '.' || strings.Contains(name, "..") {
		return false
	}
	lower := strings.ToLower(name)
	if strings.HasPrefix(lower, "aws.") || strings.HasPrefix(lower, "amazon.") {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

// Members renders a list as the query services render one:
// <X><member>…</member>…</X>, present even when empty.
type Members[T any] []T

func (m Members[T]) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	if err := e.EncodeToken(start); err != nil {
		return err
	}
	member := xml.StartElement{Name: xml.Name{Local: "member"}}
	for _, v := range m {
		if err := e.EncodeElement(v, member); err != nil {
			return err
		}
	}
	return e.EncodeToken(start.End())
}
