package main

import (
	"bufio"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The test binary doubles as ferry: run with FERRY_RUN_MAIN=1 it runs main,
// so the tests below can start ferry as a child process and signal it.
func TestMain(m *testing.M) {
	if os.Getenv("FERRY_RUN_MAIN") == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

func ferryCommand(args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "FERRY_RUN_MAIN=1")
	return cmd
}

// ferry prints one line per listener, serves, and on SIGTERM shuts down
// and exits 0.
func TestRunServesAndStopsOnSIGTERM(t *testing.T) {
	cmd := ferryCommand("--listen", "127.0.0.1:0", "--log-level", "warn")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	var line string
	select {
	case line = <-lines:
	case <-time.After(30 * time.Second):
		t.Fatal("ferry printed no listener line")
	}
	addr, ok := strings.CutPrefix(line, "ferry: AWS APIs on ")
	if !ok {
		t.Fatalf("listener line %q", line)
	}
	resp, err := http.Get(addr + "/_ferry/health")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("health: %s", resp.Status)
	}
	// The container health check asks the same endpoint.
	if out, err := ferryCommand("health", "--url", addr+"/_ferry/health").CombinedOutput(); err != nil {
		t.Fatalf("ferry health: %v %s", err, out)
	}
	if err := ferryCommand("health", "--url", addr+"/_ferry/nothing-here").Run(); err == nil {
		t.Fatal("ferry health succeeded against a 404")
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("ferry did not exit after SIGTERM")
	}
}

func TestBadStartupFails(t *testing.T) {
	for _, args := range [][]string{
		{"--iam", "sometimes"},
		{"--log-format", "xml"},
		{"--data-dir", notAStore(t)},
		{"--config", filepath.Join(t.TempDir(), "missing.yaml")},
		{"unexpected"},
	} {
		out, err := ferryCommand(append([]string{"--listen", "127.0.0.1:0"}, args...)...).CombinedOutput()
		if err == nil {
			t.Errorf("%v: started; want a start-up error", args)
			continue
		}
		if !strings.Contains(string(out), "ferry:") {
			t.Errorf("%v: no error message: %s", args, out)
		}
	}
}

// notAStore is a data directory whose ferry.db is not a ferry store.
func notAStore(t *testing.T) string {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "ferry.db"), []byte("not a database"), 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}
