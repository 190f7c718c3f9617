package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
	"strings"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/notesls/notesls/server"
)

const serveUsage = `usage: notesls [serve] [flags]

Runs the notes language server over stdin/stdout (the Language Server Protocol).

flags:
  --stdio                 talk over stdin/stdout (the default and only transport)
  --log-file FILE         append the log to FILE instead of stderr
  --log-level LEVEL       debug, info, warn or error (default warn)
  --profile.cpu FILE      write a CPU profile of the session to FILE
  --profile.mem FILE      write a heap profile to FILE when the server exits
  --profile.trace FILE    write an execution trace of the session to FILE (go tool trace)
  --version               print the version and the build's revision, then exit

The server exits with status 0 after shutdown and exit, 1 when exit or the end of
stdin comes without shutdown, 2 on a usage error.
`

// testHooksEnv enables the server's notesls/test/* requests; only the black-box tests set it.
const testHooksEnv = "NOTESLS_TEST_HOOKS"

// runServe runs the language server on stdin and stdout. Nothing but protocol frames is
// ever written to stdout: the log goes to stderr or --log-file.
func runServe(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "serve" {
		args = args[1:]
	}
	fs := flag.NewFlagSet("notesls serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, serveUsage) }
	logFile := fs.String("log-file", "", "")
	logLevel := fs.String("log-level", "warn", "")
	fs.Bool("stdio", true, "")
	cpuProfile := fs.String("profile.cpu", "", "")
	memProfile := fs.String("profile.mem", "", "")
	traceFile := fs.String("profile.trace", "", "")
	// Editors add these on their own; they need no action here.
	fs.String("clientProcessId", "", "")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "notesls: unexpected argument %q\n%s", fs.Arg(0), serveUsage)
		return 2
	}
	// As gopls's -profile.cpu and -profile.trace: a CPU profile of the whole session, for
	// slow-edit reports, and an execution trace, which shows where a slow answer waited
	// (for a core, a lock, the collector), what a CPU profile cannot.
	for _, rec := range []struct {
		flag, path string
		start      func(string) (func(), error)
	}{{"profile.cpu", *cpuProfile, startCPUProfile}, {"profile.trace", *traceFile, startTrace}} {
		if rec.path == "" {
			continue
		}
		stop, err := rec.start(rec.path)
		if err != nil {
			fmt.Fprintf(stderr, "notesls: --%s: %v\n", rec.flag, err)
			return 2
		}
		defer stop()
	}
	if *memProfile != "" {
		defer writeHeapProfile(*memProfile, stderr)
	}
	var level zapcore.Level
	if err := level.UnmarshalText([]byte(strings.ToLower(*logLevel))); err != nil {
		fmt.Fprintf(stderr, "notesls: --log-level: %v\n", err)
		return 2
	}
	logOut := stderr
	if *logFile != "" {
		f, err := os.OpenFile(*logFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			fmt.Fprintf(stderr, "notesls: --log-file: %v\n", err)
			return 2
		}
		defer f.Close()
		logOut = f
	}
	enc := zap.NewProductionEncoderConfig()
	enc.EncodeTime = zapcore.ISO8601TimeEncoder
	logger := zap.New(zapcore.NewCore(zapcore.NewConsoleEncoder(enc), zapcore.AddSync(logOut), level))
	defer logger.Sync() //nolint:errcheck // nothing to do about a failed flush at exit

	if stdin == os.Stdin {
		in, restore := pollableStdin()
		defer restore()
		stdin = in
	}
	stream := server.NewStream(stdio{in: stdin, out: stdout}, logger)
	err := server.Serve(context.Background(), stream, server.Options{
		Logger:    logger,
		TestHooks: os.Getenv(testHooksEnv) == "1",
	})
	if err != nil {
		logger.Info("exiting with status 1", zap.Error(err))
		return 1
	}
	return 0
}

// stdio joins stdin and stdout into the connection the stream frames.
type stdio struct {
	in  io.Reader
	out io.Writer
}

func (s stdio) Read(p []byte) (int, error)  { return s.in.Read(p) }
func (s stdio) Write(p []byte) (int, error) { return s.out.Write(p) }

// Close closes stdin when it can be closed, which ends a pending read.
func (s stdio) Close() error {
	if c, ok := s.in.(io.Closer); ok && s.in != os.Stdin {
		return c.Close()
	}
	return nil
}

// writeHeapProfile records the live heap, as gopls's -profile.mem, for memory reports.
func writeHeapProfile(path string, stderr io.Writer) {
	f, err := os.Create(path)
	if err != nil {
		fmt.Fprintf(stderr, "notesls: --profile.mem: %v\n", err)
		return
	}
	defer f.Close()
	runtime.GC()
	if err := pprof.WriteHeapProfile(f); err != nil {
		fmt.Fprintf(stderr, "notesls: --profile.mem: %v\n", err)
	}
}

// startCPUProfile writes a CPU profile to path until stop is called.
func startCPUProfile(path string) (stop func(), err error) {
	return startRecording(path, pprof.StartCPUProfile, pprof.StopCPUProfile)
}

// startTrace writes an execution trace to path until stop is called.
func startTrace(path string) (stop func(), err error) {
	return startRecording(path, trace.Start, trace.Stop)
}

// startRecording creates path and records into it from start until the returned stop.
func startRecording(path string, start func(io.Writer) error, end func()) (stop func(), err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := start(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		end()
		f.Close()
	}, nil
}
