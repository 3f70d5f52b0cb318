package emulator

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/ferry-emulator/ferry/emulator/api"
	"github.com/ferry-emulator/ferry/emulator/sigv4"
)

// Unsigned requests that AWS accepts: the SubscribeURL and UnsubscribeURL
// SNS puts in its messages, opened by whoever holds the message (DESIGN
// §3). They are served as query-protocol calls by an anonymous caller;
// the action itself checks what the URL carries (the token).

// unsignedCall finds the action an unsigned request names, or nil when the
// request is not one AWS accepts without a signature.
func (s *Server) unsignedCall(r *http.Request, body []byte, sigErr error) (*api.Service, *api.Action, url.Values) {
	var se *sigv4.Error
	if !errors.As(sigErr, &se) || se.Code != sigv4.CodeMissingAuthenticationToken {
		return nil, nil, nil
	}
	if r.Header.Get("X-Amz-Target") != "" {
		return nil, nil, nil
	}
	values, err := formValues(r, body)
	if err != nil {
		return nil, nil, nil
	}
	name := values.Get("Action")
	for _, impl := range s.services {
		svc := impl.API()
		if a := svc.Unsigned[name]; a != nil {
			return svc, a, values
		}
	}
	return nil, nil, nil
}

// serveUnsigned answers an unsigned call. The region is the one in the ARN
// the URL names, as the host of AWS's URL would say.
func (s *Server) serveUnsigned(w http.ResponseWriter, r *http.Request, req *api.Request, svc *api.Service, action *api.Action, values url.Values) (status int, code string) {
	cd := queryCodec{}
	req.Service, req.Action = svc.SigningName, action.Name
	req.Principal = api.Principal{ARN: "anonymous", Type: api.PrincipalAnonymous}
	for _, p := range []string{"TopicArn", "SubscriptionArn"} {
		if parts := strings.SplitN(values.Get(p), ":", 6); len(parts) == 6 {
			req.Region = parts[3]
			break
		}
	}
	in := action.NewInput()
	if err := decodeQuery(values, in); err != nil {
		e := api.AsError(err)
		cd.writeError(w, svc, req, e)
		return e.Status, e.WireCode()
	}
	out, err := action.Call(r.Context(), req, in)
	if err != nil {
		e := api.AsError(err)
		cd.writeError(w, svc, req, e)
		return e.Status, e.WireCode()
	}
	cd.writeResult(w, svc, req, out)
	return http.StatusOK, ""
}
