// Command notesls is the notes language server (no arguments, or `serve`) and the notes
// linter (`--check`).
package main

import (
	"fmt"
	"io"
	"os"

	"github.com/notesls/notesls/server"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run dispatches on the mode so that tests can drive both modes in-process.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	for _, a := range args {
		if a == "--" {
			break
		}
		if a == "--version" || a == "-version" {
			fmt.Fprint(stdout, server.VersionDetails())
			return 0
		}
	}
	if len(args) > 0 && args[0] == "lookup" {
		return runLookup(args[1:], stdout, stderr)
	}
	for _, a := range args {
		if a == "--check" || a == "-check" {
			return runCheck(args, stdout, stderr)
		}
		if a == "--" {
			break
		}
	}
	return runServe(args, stdin, stdout, stderr)
}
