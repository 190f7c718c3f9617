package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// notesBinary is the notesls binary built once for the black-box tests, which drive it the
// way an editor or a CI job does.
var notesBinary string

func TestMain(m *testing.M) {
	os.Exit(buildAndRun(m))
}

func buildAndRun(m *testing.M) int {
	if slices.ContainsFunc(os.Args[1:], func(a string) bool {
		return a == "-test.fuzzworker" || strings.HasPrefix(a, "-test.list")
	}) {
		// A fuzzing worker runs only the fuzz target, in-process; it is started again
		// after every input whose minimization runs out of time, and a build each time
		// would take most of the fuzzing time. A listing runs nothing.
		return m.Run()
	}
	dir, err := os.MkdirTemp("", "notesls-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	notesBinary = filepath.Join(dir, "notesls")
	if runtime.GOOS == "windows" {
		notesBinary += ".exe"
	}
	args := []string{"build", "-o", notesBinary}
	if raceEnabled {
		args = append(args, "-race")
	}
	build := exec.Command("go", append(args, ".")...)
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build notesls:", err)
		return 1
	}
	return m.Run()
}
