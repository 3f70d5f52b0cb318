// Command ferry runs the emulator: every AWS API on one HTTP port.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/ferry-emulator/ferry/emulator"
	"github.com/ferry-emulator/ferry/persist"
)

func main() {
	args := os.Args[1:]
	if len(args) > 0 && args[0] == "health" {
		// For container health checks, where there is no curl.
		if err := health(args[1:]); err != nil {
			fmt.Fprintln(os.Stderr, "ferry health:", err)
			os.Exit(1)
		}
		return
	}
	if len(args) > 0 && (args[0] == "snapshot" || args[0] == "restore") {
		cmd := snapshot
		if args[0] == "restore" {
			cmd = restore
		}
		if err := cmd(args[1:]); err != nil {
			fmt.Fprintf(os.Stderr, "ferry %s: %v\n", args[0], err)
			os.Exit(1)
		}
		return
	}
	if err := run(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return // the usage is printed; asking for it is no failure
		}
		fmt.Fprintln(os.Stderr, "ferry:", err)
		os.Exit(1)
	}
}

// snapshot saves the whole state of a running ferry (with --data-dir) as
// one file.
func snapshot(args []string) error {
	fs := flag.NewFlagSet("ferry snapshot", flag.ContinueOnError)
	url := fs.String("url", "http://127.0.0.1:4566", "the running ferry")
	out := fs.String("out", "ferry-snapshot.db", "file to write")
	if err := fs.Parse(args); err != nil {
		return err
	}
	resp, err := http.Get(strings.TrimSuffix(*url, "/") + "/_ferry/snapshot")
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		return fmt.Errorf("%s: %s", resp.Status, strings.TrimSpace(string(b)))
	}
	f, err := os.OpenFile(*out, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Printf("ferry snapshot: wrote %s\n", *out)
	return nil
}

// restore installs a snapshot as the state of a data directory that no
// ferry is running on.
func restore(args []string) error {
	fs := flag.NewFlagSet("ferry restore", flag.ContinueOnError)
	dataDir := fs.String("data-dir", env("FERRY_DATA_DIR", ""), "data directory to restore into (env FERRY_DATA_DIR)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dataDir == "" || fs.NArg() != 1 {
		return fmt.Errorf("usage: ferry restore --data-dir DIR SNAPSHOT")
	}
	if err := persist.Install(fs.Arg(0), *dataDir); err != nil {
		return err
	}
	fmt.Printf("ferry restore: %s now holds the state of %s\n", *dataDir, fs.Arg(0))
	return nil
}

// env returns the environment variable's value, or def.
func env(name, def string) string {
	if v, ok := os.LookupEnv(name); ok {
		return v
	}
	return def
}

func run(args []string) error {
	fs := flag.NewFlagSet("ferry", flag.ContinueOnError)
	listen := fs.String("listen", env("FERRY_LISTEN", "0.0.0.0:4566"), "address for every AWS API (env FERRY_LISTEN)")
	hostname := fs.String("hostname", env("FERRY_HOSTNAME", ""), "host[:port] to put in the URLs ferry hands out, e.g. queue URLs (env FERRY_HOSTNAME); default: the host each request came to")
	iamMode := fs.String("iam", env("FERRY_IAM", "enforce"), "authorization: enforce, audit or off (env FERRY_IAM)")
	configFile := fs.String("config", env("FERRY_CONFIG", ""), "YAML or JSON file of accounts, IAM users (with fixed access keys), roles and queues to create at start (env FERRY_CONFIG)")
	dataDir := fs.String("data-dir", env("FERRY_DATA_DIR", ""), "directory for durable state (env FERRY_DATA_DIR); in memory when empty")
	logLevel := fs.String("log-level", env("FERRY_LOG_LEVEL", "info"), "debug, info, warn or error (env FERRY_LOG_LEVEL)")
	logFormat := fs.String("log-format", env("FERRY_LOG_FORMAT", "text"), "text or json (env FERRY_LOG_FORMAT)")
	mqttListen := fs.String("mqtt-listen", env("FERRY_MQTT_LISTEN", ""), "MQTT address, or off (env FERRY_MQTT_LISTEN); default 0.0.0.0:1883, or a free port when --listen asks for one")
	mqttWS := fs.String("mqtt-ws-listen", env("FERRY_MQTT_WS_LISTEN", ""), "MQTT over WebSocket address; off when empty (env FERRY_MQTT_WS_LISTEN)")
	mqttTLS := fs.String("mqtt-tls-listen", env("FERRY_MQTT_TLS_LISTEN", ""), "MQTT over TLS address (AWS IoT's port is 8883); off when empty (env FERRY_MQTT_TLS_LISTEN)")
	mqttTLSCert := fs.String("mqtt-tls-cert", env("FERRY_MQTT_TLS_CERT", ""), "PEM certificate for --mqtt-tls-listen; with neither it nor --mqtt-tls-key, a self-signed one is made at start-up (env FERRY_MQTT_TLS_CERT)")
	mqttTLSKey := fs.String("mqtt-tls-key", env("FERRY_MQTT_TLS_KEY", ""), "PEM private key of --mqtt-tls-cert (env FERRY_MQTT_TLS_KEY)")
	mqttRegion := fs.String("mqtt-region", env("FERRY_MQTT_REGION", "us-east-1"), "region whose IoT topic space MQTT clients join (env FERRY_MQTT_REGION)")
	mqttRefuseAnon := fs.Bool("mqtt-refuse-anonymous", env("FERRY_MQTT_REFUSE_ANONYMOUS", "") == "true", "refuse MQTT clients without credentials instead of placing them in account 000000000000 (env FERRY_MQTT_REFUSE_ANONYMOUS=true)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		return fmt.Errorf("--log-level: %w", err)
	}
	opts := &slog.HandlerOptions{Level: level}
	var handler slog.Handler
	switch *logFormat {
	case "text":
		handler = slog.NewTextHandler(os.Stderr, opts)
	case "json":
		handler = slog.NewJSONHandler(os.Stderr, opts)
	default:
		return fmt.Errorf("--log-format %q: want text or json", *logFormat)
	}
	log := slog.New(handler)
	if os.Getenv("GOGC") == "" {
		// Collecting less often than Go's default cuts GC work per request;
		// not much less, because a growing queue's heap is fresh memory the
		// kernel faults in, and a heap allowed to grow to 5× its live size
		// faults in 5× the memory it keeps.
		debug.SetGCPercent(200)
	}
	if _, n := reserveHugePageHeap(1 << 30); n > 0 {
		log.Debug("heap advised for transparent huge pages", "bytes", n)
	}

	var startup *emulator.StartupConfig
	if *configFile != "" {
		var err error
		if startup, err = emulator.LoadConfig(*configFile); err != nil {
			return fmt.Errorf("--config: %w", err)
		}
	}
	var store persist.Store
	if *dataDir != "" {
		b, err := persist.OpenBolt(*dataDir)
		if err != nil {
			return fmt.Errorf("--data-dir: %w", err)
		}
		store = b
		log.Info("durable state", "file", filepath.Join(*dataDir, persist.BoltFile))
	}
	srv, err := emulator.Run(emulator.Config{
		Store:      store,
		Startup:    startup,
		Listen:     *listen,
		Hostname:   *hostname,
		IAMMode:    *iamMode,
		RootSecret: env("FERRY_ROOT_SECRET", "test"),
		Logger:     log,

		MQTTListen:          *mqttListen,
		MQTTWebSocketListen: *mqttWS,
		MQTTTLSListen:       *mqttTLS,
		MQTTTLSCertFile:     *mqttTLSCert,
		MQTTTLSKeyFile:      *mqttTLSKey,
		MQTTRegion:          *mqttRegion,
		MQTTRefuseAnonymous: *mqttRefuseAnon,
	})
	if err != nil && store != nil {
		store.Close() // let the directory go: nothing was served
	}
	var cerr *emulator.ConfigError
	if errors.As(err, &cerr) {
		return fmt.Errorf("--config %s: %w", *configFile, cerr)
	}
	if err != nil {
		return err
	}
	fmt.Printf("ferry: AWS APIs on %s\n", srv.URL())
	if a := srv.MQTTAddr(); a != "" {
		fmt.Printf("ferry: MQTT on %s\n", a)
	}
	if a := srv.MQTTWebSocketAddr(); a != "" {
		fmt.Printf("ferry: MQTT over WebSocket on %s\n", a)
	}
	if a := srv.MQTTTLSAddr(); a != "" {
		fmt.Printf("ferry: MQTT over TLS on %s\n", a)
	}

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	sig := <-stop
	log.Info("shutting down", "signal", sig.String())
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return srv.Shutdown(ctx)
}

// health asks a running ferry whether it is ready.
func health(args []string) error {
	fs := flag.NewFlagSet("ferry health", flag.ContinueOnError)
	url := fs.String("url", "http://127.0.0.1:4566/_ferry/health", "health endpoint to ask")
	if err := fs.Parse(args); err != nil {
		return err
	}
	client := &http.Client{Timeout: 3 * time.Second}
	resp, err := client.Get(*url)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s answered %s", *url, resp.Status)
	}
	return nil
}
