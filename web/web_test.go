package web

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"
)

// TestAssets checks the embedded page: every script and stylesheet it
// links is embedded, the vendored editor bundle carries its licence, and
// the script imports only what the bundle exports.
func TestAssets(t *testing.T) {
	a := Assets()
	index, err := fs.ReadFile(a, "index.html")
	if err != nil {
		t.Fatal(err)
	}
	refs := regexp.MustCompile(`(?:src|href)="/(static/[^"]+)"`).FindAllStringSubmatch(string(index), -1)
	if len(refs) < 2 {
		t.Fatalf("index.html links %d assets", len(refs))
	}
	for _, r := range refs {
		if _, err := fs.Stat(a, r[1]); err != nil {
			t.Errorf("index.html links %s, which is not embedded", r[1])
		}
	}
	for _, f := range []string{"static/vendor/codemirror.js", "static/vendor/LICENSE-codemirror.txt", "static/vendor/README.md"} {
		if _, err := fs.Stat(a, f); err != nil {
			t.Errorf("%s missing", f)
		}
	}
	// Every module a script imports is embedded.
	scripts, _ := fs.Glob(a, "static/*.js")
	if len(scripts) < 2 {
		t.Fatalf("static scripts: %v", scripts)
	}
	for _, sc := range scripts {
		src, _ := fs.ReadFile(a, sc)
		for _, m := range regexp.MustCompile(`from "\./([^"]+)"`).FindAllStringSubmatch(string(src), -1) {
			if _, err := fs.Stat(a, "static/"+m[1]); err != nil {
				t.Errorf("%s imports ./%s, which is not embedded", sc, m[1])
			}
		}
	}
	app, _ := fs.ReadFile(a, "static/app.js")
	bundle, _ := fs.ReadFile(a, "static/vendor/codemirror.js")
	m := regexp.MustCompile(`import \{([^}]*)\} from "\./vendor/codemirror\.js"`).FindSubmatch(app)
	if m == nil {
		t.Fatal("app.js does not import the bundle")
	}
	exports := regexp.MustCompile(`export\{([^}]*)\}`).FindSubmatch(bundle)
	if exports == nil {
		t.Fatal("bundle has no export list")
	}
	for _, name := range strings.Split(string(m[1]), ",") {
		name = strings.TrimSpace(name)
		if !regexp.MustCompile(`\bas ` + regexp.QuoteMeta(name) + `\b`).Match(exports[1]) {
			t.Errorf("app.js imports %s, which the bundle does not export", name)
		}
	}
}
