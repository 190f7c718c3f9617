package server

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
)

// releaseVersion is set by release builds that carry no module version of their own
// (`-ldflags "-X github.com/notesls/notesls/server.releaseVersion=v1.2.0"`).
var releaseVersion string

// Version is the build's module version (a tag, or the pseudo-version Go derives from the
// commit), the one initialize reports in serverInfo.
func Version() string {
	if releaseVersion != "" {
		return releaseVersion
	}
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" {
		return info.Main.Version
	}
	return "(devel)"
}

// VersionDetails is what `notesls --version` prints: the version, and what a bug report
// needs beside it (revision, whether the tree was modified, the toolchain and platform).
func VersionDetails() string {
	var b strings.Builder
	fmt.Fprintf(&b, "notesls %s\n", Version())
	if info, ok := debug.ReadBuildInfo(); ok {
		settings := map[string]string{}
		for _, s := range info.Settings {
			settings[s.Key] = s.Value
		}
		if rev := settings["vcs.revision"]; rev != "" {
			fmt.Fprintf(&b, "revision %s", rev)
			if t := settings["vcs.time"]; t != "" {
				fmt.Fprintf(&b, " (%s)", t)
			}
			if settings["vcs.modified"] == "true" {
				b.WriteString(", modified")
			}
			b.WriteByte('\n')
		}
	}
	fmt.Fprintf(&b, "built with %s for %s/%s\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return b.String()
}
