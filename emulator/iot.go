package emulator

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"net"

	"github.com/ferry-emulator/ferry/emulator/api"
	"github.com/ferry-emulator/ferry/sts"
)

// How AWS IoT plugs into the rest of ferry: MQTT clients authenticate with
// the same credentials as API callers and are authorized by the same
// policy engine; rules assume their roles through STS as iot.amazonaws.com.

// mqttAuthenticate resolves an MQTT client's username (access key id)
// and password (secret access key). An STS session's key is accepted
// with its secret alone, since MQTT has nowhere to put the token; its
// expiry still holds.
func (s *Server) mqttAuthenticate(accessKeyID, secret string) (api.Principal, bool) {
	ident, ok := s.lookupCredentials(accessKeyID)
	if !ok || subtle.ConstantTimeCompare([]byte(ident.Secret), []byte(secret)) != 1 {
		return api.Principal{}, false
	}
	if !ident.Expires.IsZero() && !s.cfg.Clock().Before(ident.Expires) {
		return api.Principal{}, false
	}
	return ident.Principal, true
}

// mqttAuthorize decides an MQTT client's iot:Connect, iot:Publish,
// iot:RetainPublish, iot:Subscribe and iot:Receive, and records the
// decision in the audit trail like any other. An anonymous client stands
// for account 000000000000 as its root does.
func (s *Server) mqttAuthorize(p api.Principal, region, action, resource string) bool {
	if s.cfg.IAMMode == "off" || p.Type == api.PrincipalAnonymous {
		return true
	}
	req := requests.Get().(*api.Request)
	defer func() {
		*req = api.Request{}
		requests.Put(req)
	}()
	*req = api.Request{
		ID: newRequestID(), Service: "iot", Account: p.Account, Region: region, Principal: p,
		Time: s.cfg.Clock(), Scheme: "mqtt", Log: s.log,
	}
	t := api.Target{ARN: resource}
	return s.decide(s.iot.API(), req, action, &t) == nil
}

// assumeRoleForService assumes a role as an AWS service principal acting
// for one of its resources (an IoT rule), through STS and the role's
// trust policy, and returns the session's principal.
func (s *Server) assumeRoleForService(ctx context.Context, service, roleARN, sourceARN, account, region string) (api.Principal, error) {
	name := "ferry-" + sessionSuffix()
	in := &sts.AssumeRoleInput{RoleArn: &roleARN, RoleSessionName: &name}
	out, err := s.Invoke(ctx, &api.Call{
		Service: "sts", Action: "AssumeRole", Region: region,
		Principal: api.Principal{ARN: service, Type: api.PrincipalService, Service: service, Account: account},
		Input:     in, SourceARN: sourceARN, SourceAccount: account, Resource: roleARN,
	})
	if err != nil {
		return api.Principal{}, err
	}
	o, ok := out.(*sts.AssumeRoleOutput)
	if !ok {
		return api.Principal{}, errors.New("AssumeRole returned no credentials")
	}
	ident, ok := s.lookupCredentials(o.Credentials.AccessKeyID)
	if !ok {
		return api.Principal{}, errors.New("the assumed role's credentials are unknown")
	}
	return ident.Principal, nil
}

// sessionSuffix is eight random letters and digits, as the session names
// AWS services give the roles they assume.
func sessionSuffix() string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	var b [8]byte
	_, _ = rand.Read(b[:])
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b[:])
}

// mqttListen is the MQTT address for cfg: as given; "off" for none; when
// empty, port 1883 on all interfaces, or a free port on the API's host
// when the API listens on a free port (an embedded server in a test).
func mqttListen(cfg Config) string {
	switch cfg.MQTTListen {
	case "off":
		return ""
	case "":
		if host, port, err := net.SplitHostPort(cfg.Listen); err == nil && port == "0" {
			return net.JoinHostPort(host, "0")
		}
		return "0.0.0.0:1883"
	}
	return cfg.MQTTListen
}
