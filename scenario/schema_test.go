package scenario

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

func loadSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	raw, err := os.ReadFile("../docs/scenario.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	const url = "https://github.com/truce-dev/truce/docs/scenario.schema.json"
	if err := c.AddResource(url, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(url)
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

func yamlInstance(t *testing.T, src []byte) any {
	t.Helper()
	j, err := yaml.YAMLToJSON(src)
	if err != nil {
		t.Fatal(err)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(j))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestSchemaAcceptsEveryScenario: every scenario in the repository parses
// and validates against docs/scenario.schema.json, so editors using the
// schema do not flag valid files.
func TestSchemaAcceptsEveryScenario(t *testing.T) {
	sch := loadSchema(t)
	files := scenarioFiles(t)
	for _, pat := range []string{"testdata/params.yaml", "testdata/ruin.yaml", "testdata/ehrenfest.yaml", "testdata/ladder.yaml", "testdata/ladder-written-out.yaml", "testdata/deadline.yaml", "testdata/deadline-game.yaml", "testdata/walk10001.yaml"} {
		m, _ := filepath.Glob(pat)
		files = append(files, m...)
	}
	if len(files) < 5 {
		t.Fatalf("found only %v", files)
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if sc, ds := Parse(f, src); sc == nil {
			t.Errorf("%s does not parse: %v", f, ds)
		}
		if err := sch.Validate(yamlInstance(t, src)); err != nil {
			t.Errorf("%s does not validate against the schema: %v", f, err)
		}
	}
}

// TestSchemaRejects: the schema catches what editors should underline.
func TestSchemaRejects(t *testing.T) {
	sch := loadSchema(t)
	for _, tc := range []struct{ name, old, new string }{
		{"unknown top key", "name: t", "nmae: t"},
		{"bad version", "truce: 1", "truce: 2"},
		{"unknown distribution", "dist: uniform", "dist: unifrom"},
		{"horizon text", "horizon: 10", "horizon: ten"},
		{"unknown solve", "{US: calm, IR: calm}", "{solve: nash}"},
		{"state without id", "{id: war, terminal: true}", "{terminal: true}"},
	} {
		src := strings.Replace(base, tc.old, tc.new, 1)
		if err := sch.Validate(yamlInstance(t, []byte(src))); err == nil {
			t.Errorf("%s: schema accepts it", tc.name)
		}
	}
	if err := sch.Validate(yamlInstance(t, []byte(base))); err != nil {
		t.Errorf("base scenario rejected: %v", err)
	}
}

// TestDocExampleParses: the complete example in docs/scenario.md is valid
// and gives the answers the text states.
func TestDocExampleParses(t *testing.T) {
	doc, err := os.ReadFile("../docs/scenario.md")
	if err != nil {
		t.Fatal(err)
	}
	s := string(doc)
	start := strings.Index(s, "```yaml\ntruce: 1")
	if start < 0 {
		t.Fatal("docs/scenario.md has no complete example")
	}
	s = s[start+len("```yaml\n"):]
	src := s[:strings.Index(s, "```")]
	sc, ds := Parse("doc.yaml", []byte(src))
	if sc == nil || len(ds) > 0 {
		t.Fatalf("doc example: %v", ds)
	}
	if err := loadSchema(t).Validate(yamlInstance(t, []byte(src))); err != nil {
		t.Errorf("doc example fails the schema: %v", err)
	}
	a := analyzeCentral(t, sc, "baseline")
	near(t, "reach(war, 10)", a.Reach[1][10], 1-math.Pow(0.9, 10))
	near(t, "time(war)", a.Time[1], 10)
}
