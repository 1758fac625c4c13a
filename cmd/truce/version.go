package main

import (
	"fmt"
	"io"
	"runtime/debug"

	"github.com/spf13/cobra"
)

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print truce's version and the source revision it was built from",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			info, _ := debug.ReadBuildInfo()
			writeVersion(cmd.OutOrStdout(), info)
			return nil
		},
	}
}

// writeVersion prints the module version and, when the binary was built from
// a VCS checkout, the revision, its time and whether the tree was modified.
func writeVersion(w io.Writer, info *debug.BuildInfo) {
	if info == nil {
		fmt.Fprintln(w, "truce (no build information)")
		return
	}
	version := info.Main.Version
	if version == "" {
		version = "(devel)"
	}
	fmt.Fprintf(w, "truce %s\n", version)
	settings := map[string]string{}
	for _, s := range info.Settings {
		settings[s.Key] = s.Value
	}
	if rev := settings["vcs.revision"]; rev != "" {
		dirty := ""
		if settings["vcs.modified"] == "true" {
			dirty = " (modified)"
		}
		fmt.Fprintf(w, "revision %s%s\n", rev, dirty)
		if t := settings["vcs.time"]; t != "" {
			fmt.Fprintf(w, "built from commit of %s\n", t)
		}
	}
	fmt.Fprintf(w, "go %s\n", info.GoVersion)
}
