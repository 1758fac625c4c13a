package main

import (
	"bytes"
	"runtime/debug"
	"strings"
	"testing"
)

func TestWriteVersion(t *testing.T) {
	tests := []struct {
		name string
		info *debug.BuildInfo
		want []string
	}{
		{"nil", nil, []string{"truce (no build information)"}},
		{"devel", &debug.BuildInfo{GoVersion: "go1.26.8"}, []string{"truce (devel)", "go go1.26.8"}},
		{"vcs", &debug.BuildInfo{
			GoVersion: "go1.26.8",
			Main:      debug.Module{Version: "v0.1.0"},
			Settings: []debug.BuildSetting{
				{Key: "vcs.revision", Value: "abc123"},
				{Key: "vcs.modified", Value: "true"},
				{Key: "vcs.time", Value: "2026-11-27T00:00:00Z"},
			},
		}, []string{"truce v0.1.0", "revision abc123 (modified)", "2026-11-27T00:00:00Z"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			writeVersion(&b, tt.info)
			for _, w := range tt.want {
				if !strings.Contains(b.String(), w) {
					t.Errorf("output %q lacks %q", b.String(), w)
				}
			}
		})
	}
}

func TestVersionCommand(t *testing.T) {
	var out bytes.Buffer
	root := newRootCmd()
	root.SetOut(&out)
	root.SetArgs([]string{"version"})
	if err := root.Execute(); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "truce ") || !strings.Contains(out.String(), "go go1.") {
		t.Fatalf("unexpected version output %q", out.String())
	}
}

func TestHelpListsOnlyRealCommands(t *testing.T) {
	var out bytes.Buffer
	root := newRootCmd()
	root.SetOut(&out)
	root.SetArgs([]string{"--help"})
	if err := root.Execute(); err != nil {
		t.Fatal(err)
	}
	for _, c := range root.Commands() {
		if c.Hidden || c.Name() == "help" || c.Name() == "completion" {
			continue
		}
		if c.RunE == nil && c.Run == nil && !c.HasSubCommands() {
			t.Errorf("command %q is listed but does nothing", c.Name())
		}
	}
	if !strings.Contains(out.String(), "version") || !strings.Contains(out.String(), "completion") {
		t.Fatalf("help lacks version or completion: %s", out.String())
	}
}
