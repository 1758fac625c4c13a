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

// TestSubcommandNames: each entry of subcommands builds the command it
// names, the list is sorted, and the tree built for one command gives it
// the same usage (flags, global flags, help) as the whole tree.
func TestSubcommandNames(t *testing.T) {
	all := subcommands()
	full := newRootCmd()
	for i, sc := range all {
		if i > 0 && all[i-1].name >= sc.name {
			t.Errorf("subcommands: %q after %q; keep the list sorted", sc.name, all[i-1].name)
		}
		one := newRootCmdFor(sc.name)
		if n := len(one.Commands()); n != 1 {
			t.Errorf("tree for %q has %d commands", sc.name, n)
		}
		got, _, err := one.Find([]string{sc.name})
		if err != nil || got.Name() != sc.name {
			t.Fatalf("subcommands: %q builds %q (%v)", sc.name, got.Name(), err)
		}
		want, _, err := full.Find([]string{sc.name})
		if err != nil || want.Name() != sc.name {
			t.Fatalf("whole tree: %q not found (%v)", sc.name, err)
		}
		if g, w := got.UsageString(), want.UsageString(); g != w {
			t.Errorf("%s: usage alone differs from the whole tree's:\n%s\nwant\n%s", sc.name, g, w)
		}
	}
	if len(full.Commands()) < len(all) {
		t.Errorf("whole tree has %d commands, subcommands %d", len(full.Commands()), len(all))
	}
	// Anything else (help, a misspelt name, flags first) gets every command.
	for _, name := range []string{"", "help", "nsah", "--progress"} {
		if n := len(newRootCmdFor(name).Commands()); n != len(all) {
			t.Errorf("tree for %q has %d commands, want %d", name, n, len(all))
		}
	}
}

// BenchmarkRootCmd: building the whole command tree (help, completion)
// against the tree for one command, what every `truce nash …` pays
// before it reads its game.
//
//	go test ./cmd/truce -run '^$' -bench RootCmd -benchmem
func BenchmarkRootCmd(b *testing.B) {
	for _, name := range []string{"", "nash"} {
		label := name
		if label == "" {
			label = "all"
		}
		b.Run(label, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				newRootCmdFor(name)
			}
		})
	}
}
