package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"sync"

	"github.com/ferry-emulator/ferry/emulator/api"
)

// The AWS JSON 1.0 and 1.1 protocols: X-Amz-Target names the operation, the
// body is the input as JSON, the response is the output as JSON.
// https://smithy.io/2.0/aws/protocols/aws-json-1_0-protocol.html

func decodeJSON(body []byte, dst any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	if f, ok := dst.(api.FlatJSONDecoder); ok {
		if api.DecodeFlatJSON(body, f) {
			return nil
		}
		reflect.ValueOf(dst).Elem().SetZero() // undo a partial fast decode
	}
	if err := json.Unmarshal(body, dst); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return api.SerializationError("Value for member " + te.Field + " has the wrong type: expected " + te.Type.String())
		}
		return api.SerializationError("Request body is not valid JSON: " + err.Error())
	}
	return nil
}

type jsonCodec struct{ version string }

// Header values shared by every response; the slices are never modified.
var (
	contentTypeJSON10 = []string{"application/x-amz-json-1.0"}
	contentTypeJSON11 = []string{"application/x-amz-json-1.1"}
	contentTypeXML    = []string{"text/xml"}
)

// setHeaders sets the headers every response carries, assigning canonical
// keys directly to skip Header.Set's per-call work on the hot path.
func setHeaders(h http.Header, contentType []string, requestID string) {
	h["Content-Type"] = contentType
	h["X-Amzn-Requestid"] = []string{requestID}
}

func (c jsonCodec) contentType() []string {
	if c.version == "1.1" {
		return contentTypeJSON11
	}
	return contentTypeJSON10
}

func (c jsonCodec) writeResult(w http.ResponseWriter, _ *api.Service, req *api.Request, out any) {
	h := w.Header()
	setHeaders(h, c.contentType(), req.ID)
	buf := getBuffer()
	defer putBuffer(buf)
	if out == nil {
		buf.WriteString("{}")
	} else if a, ok := out.(api.JSONAppender); ok {
		buf.Write(a.AppendJSON(buf.AvailableBuffer()))
	} else if err := json.NewEncoder(buf).Encode(out); err != nil {
		req.Log.Error("encoding JSON result", "err", err)
		c.writeError(w, nil, req, api.InternalFailure())
		return
	}
	w.WriteHeader(http.StatusOK)
	w.Write(bytes.TrimRight(buf.Bytes(), "\n"))
}

func (c jsonCodec) writeError(w http.ResponseWriter, svc *api.Service, req *api.Request, e *api.Error) {
	h := w.Header()
	setHeaders(h, c.contentType(), req.ID)
	typ := e.JSONType
	if typ == "" {
		typ = e.Code
		if svc != nil && svc.JSONNamespace != "" {
			typ = svc.JSONNamespace + "#" + e.Code
		}
	}
	if svc == nil || svc.QueryCompatible {
		// awsQueryCompatible services tell query-era SDKs the legacy code.
		h.Set("x-amzn-query-error", e.WireCode()+";"+e.Fault())
	}
	w.WriteHeader(e.Status)
	body, _ := json.Marshal(struct {
		Type    string `json:"__type"`
		Message string `json:"message"`
	}{typ, e.Message})
	w.Write(body)
}

var buffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func getBuffer() *bytes.Buffer { return buffers.Get().(*bytes.Buffer) }

func putBuffer(b *bytes.Buffer) {
	if b.Cap() > 1<<20 {
		return // let oversized buffers go rather than pin them
	}
	b.Reset()
	buffers.Put(b)
}
