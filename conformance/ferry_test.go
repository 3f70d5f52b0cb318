package conformance

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ferry-emulator/ferry/emulator"
)

// installHint ends every skip message for a missing client.
const installHint = "run .ci/install-clients.sh"

// account is the account of the access key "test" (DESIGN §3).
const account = "000000000000"

// clientTimeout bounds one client process. Long polls in these flows wait
// at most a few seconds; anything near this is a hang.
const clientTimeout = 2 * time.Minute

// startFerry runs ferry in-process on a free loopback port until the test ends.
func startFerry(t *testing.T) *emulator.Server {
	t.Helper()
	srv, err := emulator.Run(emulator.Config{Listen: "127.0.0.1:0"})
	if err != nil {
		t.Fatalf("start ferry: %v", err)
	}
	t.Cleanup(func() {
		if err := srv.Close(); err != nil {
			t.Errorf("close ferry: %v", err)
		}
	})
	return srv
}

// clientEnv is the whole environment of a client process: the credentials
// and region of the flows and nothing of the user's, so that no AWS_*
// variable, ~/.aws file or proxy setting changes what runs. extra entries
// ("KEY=value") override the defaults.
func clientEnv(t *testing.T, extra ...string) []string {
	t.Helper()
	home := t.TempDir()
	env := []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + home,
		"LANG=C.UTF-8",
		"AWS_CONFIG_FILE=" + filepath.Join(home, "aws-config"),
		"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(home, "aws-credentials"),
		"AWS_ACCESS_KEY_ID=test",
		"AWS_SECRET_ACCESS_KEY=test",
		"AWS_DEFAULT_REGION=us-east-1",
		"AWS_REGION=us-east-1",
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_PAGER=",
		"NO_PROXY=127.0.0.1,localhost",
	}
	// pyenv's shims look for their interpreters under PYENV_ROOT, which
	// defaults to $HOME/.pyenv: keep the real one when HOME moves.
	if root := os.Getenv("PYENV_ROOT"); root != "" {
		env = append(env, "PYENV_ROOT="+root)
	} else if userHome, err := os.UserHomeDir(); err == nil {
		if st, err := os.Stat(filepath.Join(userHome, ".pyenv")); err == nil && st.IsDir() {
			env = append(env, "PYENV_ROOT="+filepath.Join(userHome, ".pyenv"))
		}
	}
	return append(env, extra...)
}

// result is what a finished client process left behind.
type result struct {
	stdout, stderr []byte
	err            error // nil when it exited 0
}

// exitCode is the process's exit status, or -1 if it did not run or was killed.
func (r result) exitCode() int {
	if r.err == nil {
		return 0
	}
	var ee *exec.ExitError
	if errors.As(r.err, &ee) {
		return ee.ExitCode()
	}
	return -1
}

// runProcess runs a client to completion in dir with env.
func runProcess(t *testing.T, dir string, env []string, name string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), clientTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		err = errors.Join(err, ctx.Err())
	}
	return result{stdout: stdout.Bytes(), stderr: stderr.Bytes(), err: err}
}

// distinctExecutables resolves candidate programs (paths or names looked up
// on PATH) and drops missing and duplicate ones, keeping the given order.
// Two candidates are the same program when they resolve to the same file.
func distinctExecutables(candidates ...string) []string {
	var out, seen []string
	for _, c := range candidates {
		if c == "" {
			continue
		}
		p, err := exec.LookPath(c)
		if err != nil {
			continue
		}
		real, err := filepath.EvalSymlinks(p)
		if err != nil {
			continue
		}
		if slices.Contains(seen, real) {
			continue
		}
		seen = append(seen, real)
		out = append(out, p)
	}
	return out
}

// subtestName turns a client's version line into a subtest name that -run
// patterns can match ("aws-cli/2.9.19 Python/..." -> "aws-cli-2.9.19").
func subtestName(version string) string {
	fields := strings.Fields(version)
	if len(fields) == 0 {
		return "unknown"
	}
	return strings.NewReplacer("/", "-", " ", "-").Replace(fields[0])
}

// keys lists a map's keys, sorted, for messages.
func keys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// mustJSON is v as a JSON command-line argument.
func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// checkRecent checks that value is a recent time counted in units since the
// epoch (milliseconds for message attributes, seconds for queue attributes).
func checkRecent(t *testing.T, what, value string, unit time.Duration) {
	t.Helper()
	n, err := strconv.ParseInt(value, 10, 64)
	if err != nil {
		t.Errorf("%s = %q: not an integer", what, value)
		return
	}
	at := time.Unix(0, n*int64(unit))
	if d := time.Since(at); d < -time.Minute || d > 10*time.Minute {
		t.Errorf("%s = %s (%v): not a recent time", what, value, at)
	}
}

// seqLess orders SQS sequence numbers (decimal strings of up to 128 bits).
func seqLess(a, b string) bool {
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}

// checkRedrivePolicy checks a RedrivePolicy as GetQueueAttributes returns it.
// AWS answers with maxReceiveCount as a JSON number, whether it was set as a
// number or (as the developer guide does) a string.
func checkRedrivePolicy(t *testing.T, got, dlqARN string, maxReceiveCount int) {
	t.Helper()
	var rp map[string]any
	if err := json.Unmarshal([]byte(got), &rp); err != nil {
		t.Fatalf("RedrivePolicy %q: %v", got, err)
	}
	if rp["deadLetterTargetArn"] != dlqARN || rp["maxReceiveCount"] != float64(maxReceiveCount) || len(rp) != 2 {
		t.Errorf(`RedrivePolicy = %s, want {"deadLetterTargetArn":%q,"maxReceiveCount":%d}`, got, dlqARN, maxReceiveCount)
	}
}

// sha256Hex is the MessageDeduplicationId that content-based deduplication
// gives a body.
func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// md5Hex is SQS's MD5OfMessageBody.
func md5Hex(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

// msgAttr is a message attribute as every client prints it (binary values
// base64, which encoding/json decodes into []byte).
type msgAttr struct {
	DataType    string `json:"DataType"`
	StringValue string `json:"StringValue,omitempty"`
	BinaryValue []byte `json:"BinaryValue,omitempty"`
}

// md5OfAttributes is SQS's MD5OfMessageAttributes: names sorted, each
// encoded as length-prefixed name, data type, a transport byte (1 string or
// number, 2 binary) and length-prefixed value. See "Calculating the MD5
// message digest for message attributes" in the SQS developer guide.
func md5OfAttributes(attrs map[string]msgAttr) string {
	names := make([]string, 0, len(attrs))
	for n := range attrs {
		names = append(names, n)
	}
	sort.Strings(names)
	var buf bytes.Buffer
	field := func(b []byte) {
		buf.Write(binary.BigEndian.AppendUint32(nil, uint32(len(b))))
		buf.Write(b)
	}
	for _, n := range names {
		a := attrs[n]
		field([]byte(n))
		field([]byte(a.DataType))
		if strings.HasPrefix(a.DataType, "Binary") {
			buf.WriteByte(2)
			field(a.BinaryValue)
		} else {
			buf.WriteByte(1)
			field([]byte(a.StringValue))
		}
	}
	sum := md5.Sum(buf.Bytes())
	return hex.EncodeToString(sum[:])
}

// TestMD5OfAttributes checks md5OfAttributes against digests that real SQS
// returned for these attributes, so that the flows' assertions do not merely
// agree with ferry's own reading of the algorithm.
func TestMD5OfAttributes(t *testing.T) {
	for _, tc := range []struct {
		attrs map[string]msgAttr
		want  string
	}{
		{map[string]msgAttr{"SellerName": {DataType: "String", StringValue: "Example Store"}}, "cd28f3b68aeee4b2eac9c66f2f694b58"},
		{map[string]msgAttr{
			"ordinal":  {DataType: "Number", StringValue: "1"},
			"category": {DataType: "String", StringValue: "test"},
		}, "d21ae90c49061e927f57df5f5d72be1f"},
	} {
		if got := md5OfAttributes(tc.attrs); got != tc.want {
			t.Errorf("md5OfAttributes(%v) = %s, want %s", tc.attrs, got, tc.want)
		}
	}
}
