package emulator

import (
	"flag"
	"os"
	"sort"
	"strings"
	"testing"
)

var updateReadme = flag.Bool("update-readme", false, "rewrite the action tables in README.md")

// The README's action tables are generated from the services' action tables,
// so they cannot drift: this test fails when they differ, and
// `go test ./emulator -run TestREADMEActionTables -update-readme` rewrites them.
func TestREADMEActionTables(t *testing.T) {
	srv, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	const path = "../README.md"
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	for name, svc := range srv.Actions() {
		begin := "<!-- actions:" + name + " -->"
		end := "<!-- /actions:" + name + " -->"
		i, j := strings.Index(readme, begin), strings.Index(readme, end)
		if i < 0 || j < i {
			t.Fatalf("README.md has no %s … %s section", begin, end)
		}
		protocols := []string{}
		if svc.JSONVersion != "" {
			protocols = append(protocols, "JSON "+svc.JSONVersion)
		}
		if svc.QueryProtocol {
			protocols = append(protocols, "query")
		}
		if svc.REST {
			protocols = append(protocols, "REST-JSON")
		}
		names := make([]string, 0, len(svc.Actions))
		for n := range svc.Actions {
			names = append(names, n)
		}
		sort.Strings(names)
		var tb strings.Builder
		tb.WriteString("\n| action | authorized as | protocols | status |\n|---|---|---|---|\n")
		for _, n := range names {
			a := svc.Actions[n]
			proto := strings.Join(protocols, ", ")
			if a.Path != "" {
				proto += " `" + a.Method + " " + a.Path + "`"
			}
			tb.WriteString("| " + n + " | `" + a.IAMAction + "` | " + proto + " | supported |\n")
		}
		want := begin + tb.String() + end
		got := readme[i : j+len(end)]
		if got == want {
			continue
		}
		if !*updateReadme {
			t.Errorf("README.md's %s action table is out of date; run: go test ./emulator -run TestREADMEActionTables -update-readme", name)
			continue
		}
		readme = readme[:i] + want + readme[j+len(end):]
	}
	if *updateReadme {
		if err := os.WriteFile(path, []byte(readme), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
