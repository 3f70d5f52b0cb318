package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"github.com/gorilla/mux"

	"github.com/ferry-emulator/ferry/emulator/api"
)

// The REST-JSON protocol (AWS IoT): the method and path name the
// operation, path labels, query parameters and headers carry some members
// and the body the rest; results are JSON and errors are JSON with the
// code in X-Amzn-ErrorType.
// https://smithy.io/2.0/aws/protocols/aws-restjson1-protocol.html

// restRoutes matches a REST service's requests to its actions.
type restRoutes struct {
	router *mux.Router
}

func newRESTRoutes(svc *api.Service) *restRoutes {
	// Encoded paths: an IoT topic is one label with its slashes escaped
	// (/topics/a%2Fb), so labels must be cut before unescaping.
	r := mux.NewRouter().UseEncodedPath()
	for name, a := range svc.Actions {
		if a.Path != "" {
			r.Methods(a.Method).Path(a.Path).Name(name)
		}
	}
	return &restRoutes{router: r}
}

// match finds the action for a request and its unescaped path labels.
func (rr *restRoutes) match(r *http.Request) (string, map[string]string, bool) {
	var m mux.RouteMatch
	if !rr.router.Match(r, &m) || m.Route == nil {
		return "", nil, false
	}
	vars := make(map[string]string, len(m.Vars))
	for k, v := range m.Vars {
		u, err := url.PathUnescape(v)
		if err != nil {
			return "", nil, false
		}
		vars[k] = u
	}
	return m.Route.GetName(), vars, true
}

// restRouter returns the service's routes, built on first use.
func (s *Server) restRouter(svc *api.Service) *restRoutes {
	if v, ok := s.rest.Load(svc); ok {
		return v.(*restRoutes)
	}
	v, _ := s.rest.LoadOrStore(svc, newRESTRoutes(svc))
	return v.(*restRoutes)
}

// decodeREST finds the action for r and fills its input.
func (s *Server) decodeREST(svc *api.Service, r *http.Request, body []byte) (*api.Action, any, *api.Error) {
	name, vars, ok := s.restRouter(svc).match(r)
	if !ok {
		return nil, nil, &api.Error{Code: "UnknownOperationException", Status: http.StatusNotFound,
			Message: "No operation matches " + r.Method + " " + r.URL.Path + "."}
	}
	action := svc.Actions[name]
	in := action.NewInput()
	if err := bindREST(in, vars, r, body); err != nil {
		if svc.BadRequest != nil {
			return nil, nil, svc.BadRequest(err.Error())
		}
		return nil, nil, api.SerializationError(err.Error())
	}
	return action, in, nil
}

// restField is where one input member comes from.
type restField struct {
	index []int
	where string // uri, query, header, payload
	name  string
}

var restFields sync.Map // reflect.Type -> []restField

func restFieldsOf(t reflect.Type) []restField {
	if v, ok := restFields.Load(t); ok {
		return v.([]restField)
	}
	var fs []restField
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag, ok := f.Tag.Lookup("rest")
		if !ok {
			continue
		}
		where, name, _ := strings.Cut(tag, "=")
		fs = append(fs, restField{index: f.Index, where: where, name: name})
	}
	restFields.Store(t, fs)
	return fs
}

// bindREST fills in (a pointer to a struct) from the path labels, the
// query, the headers and the body.
func bindREST(in any, vars map[string]string, r *http.Request, body []byte) error {
	v := reflect.ValueOf(in).Elem()
	fields := restFieldsOf(v.Type())
	payload := false
	for _, f := range fields {
		if f.where == "payload" {
			payload = true
		}
	}
	if !payload && len(bytes.TrimSpace(body)) > 0 {
		if err := json.Unmarshal(body, in); err != nil {
			return bodyError(err)
		}
	}
	query := r.URL.Query()
	for _, f := range fields {
		fv := v.FieldByIndex(f.index)
		switch f.where {
		case "uri":
			if err := setRESTScalar(fv, vars[f.name], f.name); err != nil {
				return err
			}
		case "query":
			if vals, ok := query[f.name]; ok && len(vals) > 0 {
				if err := setRESTScalar(fv, vals[0], f.name); err != nil {
					return err
				}
			}
		case "header":
			if h := r.Header.Values(f.name); len(h) > 0 {
				if err := setRESTScalar(fv, h[0], f.name); err != nil {
					return err
				}
			}
		case "payload":
			if fv.Kind() == reflect.Slice && fv.Type().Elem().Kind() == reflect.Uint8 {
				fv.SetBytes(body)
				continue
			}
			if len(bytes.TrimSpace(body)) == 0 {
				continue
			}
			if err := json.Unmarshal(body, fv.Addr().Interface()); err != nil {
				return bodyError(err)
			}
		}
	}
	return nil
}

// inputError is a message for the caller about its input, written as AWS
// writes its messages.
type inputError string

func (e inputError) Error() string { return string(e) }

func inputErrorf(format string, args ...any) error { return inputError(fmt.Sprintf(format, args...)) }

func bodyError(err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return inputErrorf("Value for member %s has the wrong type: expected %s", te.Field, te.Type)
	}
	return inputErrorf("The request body is not valid JSON: %v", err)
}

// setRESTScalar parses s into a string, bool or integer member (or a pointer
// to one).
func setRESTScalar(fv reflect.Value, s, name string) error {
	if fv.Kind() == reflect.Pointer {
		p := reflect.New(fv.Type().Elem())
		if err := setRESTScalar(p.Elem(), s, name); err != nil {
			return err
		}
		fv.Set(p)
		return nil
	}
	switch fv.Kind() {
	case reflect.String:
		fv.SetString(s)
	case reflect.Bool:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return inputErrorf("Value %q for %s is not a boolean", s, name)
		}
		fv.SetBool(b)
	case reflect.Int, reflect.Int32, reflect.Int64:
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || fv.OverflowInt(n) {
			return inputErrorf("Value %q for %s is not an integer", s, name)
		}
		fv.SetInt(n)
	default:
		return fmt.Errorf("member %s has an unsupported type %s", name, fv.Type())
	}
	return nil
}

type restCodec struct{}

var contentTypeRESTJSON = []string{"application/json"}

func (restCodec) writeResult(w http.ResponseWriter, _ *api.Service, req *api.Request, out any) {
	setHeaders(w.Header(), contentTypeRESTJSON, req.ID)
	buf := getBuffer()
	defer putBuffer(buf)
	if out == nil {
		buf.WriteString("{}")
	} else if err := json.NewEncoder(buf).Encode(out); err != nil {
		req.Log.Error("encoding JSON result", "err", err)
		restCodec{}.writeError(w, nil, req, api.InternalFailure())
		return
	}
	w.WriteHeader(http.StatusOK)
	w.Write(bytes.TrimRight(buf.Bytes(), "\n"))
}

func (restCodec) writeError(w http.ResponseWriter, _ *api.Service, req *api.Request, e *api.Error) {
	h := w.Header()
	setHeaders(h, contentTypeRESTJSON, req.ID)
	h["X-Amzn-Errortype"] = []string{e.Code}
	w.WriteHeader(e.Status)
	body, _ := json.Marshal(struct {
		Message string `json:"message"`
	}{e.Message})
	w.Write(body)
}
