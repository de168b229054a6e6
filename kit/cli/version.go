package cli

import (
	"flag"
	"fmt"
	"io"
	"runtime/debug"

	"github.com/streams-workshop/kit/lang"
)

// Version is the program's version and the Go version that built it, from
// the build information Go writes into every binary. A binary built from a
// module version says that version (v1.2.0); one built in a checkout says its
// commit (v0.0.0-20261206…-abcdef123456, +dirty with local changes). go run
// and go test say "(devel)".
func Version() (version, goVersion string) {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown)", "(unknown)"
	}
	version = info.Main.Version
	if version == "" || version == "(devel)" {
		version = commitOf(info)
	}
	return version, info.GoVersion
}

// commitOf is the commit a binary was built from (go build in a checkout
// stamps it), or "(devel)".
func commitOf(info *debug.BuildInfo) string {
	var revision, modified string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			revision = s.Value
		case "vcs.modified":
			modified = s.Value
		}
	}
	if revision == "" {
		return "(devel)"
	}
	if modified == "true" {
		revision += "+dirty"
	}
	return revision
}

// ParseService is Parse for a service's command line, with -version beside
// -h and -lang. -version prints "name version goVersion" on stdout, and run
// then returns flag.ErrHelp, as after -h: Main exits 0.
func ParseService(flags *flag.FlagSet, args []string, stdout io.Writer) error {
	showVersion := flags.Bool("version", false, lang.Both("print the version and the Go version, and exit", "버전과 Go 버전을 출력하고 끝낸다"))
	if err := Parse(flags, args); err != nil {
		return err
	}
	if *showVersion {
		version, goVersion := Version()
		fmt.Fprintln(stdout, flags.Name(), version, goVersion)
		return flag.ErrHelp
	}
	return nil
}
