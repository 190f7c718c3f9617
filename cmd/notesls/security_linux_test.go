package main

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The server and --check are run under strace -f: a tracer sees every system call,
// including those of code paths no other test reaches (a library opening a socket, a
// helper process, a stray write). scripts/test installs strace; without it these skip.

// tracedCalls are the system call classes the tests read: every call naming a file, every
// network call and every process call.
const tracedCalls = "trace=%file,%network,%process"

// systemReadPrefixes are read by the dynamic loader (a cgo build links libc) and by the Go
// runtime (huge page size, its own maps under the race detector), never user data.
var systemReadPrefixes = []string{
	"/etc/ld.so.cache", "/lib/", "/lib64/", "/usr/lib/",
	"/proc/", "/sys/", "/dev/null", "/dev/urandom", "/etc/localtime", "/usr/share/zoneinfo/",
}

// mutatingCalls change the file system whatever their arguments.
var mutatingCalls = map[string]bool{
	"rename": true, "renameat": true, "renameat2": true, "unlink": true, "unlinkat": true,
	"mkdir": true, "mkdirat": true, "rmdir": true, "link": true, "linkat": true,
	"symlink": true, "symlinkat": true, "chmod": true, "fchmodat": true, "fchmodat2": true,
	"chown": true, "lchown": true, "fchownat": true, "truncate": true, "mknod": true, "mknodat": true,
	"creat": true, "utimensat": true, "utimes": true, "setxattr": true, "lsetxattr": true,
}

// networkCalls are refused outright: notesls talks over stdin and stdout only.
var networkCalls = map[string]bool{
	"socket": true, "socketpair": true, "connect": true, "bind": true, "listen": true,
	"accept": true, "accept4": true, "sendto": true, "sendmsg": true, "recvfrom": true,
}

var (
	straceLine  = regexp.MustCompile(`^(?:\d+ +)?(\w+)\((.*)\) += (.*)$`)
	quotedFirst = regexp.MustCompile(`"((?:[^"\\]|\\.)*)"`)
)

// traceAudit is what a trace showed against the rules, one line per broken rule.
type traceAudit struct {
	roots    []string // directories whose files may be read
	execs    int
	breaches []string
	opened   map[string]bool // every path opened for reading inside the roots
}

func straceOrSkip(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("strace")
	if err != nil {
		t.Skip("strace not installed (scripts/test installs it)")
	}
	if out, err := exec.Command(path, "-f", "-qq", "-e", "trace=execve", "true").CombinedOutput(); err != nil {
		t.Skipf("strace cannot trace here (ptrace refused?): %v: %s", err, out)
	}
	return path
}

// auditTrace reads every per-thread file of an `strace -ff -o prefix` run.
func auditTrace(t *testing.T, prefix string, roots []string) *traceAudit {
	t.Helper()
	files, err := filepath.Glob(prefix + ".*")
	if err != nil || len(files) == 0 {
		t.Fatalf("no strace output at %s.*: %v", prefix, err)
	}
	a := &traceAudit{roots: roots, opened: map[string]bool{}}
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(fh)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			a.line(sc.Text())
		}
		fh.Close()
		if err := sc.Err(); err != nil {
			t.Fatal(err)
		}
	}
	return a
}

func (a *traceAudit) line(line string) {
	m := straceLine.FindStringSubmatch(line)
	if m == nil {
		return
	}
	call, args := m[1], m[2]
	switch {
	case networkCalls[call]:
		a.breaches = append(a.breaches, "network call: "+line)
	case call == "execve" || call == "execveat":
		a.execs++
		if a.execs > 1 {
			a.breaches = append(a.breaches, "a second program started: "+line)
		}
	case mutatingCalls[call]:
		a.breaches = append(a.breaches, "file system changed: "+line)
	case call == "open" || call == "openat" || call == "openat2":
		a.open(line, args)
	}
}

func (a *traceAudit) open(line, args string) {
	q := quotedFirst.FindStringSubmatch(args)
	if q == nil {
		a.breaches = append(a.breaches, "open of an unnamed path: "+line)
		return
	}
	path := q[1]
	if strings.Contains(args, "O_WRONLY") || strings.Contains(args, "O_RDWR") ||
		strings.Contains(args, "O_CREAT") || strings.Contains(args, "O_TRUNC") {
		if path != "/dev/null" {
			a.breaches = append(a.breaches, "file opened for writing: "+line)
		}
		return
	}
	for _, p := range systemReadPrefixes {
		if strings.HasPrefix(path, p) {
			return
		}
	}
	for _, r := range a.roots {
		if path == r || strings.HasPrefix(path, r+string(filepath.Separator)) {
			a.opened[path] = true
			return
		}
	}
	// The configuration is searched upwards from each root, as documented.
	if filepath.Base(path) == ".notesls.json" {
		for _, r := range a.roots {
			if strings.HasPrefix(r, filepath.Dir(path)+string(filepath.Separator)) || filepath.Dir(path) == "/" {
				return
			}
		}
	}
	a.breaches = append(a.breaches, "read outside the allowed places: "+line)
}

func (a *traceAudit) check(t *testing.T) {
	t.Helper()
	if a.execs != 1 {
		t.Errorf("traced %d execve calls, want exactly the one that starts notesls", a.execs)
	}
	for _, b := range a.breaches {
		t.Error(b)
	}
}

func TestSecurityServerUnderStrace(t *testing.T) {
	strace := straceOrSkip(t)
	base := t.TempDir()
	ws := filepath.Join(base, "ws")
	outside := filepath.Join(base, "outside")
	a := filepath.Join(ws, "a.notes")
	b := filepath.Join(ws, "sub", "b.notes")
	secret := filepath.Join(outside, "secret.notes")
	lspWriteFile(t, a, "storage -- sharding = splitting data by key https://example.com/s\nreplica = a copy, see [[sharding]]\n")
	lspWriteFile(t, b, "caching = keeping answers near, see [[replica]] and [[sharding]]\nqueue -- \n")
	lspWriteFile(t, secret, "secret = must never be read\n")

	prefix := filepath.Join(base, "trace")
	c := startServerUnder(t, []string{strace, "-f", "-ff", "-qq", "-s", "4096", "-o", prefix, "-e", tracedCalls})
	c.initialize(ws, editorCaps, nil)
	ua := lspFileURI(a)
	c.waitDiagnostics(lspFileURI(b), nil)

	// What an editor does in a session: open, edit, ask, rename, format.
	text := "storage -- sharding = splitting data by key https://example.com/s\nreplica = a copy, see [[sharding]]\nzone --  x\n"
	c.didOpen(ua, text)
	c.waitDiagnostics(ua, func(p publishParams) bool { return len(*p.Diagnostics) > 0 })
	at := textDocPos(ua, lspPositionOf(t, text, "sharding]]"))
	for _, method := range []string{"textDocument/hover", "textDocument/definition", "textDocument/references", "textDocument/completion", "textDocument/documentHighlight"} {
		params := at
		if method == "textDocument/references" {
			params = map[string]any{"textDocument": at["textDocument"], "position": at["position"], "context": map[string]any{"includeDeclaration": true}}
		}
		c.call(method, params)
	}
	segment := textDocPos(ua, lspPositionOf(t, text, "sharding ="))
	c.call("textDocument/rename", map[string]any{"textDocument": segment["textDocument"], "position": segment["position"], "newName": "partitioning"})
	c.call("textDocument/formatting", map[string]any{"textDocument": map[string]any{"uri": ua}, "options": map[string]any{"tabSize": 2, "insertSpaces": true}})
	c.call("textDocument/codeAction", map[string]any{"textDocument": map[string]any{"uri": ua},
		"range":   map[string]any{"start": map[string]any{"line": 0, "character": 0}, "end": map[string]any{"line": 3, "character": 0}},
		"context": map[string]any{"diagnostics": []any{}}})
	c.call("workspace/symbol", map[string]any{"query": "shard"})

	// Watched-file events naming a file outside the folder, and a new file inside it.
	added := filepath.Join(ws, "sub", "c.notes")
	lspWriteFile(t, added, "stream = see [[caching]] and [[nowhere]]\n")
	c.notify("workspace/didChangeWatchedFiles", map[string]any{"changes": []map[string]any{
		{"uri": lspFileURI(secret), "type": 1}, {"uri": lspFileURI(added), "type": 1},
	}})
	c.waitDiagnostics(lspFileURI(added), nil)
	if code := c.shutdownAndExit(); code != 0 {
		t.Fatalf("exit status %d", code)
	}

	audit := auditTrace(t, prefix, []string{ws})
	audit.check(t)
	for _, f := range []string{a, b, added} {
		if !audit.opened[f] {
			t.Errorf("the trace shows no read of %s: is the tracer seeing the server?", f)
		}
	}
}

func TestSecurityCheckUnderStrace(t *testing.T) {
	strace := straceOrSkip(t)
	base := t.TempDir()
	ws := filepath.Join(base, "ws")
	a := filepath.Join(ws, "a.notes")
	lspWriteFile(t, a, "replica = see [[sharding]] and [[nowhere]]\nstorage -- sharding = splitting data by key\n")
	lspWriteFile(t, filepath.Join(base, "elsewhere.notes"), "secret = must never be read\n")

	prefix := filepath.Join(base, "trace")
	cmd := exec.Command(strace, "-f", "-ff", "-qq", "-s", "4096", "-o", prefix, "-e", tracedCalls,
		notesBinary, "--check", "--format", "json", ws)
	out, err := cmd.Output()
	if ee, ok := err.(*exec.ExitError); err != nil && (!ok || ee.ExitCode() != 1) {
		t.Fatalf("--check: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), `"broken-reference"`) {
		t.Fatalf("--check found nothing in a.notes: %s", out)
	}
	audit := auditTrace(t, prefix, []string{ws})
	audit.check(t)
	if !audit.opened[a] {
		t.Errorf("the trace shows no read of %s", a)
	}
}

func TestTraceAuditRules(t *testing.T) {
	tests := []struct {
		line   string
		breach bool
	}{
		{`openat(AT_FDCWD, "/ws/a.notes", O_RDONLY|O_NONBLOCK|O_CLOEXEC) = 3`, false},
		{`12 openat(AT_FDCWD, "/ws/sub/b.notes", O_RDONLY|O_CLOEXEC) = 3`, false},
		{`openat(AT_FDCWD, "/.notesls.json", O_RDONLY|O_CLOEXEC) = -1 ENOENT (No such file or directory)`, false},
		{`openat(AT_FDCWD, "/proc/self/maps", O_RDONLY|O_CLOEXEC) = 3`, false},
		{`newfstatat(AT_FDCWD, "/etc/passwd", {st_mode=S_IFREG|0644, st_size=1}, 0) = 0`, false},
		{`openat(AT_FDCWD, "/elsewhere/x.notes", O_RDONLY|O_CLOEXEC) = 3`, true},
		{`openat(AT_FDCWD, "/elsewhere/.notesls.json", O_RDONLY|O_CLOEXEC) = 3`, true},
		{`openat(AT_FDCWD, "/ws/a.notes", O_WRONLY|O_TRUNC|O_CLOEXEC) = 3`, true},
		{`openat(AT_FDCWD, "/ws/.a.tmp", O_RDWR|O_CREAT|O_EXCL|O_CLOEXEC, 0600) = 3`, true},
		{`renameat(AT_FDCWD, "/ws/.a.tmp", AT_FDCWD, "/ws/a.notes") = 0`, true},
		{`unlinkat(AT_FDCWD, "/ws/a.notes", 0) = 0`, true},
		{`socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC|SOCK_NONBLOCK, IPPROTO_IP) = 3`, true},
		{`connect(3, {sa_family=AF_UNIX, sun_path="/run/x"}, 110) = 0`, true},
	}
	for _, tt := range tests {
		a := &traceAudit{roots: []string{"/ws"}, opened: map[string]bool{}}
		a.line(tt.line)
		if got := len(a.breaches) > 0; got != tt.breach {
			t.Errorf("%s: breach %v, want %v (%v)", tt.line, got, tt.breach, a.breaches)
		}
	}
	a := &traceAudit{roots: []string{"/ws"}, opened: map[string]bool{}}
	a.line(`execve("/bin/notesls", ["notesls"], 0x7ffd /* 3 vars */) = 0`)
	a.line(`execve("/bin/sh", ["sh", "-c", "x"], 0x7ffd /* 3 vars */) = 0`)
	if a.execs != 2 || len(a.breaches) != 1 {
		t.Errorf("two execve: %d counted, breaches %v; want the second refused", a.execs, a.breaches)
	}
}
