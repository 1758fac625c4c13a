// Package browsertest finds and starts headless Chromium for the project's
// browser tests. It keeps one rule in one place: without Chromium a browser
// test skips, except under CI=true, where .ci/run must have installed it.
package browsertest

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
)

// Chromium returns the path of Debian's Chromium ($TRUCE_CHROMIUM first).
// When it is missing the test fails under CI=true and is skipped otherwise.
func Chromium(t testing.TB) string {
	t.Helper()
	for _, p := range []string{os.Getenv("TRUCE_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if p == "" {
			continue
		}
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("chromium not found but CI=true: .ci/run must install it (apt-get install -y chromium)")
	}
	t.Skip("chromium not installed; browser test skipped (apt-get install -y chromium)")
	return ""
}

// Options are the allocator options every browser test uses: headless, and
// without the background connections this machine's closed network refuses.
func Options(exe, userDataDir string, width, height int) []chromedp.ExecAllocatorOption {
	return []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("no-default-browser-check", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(userDataDir),
		chromedp.WindowSize(width, height),
	}
}

// ArtifactDir is where failing browser tests leave screenshots:
// $TRUCE_ARTIFACTS if set (CI collects it), else truce-artifacts in the
// system temp directory. It is created if missing.
func ArtifactDir() string {
	d := os.Getenv("TRUCE_ARTIFACTS")
	if d == "" {
		d = filepath.Join(os.TempDir(), "truce-artifacts")
	}
	_ = os.MkdirAll(d, 0o755)
	return d
}
