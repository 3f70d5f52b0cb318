package filter

// Scope is what a filter policy looks at: the subscription attribute
// FilterPolicyScope.
type Scope int

const (
	// MessageAttributes filters on the message attributes (the default).
	MessageAttributes Scope = iota
	// MessageBody filters on the message body, which must be a JSON object.
	MessageBody
)

// String returns the attribute value AWS uses for the scope.
func (s Scope) String() string {
	if s == MessageBody {
		return "MessageBody"
	}
	return "MessageAttributes"
}

// ParseScope maps a FilterPolicyScope attribute value to a Scope. The empty
// string is the default scope, MessageAttributes. Any other value is an error
// whose text is what AWS returns after "Invalid parameter: ".
func ParseScope(s string) (Scope, error) {
	switch s {
	case "", "MessageAttributes":
		return MessageAttributes, nil
	case "MessageBody":
		return MessageBody, nil
	}
	return MessageAttributes, &Error{Message: "FilterPolicyScope: Invalid value [" + s +
		"]. Please use either MessageBody or MessageAttributes"}
}
