package emulator

import (
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"

	"github.com/ferry-emulator/ferry/emulator/api"
	"github.com/ferry-emulator/ferry/emulator/sigv4"
	"github.com/ferry-emulator/ferry/internal/uuid"
)

// maxBodySize bounds a request body. SQS's largest request, a batch of ten
// messages totalling 1 MiB, is a few MiB once form-encoded.
const maxBodySize = 8 << 20

var json10, json11 codec = jsonCodec{version: "1.0"}, jsonCodec{version: "1.1"}

type codec interface {
	writeResult(w http.ResponseWriter, svc *api.Service, req *api.Request, out any)
	writeError(w http.ResponseWriter, svc *api.Service, req *api.Request, e *api.Error)
}

// ServeHTTP routes one request: admin paths, then AWS APIs by credential
// scope, X-Amz-Target and Action (DESIGN §2).
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/_ferry/") || r.URL.Path == "/_ferry" {
		s.serveAdmin(w, r)
		return
	}
	start := s.cfg.Clock()
	req := requests.Get().(*api.Request)
	*req = api.Request{
		ID:     newRequestID(),
		Time:   start,
		Host:   r.Host,
		Scheme: "http",
		Path:   r.URL.Path,
	}
	if r.TLS != nil {
		req.Scheme = "https"
	}
	if s.advertised != "" {
		req.Host = s.advertised
	}
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		req.SourceIP = host
	}
	req.Log = s.log

	var (
		svc   *api.Service
		cd    codec = queryCodec{}
		ident Identity
	)
	status := http.StatusOK
	code := ""
	fail := func(e *api.Error) {
		status, code = e.Status, e.WireCode()
		cd.writeError(w, svc, req, e)
	}
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			s.log.Error("panic serving request", "requestId", req.ID, "action", req.Action, "panic", p, "stack", string(debug.Stack()))
			fail(api.InternalFailure())
		}
		took := s.cfg.Clock().Sub(start)
		s.metrics.observe(req.Service, req.Action, code, took)
		if s.log.Enabled(r.Context(), slog.LevelDebug) {
			s.log.Debug("request", "requestId", req.ID, "service", req.Service, "action", req.Action,
				"account", req.Account, "status", status, "duration", took)
		}
		*req = api.Request{}
		requests.Put(req)
	}()

	sig, sigErr := sigv4.Parse(r)
	if sig != nil {
		defer sig.Release()
	}
	target := r.Header.Get("X-Amz-Target")
	var impl service
	if sig != nil {
		name := sig.Service
		if name == "execute-api" {
			name = "iot" // how botocore and older CLIs sign the IoT control plane
		}
		impl = s.services[name]
	}
	if impl == nil && target != "" {
		prefix, _, _ := strings.Cut(target, ".")
		impl = s.byTarget[prefix]
	}
	if impl != nil {
		svc = impl.API()
	}
	// A JSON content type without X-Amz-Target is still a JSON-protocol
	// caller: it gets its error in JSON.
	jsonCT := strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-amz-json-")
	if svc != nil && svc.REST {
		cd = restCodec{}
	} else if target != "" || jsonCT {
		version := "1.0"
		if svc != nil && svc.JSONVersion != "" {
			version = svc.JSONVersion
		} else if ct := r.Header.Get("Content-Type"); strings.HasPrefix(ct, "application/x-amz-json-") {
			version = strings.TrimPrefix(ct, "application/x-amz-json-")
		}
		switch version {
		case "1.0":
			cd = json10 // prebuilt: an interface made of a struct allocates
		case "1.1":
			cd = json11
		default:
			cd = jsonCodec{version: version}
		}
		req.Protocol = api.ProtocolJSON10
		if version == "1.1" {
			req.Protocol = api.ProtocolJSON11
		}
	}

	body, err := readBody(r)
	if err != nil {
		fail(err)
		return
	}
	if sigErr != nil {
		if usvc, action, values := s.unsignedCall(r, body, sigErr); action != nil {
			svc = usvc
			status, code = s.serveUnsigned(w, r, req, usvc, action, values)
			return
		}
		fail(asSigError(sigErr))
		return
	}
	if impl == nil {
		fail(&api.Error{Code: "InvalidClientTokenId", Status: 403,
			Message: "Credential should be scoped to correct service: '" + sig.Service + "'."})
		return
	}
	req.Service = svc.SigningName
	req.Region = sig.Region
	req.AccessKeyID = sig.AccessKeyID

	ident, ok := s.lookupCredentials(sig.AccessKeyID)
	if !ok {
		fail(asSigError(sigv4.InvalidClientTokenID()))
		return
	}
	if err := sig.Verify(r, body, ident.Secret, start); err != nil {
		fail(asSigError(err))
		return
	}
	if ident.SessionToken != "" || sig.SessionToken != "" {
		if sig.SessionToken != ident.SessionToken {
			fail(asSigError(sigv4.InvalidClientTokenID()))
			return
		}
		if !ident.Expires.IsZero() && !start.Before(ident.Expires) {
			fail(asSigError(sigv4.ExpiredToken()))
			return
		}
	}
	req.Principal = ident.Principal
	req.Account = ident.Principal.Account

	var action *api.Action
	var in any
	if svc.REST {
		var e *api.Error
		if action, in, e = s.decodeREST(svc, r, body); e != nil {
			fail(e)
			return
		}
		req.Action = action.Name
	} else if target != "" {
		prefix, name, _ := strings.Cut(target, ".")
		if prefix != svc.TargetPrefix || svc.JSONVersion == "" {
			fail(api.UnknownOperation(target))
			return
		}
		if action = svc.Actions[name]; action == nil {
			fail(api.UnknownOperation(target))
			return
		}
		req.Action = name
		in = action.NewInput()
		if err := decodeJSON(body, in); err != nil {
			fail(api.AsError(err))
			return
		}
	} else {
		if !svc.QueryProtocol || jsonCT {
			fail(api.UnknownOperation(""))
			return
		}
		values, err := formValues(r, body)
		if err != nil {
			fail(api.MalformedQueryString(err.Error()))
			return
		}
		name := values.Get("Action")
		if name == "" {
			fail(api.MissingParameter("Action"))
			return
		}
		if action = svc.Actions[name]; action == nil {
			fail(api.InvalidAction(name))
			return
		}
		req.Action = name
		in = action.NewInput()
		if err := decodeQuery(values, in); err != nil {
			fail(api.AsError(err))
			return
		}
	}

	if e := s.authorize(r.Context(), svc, action, req, in); e != nil {
		fail(e)
		return
	}
	out, callErr := action.Call(r.Context(), req, in)
	if callErr != nil {
		var ae *api.Error
		if !errors.As(callErr, &ae) {
			s.log.Error("action failed", "requestId", req.ID, "action", req.Action, "err", callErr)
			ae = api.InternalFailure()
		}
		fail(ae)
		return
	}
	cd.writeResult(w, svc, req, out)
}

func readBody(r *http.Request) ([]byte, *api.Error) {
	if r.ContentLength > maxBodySize {
		return nil, api.Errorf("RequestEntityTooLarge", http.StatusRequestEntityTooLarge,
			"Request body must be at most %d bytes.", maxBodySize)
	}
	var body []byte
	var err error
	if r.ContentLength > 0 {
		body = make([]byte, r.ContentLength)
		_, err = io.ReadFull(r.Body, body)
	} else {
		body, err = io.ReadAll(io.LimitReader(r.Body, maxBodySize+1))
		if len(body) > maxBodySize {
			return nil, api.Errorf("RequestEntityTooLarge", http.StatusRequestEntityTooLarge,
				"Request body must be at most %d bytes.", maxBodySize)
		}
	}
	if err != nil {
		return nil, api.Errorf("IncompleteBody", 400, "The request body could not be read.")
	}
	return body, nil
}

// formValues merges the URL query and a form-encoded body.
func formValues(r *http.Request, body []byte) (url.Values, error) {
	values, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, err
	}
	if len(body) > 0 {
		bv, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, err
		}
		for k, v := range bv {
			values[k] = append(values[k], v...)
		}
	}
	return values, nil
}

func asSigError(err error) *api.Error {
	var se *sigv4.Error
	if errors.As(err, &se) {
		return &api.Error{Code: se.Code, Status: se.Status, Message: se.Message}
	}
	return api.InternalFailure()
}

// newRequestID returns a random id in UUID form, as AWS's request ids are.
func newRequestID() string { return uuid.New() }
