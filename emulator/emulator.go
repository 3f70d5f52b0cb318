package emulator

import (
	"context"
	"encoding/pem"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ferry-emulator/ferry/emulator/api"
	"github.com/ferry-emulator/ferry/iam"
	"github.com/ferry-emulator/ferry/iot"
	"github.com/ferry-emulator/ferry/iot/broker"
	"github.com/ferry-emulator/ferry/kms"
	"github.com/ferry-emulator/ferry/persist"
	"github.com/ferry-emulator/ferry/sns"
	"github.com/ferry-emulator/ferry/sqs"
	"github.com/ferry-emulator/ferry/sts"
)

// Config is everything ferry starts from. The zero value is valid: it
// listens on DESIGN's default address with in-memory state.
type Config struct {
	Listen     string           // HTTP address for every AWS API; default 0.0.0.0:4566
	RootSecret string           // secret of the root access keys; default "test"
	IAMMode    string           // enforce, audit or off; default enforce
	Logger     *slog.Logger     // default: discard
	Clock      func() time.Time // default time.Now; used for signatures and request times
	// Hostname is the host (and optional port) put in the URLs ferry hands
	// out, such as queue URLs; default: the Host the request came to.
	Hostname string

	// Credentials resolves IAM users' and STS sessions' keys.
	Credentials CredentialStore
	// Identity supplies principals' identity policies for authorization.
	Identity IdentityPolicies
	// Store holds durable state; default an in-memory store.
	Store persist.Store
	// Startup is created before ferry serves (--config).
	Startup *StartupConfig

	// MQTTListen is the MQTT TCP address; "off" for none. Empty means
	// 0.0.0.0:1883, or a free port on Listen's host when Listen asks for
	// a free port.
	MQTTListen string
	// MQTTWebSocketListen, when set, serves MQTT over WebSocket there.
	MQTTWebSocketListen string
	// MQTTTLSListen, when set, serves MQTT over TLS there, with the
	// certificate and key in MQTTTLSCertFile and MQTTTLSKeyFile (PEM), or
	// with a self-signed certificate made at start-up when both are empty.
	MQTTTLSListen   string
	MQTTTLSCertFile string
	MQTTTLSKeyFile  string
	// MQTTRegion is the region MQTT clients' topic space belongs to
	// (rules of that region see their messages); default us-east-1.
	MQTTRegion string
	// MQTTRefuseAnonymous refuses MQTT clients without credentials instead
	// of placing them in account 000000000000.
	MQTTRefuseAnonymous bool
}

// service is what the server needs of each service package.
type service interface {
	API() *api.Service
	Reset()
	Close()
}

// Server is a running ferry.
type Server struct {
	cfg      Config
	log      *slog.Logger
	store    persist.Store
	services map[string]service // by signing name
	byTarget map[string]service // by X-Amz-Target prefix
	sqs      *sqs.Service
	sns      *sns.Service
	kms      *kms.Service
	iot      *iot.Service
	roots    sync.Map // access key -> Identity of an account root
	audit    *auditLog
	times    atomic.Pointer[requestTimes] // this second's condition-key times
	rest     sync.Map                     // *api.Service -> *restRoutes
	metrics  *metrics
	iam      *iam.Service
	// mqttCertPEM is the MQTT-over-TLS listener's certificate, served at
	// /_ferry/mqtt-tls.pem; nil without that listener.
	mqttCertPEM []byte
	// advertised is cfg.Hostname with the listener's port added when it
	// names none; set once Start knows the port.
	advertised string
	identity   IdentityPolicies

	http     *http.Server
	listener net.Listener
	baseCtx  context.Context
	cancel   context.CancelFunc
	done     chan struct{}
	closeMu  sync.Once
	closeErr error
}

// New builds a server without listening; ServeHTTP works on it directly.
func New(cfg Config) (*Server, error) {
	if cfg.Listen == "" {
		cfg.Listen = "0.0.0.0:4566"
	}
	if cfg.RootSecret == "" {
		cfg.RootSecret = "test"
	}
	switch cfg.IAMMode {
	case "":
		cfg.IAMMode = "enforce"
	case "enforce", "audit", "off":
	default:
		return nil, fmt.Errorf("iam mode %q: want enforce, audit or off", cfg.IAMMode)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	store := cfg.Store
	if store == nil {
		store = persist.NewMemory()
	}
	s := &Server{cfg: cfg, log: cfg.Logger, store: store, done: make(chan struct{}), audit: newAuditLog(auditCapacity)}
	s.identity = cfg.Identity
	s.baseCtx, s.cancel = context.WithCancel(context.Background())
	var err error
	s.sqs, err = sqs.New(sqs.Config{Store: store, Log: cfg.Logger.With("service", "sqs"), Now: cfg.Clock, Invoker: s})
	if err != nil {
		return nil, err
	}
	iamSvc, err := iam.New(iam.Config{Store: store, Log: cfg.Logger.With("service", "iam"), Now: cfg.Clock})
	if err != nil {
		return nil, err
	}
	stsSvc, err := sts.New(sts.Config{Store: store, Log: cfg.Logger.With("service", "sts"), Now: cfg.Clock, Roles: iamSvc, Policies: iamSvc})
	if err != nil {
		return nil, err
	}
	if s.identity == nil {
		s.identity = iamSvc
	}
	s.sns, err = sns.New(sns.Config{Store: store, Log: cfg.Logger.With("service", "sns"), Now: cfg.Clock,
		Invoker: s, Host: s.advertisedHost})
	if err != nil {
		return nil, err
	}
	// IAM users' keys, then STS sessions' keys, then any store the embedder gave.
	chain := credentialChain{iamSvc, stsSvc}
	if cfg.Credentials != nil {
		chain = append(chain, cfg.Credentials)
	}
	s.cfg.Credentials = chain
	kmsSvc, err := kms.New(kms.Config{Store: store, Log: cfg.Logger.With("service", "kms"), Now: cfg.Clock, Authorizer: s})
	if err != nil {
		return nil, err
	}
	s.kms = kmsSvc
	if cfg.MQTTRegion == "" {
		cfg.MQTTRegion = "us-east-1"
		s.cfg.MQTTRegion = cfg.MQTTRegion
	}
	tlsConfig, err := mqttTLSConfig(cfg)
	if err != nil {
		return nil, err
	}
	if tlsConfig != nil {
		s.mqttCertPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: tlsConfig.Certificates[0].Certificate[0]})
	}
	s.iot, err = iot.New(iot.Config{
		Store: store, Log: cfg.Logger.With("service", "iot"), Now: cfg.Clock, Invoker: s,
		AssumeRole: func(ctx context.Context, roleARN, ruleARN, account, region string) (api.Principal, error) {
			return s.assumeRoleForService(ctx, "iot.amazonaws.com", roleARN, ruleARN, account, region)
		},
		MQTT: broker.Config{
			Listen: mqttListen(cfg), WebSocketListen: cfg.MQTTWebSocketListen, Region: cfg.MQTTRegion,
			TLSListen: cfg.MQTTTLSListen, TLSConfig: tlsConfig,
			RefuseAnonymous: cfg.MQTTRefuseAnonymous, Authenticate: s.mqttAuthenticate, Authorize: s.mqttAuthorize,
			Log: cfg.Logger.With("service", "mqtt"),
		},
		Host: s.advertisedHost,
	})
	if err != nil {
		return nil, err
	}
	s.services = map[string]service{"sqs": s.sqs, "sns": s.sns, "iam": iamSvc, "sts": stsSvc, "kms": kmsSvc,
		"iot": s.iot, "iotdata": s.iot.Data()}
	s.metrics = newMetrics(s.sqs, s.sns, s.iot)
	s.iam = iamSvc
	if cfg.Startup != nil {
		if err := s.applyStartup(cfg.Startup); err != nil {
			return nil, &ConfigError{err}
		}
	}
	// Deliveries left pending by the last stop go out once every service
	// is there to take them.
	if err := s.sns.Resume(); err != nil {
		return nil, err
	}
	s.byTarget = map[string]service{}
	for _, svc := range s.services {
		if p := svc.API().TargetPrefix; p != "" {
			s.byTarget[p] = svc
		}
	}
	return s, nil
}

// Run builds a server and starts it listening (Listen "127.0.0.1:0" picks a free port).
func Run(cfg Config) (*Server, error) {
	s, err := New(cfg)
	if err != nil {
		return nil, err
	}
	if err := s.Start(); err != nil {
		return nil, err
	}
	return s, nil
}

// Start listens on cfg.Listen and serves in the background.
func (s *Server) Start() error {
	ln, err := net.Listen("tcp", s.cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen %s: %w", s.cfg.Listen, err)
	}
	s.listener = ln
	if err := s.iot.Start(); err != nil {
		ln.Close()
		return fmt.Errorf("mqtt: %w", err)
	}
	if h := s.cfg.Hostname; h != "" {
		if _, _, err := net.SplitHostPort(h); err != nil {
			h = net.JoinHostPort(h, fmt.Sprint(ln.Addr().(*net.TCPAddr).Port))
		}
		s.advertised = h
	}
	// No read-header or idle timeouts: each arms and disarms a runtime
	// timer on every request (~0.7 µs, 2% of a SendMessage). A stalled
	// client costs one parked goroutine, and Shutdown drops its connection.
	s.http = &http.Server{
		Handler:     s,
		BaseContext: func(net.Listener) context.Context { return s.baseCtx },
		ErrorLog:    slog.NewLogLogger(s.log.Handler(), slog.LevelDebug),
	}
	go func() {
		defer close(s.done)
		if err := s.http.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("http server stopped", "err", err)
		}
	}()
	s.log.Info("listening", "service", "aws-api", "addr", ln.Addr().String())
	if a := s.iot.MQTTAddr(); a != nil {
		s.log.Info("listening", "service", "mqtt", "addr", a.String())
	}
	if a := s.iot.WebSocketAddr(); a != nil {
		s.log.Info("listening", "service", "mqtt-ws", "addr", a.String())
	}
	if a := s.iot.TLSAddr(); a != nil {
		s.log.Info("listening", "service", "mqtt-tls", "addr", a.String())
	}
	return nil
}

// Addr is the address the HTTP listener is bound to.
func (s *Server) Addr() string {
	if s.listener == nil {
		return ""
	}
	return s.listener.Addr().String()
}

// URL is the endpoint to give SDKs: http://127.0.0.1:PORT.
func (s *Server) URL() string {
	addr := s.listener.Addr().(*net.TCPAddr)
	host := addr.IP.String()
	if addr.IP.IsUnspecified() {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, fmt.Sprint(addr.Port))
}

// Shutdown stops accepting requests, ends long polls, waits for in-flight
// requests (until ctx is done) and closes the services and the store.
func (s *Server) Shutdown(ctx context.Context) error {
	s.closeMu.Do(func() {
		// Cancelling the base context ends waiting long polls at once, so
		// they answer (empty) instead of holding shutdown for up to 20 s.
		s.cancel()
		var err error
		if s.http != nil {
			if err = s.http.Shutdown(ctx); err != nil {
				s.http.Close() // drop the connections that did not finish in time
			}
			<-s.done
		}
		// IoT first: its rules publish into SNS and SQS. Then SNS: it
		// delivers what it has queued into SQS before SQS closes.
		s.iot.Close()
		s.sns.Close()
		for name, svc := range s.services {
			if name != "sns" && name != "iot" {
				svc.Close()
			}
		}
		if cerr := s.store.Close(); err == nil {
			err = cerr
		}
		s.closeErr = err
	})
	return s.closeErr
}

// Close shuts down with a 10-second grace period.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return s.Shutdown(ctx)
}

// Reset drops all state, as a fresh start would. If a durable store fails
// to drop its state, the error is logged: that state would come back at
// the next start.
func (s *Server) Reset() {
	for _, svc := range s.services {
		svc.Reset()
	}
	if err := s.store.Reset(); err != nil {
		s.log.Error("reset: the store kept its state; it will be back at the next start", "err", err)
	}
	s.audit.reset()
}

// Actions lists each service's action table, for documentation.
func (s *Server) Actions() map[string]*api.Service {
	m := make(map[string]*api.Service, len(s.services))
	for name, svc := range s.services {
		m[name] = svc.API()
	}
	return m
}

// Flush waits until every MQTT message received so far has been through
// the IoT rules and every SNS message published so far (by rules too) has
// been delivered to its queue subscribers (HTTP/S deliveries, which may be
// retrying, are not waited for). Tests use it before asserting that
// nothing arrived.
func (s *Server) Flush(ctx context.Context) error {
	if err := s.iot.Flush(ctx); err != nil {
		return err
	}
	return s.sns.Flush(ctx)
}

// MQTTAddr is the address of the MQTT listener, "" when there is none.
func (s *Server) MQTTAddr() string {
	if a := s.iot.MQTTAddr(); a != nil {
		return a.String()
	}
	return ""
}

// MQTTTLSAddr is the address of the MQTT-over-TLS listener, "" when there
// is none.
func (s *Server) MQTTTLSAddr() string {
	if a := s.iot.TLSAddr(); a != nil {
		return a.String()
	}
	return ""
}

// MQTTWebSocketAddr is the address of the MQTT-over-WebSocket listener,
// "" when there is none.
func (s *Server) MQTTWebSocketAddr() string {
	if a := s.iot.WebSocketAddr(); a != nil {
		return a.String()
	}
	return ""
}
