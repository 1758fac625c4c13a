package server_test

import (
	"os"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
)

// TestOpenAPICoversRoutes checks docs/openapi.yaml against the server: every
// documented path and method reaches a handler (not the catch-all), and
// every route the server has is documented.
func TestOpenAPICoversRoutes(t *testing.T) {
	data, err := os.ReadFile("../docs/openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths map[string]map[string]any `yaml:"paths"`
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("docs/openapi.yaml: %v", err)
	}
	e := newEnv(t, opts{})
	documented := map[string]bool{}
	for path, ops := range doc.Paths {
		for method := range ops {
			if method == "parameters" {
				continue
			}
			m := strings.ToUpper(method)
			documented[m+" "+path] = true
			p := strings.NewReplacer("{id}", "x", "{version}", "1", "{name}", "x").Replace(path)
			_, _, body := e.do(m, p, "{}", nil)
			if strings.Contains(string(body), "no API endpoint") || strings.Contains(string(body), "method_not_allowed") {
				t.Errorf("%s %s is documented but not served: %s", m, path, body)
			}
		}
	}
	src, err := os.ReadFile("server.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(src), "\n") {
		line = strings.TrimSpace(line)
		rest, ok := strings.CutPrefix(line, `api("`)
		if !ok {
			continue
		}
		route, _, _ := strings.Cut(rest, `"`)
		if !documented[route] {
			t.Errorf("route %q is not in docs/openapi.yaml", route)
		}
	}
	if len(documented) < 20 {
		t.Fatalf("only %d operations documented", len(documented))
	}
}
