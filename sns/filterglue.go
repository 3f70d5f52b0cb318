package sns

import "github.com/ferry-emulator/ferry/sns/filter"

const filterScopeBody = filter.MessageBody

// filterAttributes presents a message's attributes to the filter engine.
func filterAttributes(attrs map[string]MessageAttributeValue) map[string]filter.Attribute {
	out := make(map[string]filter.Attribute, len(attrs))
	for name, v := range attrs {
		out[name] = filter.Attribute{Type: v.DataType, Value: attributeText(v)}
	}
	return out
}
