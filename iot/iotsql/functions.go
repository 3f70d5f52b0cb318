package iotsql

import "strings"

// function is one built-in of DG/iot-sql-functions. Each functions_*.go
// file declares a family in a table; functions is their union, by
// lower-case name.
type function struct {
	name    string
	minArgs int
	maxArgs int      // -1: any number
	since   sqlLevel // the first SQL version that has it
	call    func(e *env, n *callNode, args []value) value
	// prepare checks and precomputes from literal arguments at parse time
	// (a regular expression, a time pattern, an encoding scheme).
	prepare func(p *parser, name token, n *callNode)
	// rawStar: a * argument stands for the payload's bytes, JSON or not,
	// so it needs no decoding (encode(*, 'base64')).
	rawStar bool
}

var functions = functionTable(
	contextFunctions,
	jsonFunctions,
	stringFunctions,
	mathFunctions,
	hashFunctions,
	timeFunctions,
)

// externalFunctions call other services (DG/iot-sql-functions: billed
// like actions, need a roleArn). AWS has them; this engine refuses them
// with an UnsupportedError. The value is the first version that has them.
var externalFunctions = map[string]sqlLevel{
	"aws_lambda":              level1,
	"get_dynamodb":            level2,
	"get_registry_data":       level1,
	"get_secret":              level1,
	"get_thing_shadow":        level2,
	"machinelearning_predict": level1,
}

func functionTable(families ...[]function) map[string]*function {
	t := map[string]*function{}
	for _, family := range families {
		for i := range family {
			f := &family[i]
			t[strings.ToLower(f.name)] = f
		}
	}
	return t
}

// FunctionNames lists the functions this engine evaluates, in lower case.
func FunctionNames() []string {
	names := make([]string, 0, len(functions)+1)
	for name := range functions {
		names = append(names, name)
	}
	return append(names, "cast")
}
