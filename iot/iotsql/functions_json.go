package iotsql

import (
	"encoding/base64"
	"strings"
)

// Encoding and JSON functions (DG/iot-sql-functions).
var jsonFunctions = []function{
	{name: "encode", minArgs: 2, maxArgs: 2, since: level2, call: fnEncode, prepare: prepareScheme, rawStar: true},
	{name: "decode", minArgs: 2, maxArgs: -1, since: level2, call: fnDecode, prepare: prepareDecode},
	{name: "get", minArgs: 2, maxArgs: 2, since: level1, call: fnGet},
	{name: "get_or_default", minArgs: 2, maxArgs: 2, since: level2, call: fnGetOrDefault},
	{name: "isNull", minArgs: 1, maxArgs: 1, since: level1, call: fnIsNull},
	{name: "isUndefined", minArgs: 1, maxArgs: 1, since: level2, call: fnIsUndefined},
	{name: "transform", minArgs: 3, maxArgs: 3, since: level2, call: fnTransform, prepare: prepareTransform},
}

// prepareScheme refuses a literal scheme other than base64, the only one
// encode and decode document for JSON values.
func prepareScheme(p *parser, name token, n *callNode) {
	if s, ok := literalString(n.args[1]); ok && !strings.EqualFold(s, "base64") {
		p.fail(name, "Unsupported encoding scheme '"+s+"' for "+strings.ToLower(name.text))
	}
}

// prepareDecode accepts decode(value, 'base64'); protobuf decoding
// (decode(*, 'proto', …)) needs descriptor files from S3 and is refused as
// unsupported.
func prepareDecode(p *parser, name token, n *callNode) {
	if s, ok := literalString(n.args[1]); ok && strings.EqualFold(s, "proto") {
		if p.unsupported == "" {
			p.unsupported = "decode (protobuf)"
		}
		return
	}
	if len(n.args) != 2 {
		p.fail(name, "Wrong number of arguments for function decode")
	}
	prepareScheme(p, name, n)
}

func isBase64Scheme(v value) bool {
	return v.k == kindString && strings.EqualFold(v.s, "base64")
}

// fnEncode base64-encodes a value converted to String, or with * the
// payload's bytes whether or not they are JSON.
func fnEncode(e *env, n *callNode, args []value) value {
	if !isBase64Scheme(args[1]) {
		return undefined
	}
	if _, star := n.args[0].(*starNode); star {
		return strV(base64.StdEncoding.EncodeToString(e.m.Payload))
	}
	s, ok := toString(args[0])
	if !ok {
		return undefined
	}
	return strV(base64.StdEncoding.EncodeToString([]byte(s)))
}

// fnDecode decodes base64: a JSON document becomes an addressable value,
// other text a String; undecodable input is Null.
func fnDecode(e *env, _ *callNode, args []value) value {
	if !isBase64Scheme(args[1]) || args[0].k != kindString {
		return undefined
	}
	raw, err := base64.StdEncoding.DecodeString(args[0].s)
	if err != nil {
		if raw, err = base64.RawStdEncoding.DecodeString(args[0].s); err != nil {
			return null
		}
	}
	text := string(raw)
	if t := strings.TrimLeft(text, " \t\r\n"); t != "" && (t[0] == '{' || t[0] == '[') {
		if v, ok := decodeJSON(text); ok {
			return v
		}
	}
	return strV(text)
}

func fnGet(_ *env, _ *callNode, args []value) value {
	return getElement(args[0], args[1])
}

// fnGetOrDefault is the first argument unless it is Undefined or Null.
func fnGetOrDefault(_ *env, _ *callNode, args []value) value {
	if args[0].k == kindUndefined || args[0].k == kindNull {
		return args[1]
	}
	return args[0]
}

func fnIsNull(_ *env, _ *callNode, args []value) value {
	return boolV(args[0].k == kindNull)
}

func fnIsUndefined(_ *env, _ *callNode, args []value) value {
	return boolV(args[0].k == kindUndefined)
}

const enrichArray = "enrichArray"

func prepareTransform(p *parser, name token, n *callNode) {
	if s, ok := literalString(n.args[0]); ok && s != enrichArray {
		p.fail(name, "Unsupported transform mode '"+s+"'")
	}
}

// fnTransform's only mode, enrichArray, adds the object's attributes to
// every object of the array.
func fnTransform(_ *env, _ *callNode, args []value) value {
	if args[0].k != kindString || args[0].s != enrichArray ||
		args[1].k != kindObject || args[2].k != kindArray {
		return undefined
	}
	attrs := args[1].obj()
	elems := args[2].arr()
	out := make([]value, 0, len(elems))
	for _, el := range elems {
		if el.k != kindObject {
			return undefined
		}
		o := el.obj().clone()
		for i, k := range attrs.keys {
			o.set(k, attrs.vals[i])
		}
		out = append(out, objV(o))
	}
	return arrV(out)
}
