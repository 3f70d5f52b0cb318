package iot

import (
	"context"
	"net"

	"github.com/ferry-emulator/ferry/emulator/api"
)

// DescribeEndpoint answers with the address MQTT clients should connect
// to: ferry's advertised host with the MQTT listener's port. There is one
// broker for every account; the credentials a client connects with pick
// its account's topic space.
// https://docs.aws.amazon.com/iot/latest/apireference/API_DescribeEndpoint.html
func (s *Service) describeEndpoint(_ context.Context, req *api.Request, in *describeEndpointInput) (*describeEndpointOutput, error) {
	typ := "iot:Data"
	if in.EndpointType != nil {
		typ = *in.EndpointType
	}
	switch typ {
	case "iot:Data", "iot:Data-ATS":
	case "iot:CredentialProvider", "iot:Jobs":
		return nil, errInvalidRequest("Endpoint type " + typ + " is not served by ferry: it has no credential provider or jobs data plane.")
	default:
		return nil, errInvalidRequest("Endpoint type " + typ + " not recognized.")
	}
	addr := s.broker.Addr()
	if addr == nil {
		return nil, errInvalidRequest("ferry runs no MQTT listener.")
	}
	_, port, _ := net.SplitHostPort(addr.String())
	host := req.Host
	if s.host != nil {
		host = s.host()
	}
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if host == "" {
		host = "localhost"
	}
	return &describeEndpointOutput{EndpointAddress: net.JoinHostPort(host, port)}, nil
}
