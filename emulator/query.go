package emulator

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"github.com/ferry-emulator/ferry/emulator/api"
)

// The query protocol: form-encoded parameters in, XML out.
// https://smithy.io/2.0/aws/protocols/aws-query-protocol.html
//
// Input structs name their parameters with `query` tags (default: the json
// name). Lists and maps are "flattened" as SQS and SNS send them:
//
//	[]string          X.1, X.2
//	[]struct          X.1.Field
//	map[string]T      X.1.<key>, X.1.<value>  (key/value names from qkey/qvalue tags, default Name/Value)
//	struct            X.Field
//	[]byte            base64
//
// Indexes run from 1 upward; decoding a list stops at the first gap.

type queryField struct {
	index     int
	name      string
	keyName   string
	valueName string
}

type queryStruct struct {
	fields []queryField
}

var queryStructs sync.Map // reflect.Type -> *queryStruct

func queryInfo(t reflect.Type) *queryStruct {
	if v, ok := queryStructs.Load(t); ok {
		return v.(*queryStruct)
	}
	info := &queryStruct{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name := f.Tag.Get("query")
		if name == "-" {
			continue
		}
		if name == "" {
			name, _, _ = strings.Cut(f.Tag.Get("json"), ",")
		}
		if name == "" || name == "-" {
			name = f.Name
		}
		qf := queryField{index: i, name: name, keyName: "Name", valueName: "Value"}
		if k := f.Tag.Get("qkey"); k != "" {
			qf.keyName = k
		}
		if v := f.Tag.Get("qvalue"); v != "" {
			qf.valueName = v
		}
		info.fields = append(info.fields, qf)
	}
	v, _ := queryStructs.LoadOrStore(t, info)
	return v.(*queryStruct)
}

// queryValues are the request's parameters plus an index of key prefixes, so
// that finding "X.3." among them is cheap.
type queryValues struct {
	values   url.Values
	prefixes map[string]struct{}
}

func newQueryValues(v url.Values) *queryValues {
	qv := &queryValues{values: v, prefixes: make(map[string]struct{}, len(v)*2)}
	for k := range v {
		for i := 0; i < len(k); i++ {
			if k[i] == '.' {
				qv.prefixes[k[:i+1]] = struct{}{}
			}
		}
	}
	return qv
}

func (q *queryValues) get(key string) (string, bool) {
	vs, ok := q.values[key]
	if !ok || len(vs) == 0 {
		return "", false
	}
	return vs[0], true
}

func (q *queryValues) hasPrefix(p string) bool {
	_, ok := q.prefixes[p]
	return ok
}

func decodeQuery(values url.Values, dst any) error {
	v := reflect.ValueOf(dst).Elem()
	return decodeQueryStruct(newQueryValues(values), "", v)
}

func decodeQueryStruct(q *queryValues, prefix string, v reflect.Value) error {
	info := queryInfo(v.Type())
	for _, f := range info.fields {
		if err := decodeQueryValue(q, prefix+f.name, &f, v.Field(f.index)); err != nil {
			return err
		}
	}
	return nil
}

func decodeQueryValue(q *queryValues, key string, f *queryField, v reflect.Value) error {
	t := v.Type()
	switch t.Kind() {
	case reflect.Pointer:
		if t.Elem().Kind() == reflect.Struct {
			if !q.hasPrefix(key + ".") {
				return nil
			}
		} else if _, ok := q.get(key); !ok {
			return nil
		}
		p := reflect.New(t.Elem())
		if err := decodeQueryValue(q, key, f, p.Elem()); err != nil {
			return err
		}
		v.Set(p)
		return nil
	case reflect.Struct:
		return decodeQueryStruct(q, key+".", v)
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			s, ok := q.get(key)
			if !ok {
				return nil
			}
			b, err := base64.StdEncoding.DecodeString(s)
			if err != nil {
				return api.InvalidParameterValue("Value for parameter %s is invalid. Reason: not valid base64.", key)
			}
			v.SetBytes(b)
			return nil
		}
		return decodeQueryList(q, key, f, v)
	case reflect.Map:
		return decodeQueryMap(q, key, f, v)
	}
	s, ok := q.get(key)
	if !ok {
		return nil
	}
	return setScalar(v, key, s)
}

func decodeQueryList(q *queryValues, key string, f *queryField, v reflect.Value) error {
	et := v.Type().Elem()
	scalar := et.Kind() != reflect.Struct && et.Kind() != reflect.Map
	var out reflect.Value
	for i := 1; ; i++ {
		ik := key + "." + strconv.Itoa(i)
		if scalar {
			if _, ok := q.get(ik); !ok {
				break
			}
		} else if !q.hasPrefix(ik + ".") {
			break
		}
		if !out.IsValid() {
			out = reflect.MakeSlice(v.Type(), 0, 4)
		}
		elem := reflect.New(et).Elem()
		if err := decodeQueryValue(q, ik, f, elem); err != nil {
			return err
		}
		out = reflect.Append(out, elem)
	}
	if out.IsValid() {
		v.Set(out)
	}
	return nil
}

func decodeQueryMap(q *queryValues, key string, f *queryField, v reflect.Value) error {
	t := v.Type()
	if t.Key().Kind() != reflect.String {
		return nil
	}
	for i := 1; ; i++ {
		ik := key + "." + strconv.Itoa(i) + "."
		if !q.hasPrefix(ik) {
			break
		}
		name, ok := q.get(ik + f.keyName)
		if !ok {
			return api.MissingParameter(ik + f.keyName)
		}
		if v.IsNil() {
			v.Set(reflect.MakeMap(t))
		}
		elem := reflect.New(t.Elem()).Elem()
		if err := decodeQueryValue(q, ik+f.valueName, f, elem); err != nil {
			return err
		}
		v.SetMapIndex(reflect.ValueOf(name).Convert(t.Key()), elem)
	}
	return nil
}

func setScalar(v reflect.Value, key, s string) error {
	switch v.Kind() {
	case reflect.String:
		v.SetString(s)
	case reflect.Bool:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return api.InvalidParameterValue("Value %s for parameter %s is invalid. Reason: must be a boolean.", s, key)
		}
		v.SetBool(b)
	case reflect.Int, reflect.Int32, reflect.Int64:
		n, err := strconv.ParseInt(s, 10, v.Type().Bits())
		if err != nil {
			return api.InvalidParameterValue("Value %s for parameter %s is invalid. Reason: must be an integer.", s, key)
		}
		v.SetInt(n)
	case reflect.Float64:
		n, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return api.InvalidParameterValue("Value %s for parameter %s is invalid. Reason: must be a number.", s, key)
		}
		v.SetFloat(n)
	}
	return nil
}

// xmlEncoder is an encoder with the buffer it writes to, pooled: making
// an xml.Encoder allocates a 4 KiB bufio.Writer, too much for every
// response. A complete EncodeElement leaves the encoder with no open
// element, ready for the next.
type xmlEncoder struct {
	buf bytes.Buffer
	enc *xml.Encoder
}

func newXMLEncoder() *xmlEncoder {
	x := &xmlEncoder{}
	x.enc = xml.NewEncoder(&x.buf)
	return x
}

var xmlEncoders = sync.Pool{New: func() any { return newXMLEncoder() }}

// queryCodec renders query protocol results and errors as XML.
type queryCodec struct{}

var xmlHeader = []byte(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")

func (queryCodec) writeResult(w http.ResponseWriter, svc *api.Service, req *api.Request, out any) {
	h := w.Header()
	setHeaders(h, contentTypeXML, req.ID)
	w.WriteHeader(http.StatusOK)
	buf := getBuffer()
	defer putBuffer(buf)
	buf.Write(xmlHeader)
	buf.WriteString("<" + req.Action + `Response xmlns="` + svc.XMLNamespace + `">`)
	if out != nil {
		x := xmlEncoders.Get().(*xmlEncoder)
		if err := x.enc.EncodeElement(out, xml.StartElement{Name: xml.Name{Local: req.Action + "Result"}}); err != nil {
			req.Log.Error("encoding XML result", "err", err)
			x = newXMLEncoder() // an encoder that failed midway may hold a partial element
		} else {
			x.enc.Flush()
			buf.Write(x.buf.Bytes())
		}
		x.buf.Reset()
		if x.buf.Cap() <= 1<<20 {
			xmlEncoders.Put(x)
		}
	}
	buf.WriteString("<ResponseMetadata><RequestId>" + req.ID + "</RequestId></ResponseMetadata></" + req.Action + "Response>")
	w.Write(buf.Bytes())
}

func (queryCodec) writeError(w http.ResponseWriter, svc *api.Service, req *api.Request, e *api.Error) {
	ns := "https://sqs.amazonaws.com/doc/2012-11-05/"
	if svc != nil && svc.XMLNamespace != "" {
		ns = svc.XMLNamespace
	}
	h := w.Header()
	setHeaders(h, contentTypeXML, req.ID)
	w.WriteHeader(e.Status)
	buf := getBuffer()
	defer putBuffer(buf)
	buf.Write(xmlHeader)
	buf.WriteString(`<ErrorResponse xmlns="` + ns + `"><Error><Type>` + e.Fault() + "</Type><Code>")
	xml.EscapeText(buf, []byte(e.WireCode()))
	buf.WriteString("</Code><Message>")
	xml.EscapeText(buf, []byte(e.Message))
	buf.WriteString("</Message><Detail/></Error><RequestId>" + req.ID + "</RequestId></ErrorResponse>")
	w.Write(buf.Bytes())
}
