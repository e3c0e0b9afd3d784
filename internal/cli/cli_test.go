package cli

import (
	"bytes"
	"context"
	"database/sql"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/continuo-bcm/continuo/internal/store"
)

// run executes the command line with args and returns stdout, stderr and
// the error.
func run(t *testing.T, stdin string, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	cmd := Root(strings.NewReader(stdin), &out, &errOut)
	cmd.SetArgs(args)
	err := cmd.ExecuteContext(context.Background())
	return out.String(), errOut.String(), err
}

func TestUserTokenAndAudit(t *testing.T) {
	db := filepath.Join(t.TempDir(), "c.db")
	out, _, err := run(t, "a long enough password\n", "--db", db, "user", "create", "--username", "admin", "--role", "admin", "--password-stdin")
	if err != nil || !strings.Contains(out, "created user admin") {
		t.Fatalf("user create: %q %v", out, err)
	}
	_, _, err = run(t, "", "--db", db, "user", "create", "--username", "x", "--role", "king")
	if err == nil || !strings.Contains(err.Error(), `unknown role`) {
		t.Fatalf("bad role: %v", err)
	}
	_, _, err = run(t, "short\n", "--db", db, "user", "create", "--username", "bob", "--password-stdin")
	if err == nil || !strings.Contains(err.Error(), "password: must be at least 10 characters") {
		t.Fatalf("short password: %v", err)
	}
	out, _, err = run(t, "", "--db", db, "user", "create", "--username", "gen", "--role", "viewer@nosuchunit")
	if err == nil || !strings.Contains(err.Error(), `no org unit with id or code "nosuchunit"`) {
		t.Fatalf("unknown unit: %q %v", out, err)
	}
	out, _, err = run(t, "", "--db", db, "user", "create", "--username", "gen", "--role", "viewer@1")
	if err != nil || !regexp.MustCompile(`password: \S{20}\n`).MatchString(out) {
		t.Fatalf("generated password: %q %v", out, err)
	}
	out, _, err = run(t, "", "--db", db, "token", "create", "--user", "admin", "--name", "ci")
	if err != nil || !strings.HasPrefix(out, "cto_") {
		t.Fatalf("token create: %q %v", out, err)
	}
	if _, _, err := run(t, "", "--db", db, "token", "create", "--user", "nobody"); err == nil {
		t.Fatal("token for an unknown user was created")
	}
	out, _, err = run(t, "", "--db", db, "audit", "verify")
	if err != nil || !strings.Contains(out, "audit log intact") {
		t.Fatalf("audit verify: %q %v", out, err)
	}
	// Someone edits the log behind the application's back.
	raw, err := sql.Open("sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	for _, s := range []string{"DROP TRIGGER audit_log_no_update", "UPDATE audit_log SET actor = 'mallory' WHERE id = 1"} {
		if _, err := raw.Exec(s); err != nil {
			t.Fatal(err)
		}
	}
	out, _, err = run(t, "", "--db", db, "audit", "verify")
	if err == nil || !strings.Contains(out, "entry 1:") {
		t.Fatalf("tampered log: %q %v", out, err)
	}
}

func TestBackupAndRestore(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "c.db")
	backup := filepath.Join(dir, "backup.db")
	if _, _, err := run(t, "a long enough password\n", "--db", db, "user", "create", "--username", "first", "--role", "admin", "--password-stdin"); err != nil {
		t.Fatal(err)
	}
	out, _, err := run(t, "", "--db", db, "backup", backup)
	if err != nil || !strings.Contains(out, "backup written") {
		t.Fatalf("backup: %q %v", out, err)
	}
	if _, _, err := run(t, "", "--db", db, "backup", backup); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("backup over an existing file: %v", err)
	}
	if _, _, err := run(t, "a long enough password\n", "--db", db, "user", "create", "--username", "second", "--password-stdin"); err != nil {
		t.Fatal(err)
	}
	notDB := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(notDB, []byte("not a database"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := run(t, "", "--db", db, "restore", notDB); err == nil {
		t.Fatal("restoring a text file succeeded")
	}
	if n := countUsers(t, db); n != 2 {
		t.Fatalf("a failed restore changed the database: %d users", n)
	}
	if _, _, err := run(t, "", "--db", db, "restore", backup); err != nil {
		t.Fatal(err)
	}
	if n := countUsers(t, db); n != 1 {
		t.Fatalf("after restore: %d users, want 1", n)
	}
	if _, _, err := run(t, "", "--db", "postgres://nowhere/x", "restore", backup); err == nil || !strings.Contains(err.Error(), "pg_restore") {
		t.Fatalf("restore on PostgreSQL: %v", err)
	}
}

func countUsers(t *testing.T, path string) int {
	t.Helper()
	db, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	n, err := db.CountUsers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestDemoMigrateVersionAndFlags(t *testing.T) {
	db := filepath.Join(t.TempDir(), "c.db")
	out, _, err := run(t, "", "--db", db, "migrate")
	if err != nil || !strings.Contains(out, "schema version") {
		t.Fatalf("migrate: %q %v", out, err)
	}
	out, _, err = run(t, "", "--db", db, "demo")
	if err != nil || !strings.Contains(out, "Demo organisation loaded") || !strings.Contains(out, `"admin"`) {
		t.Fatalf("demo: %q %v", out, err)
	}
	out, _, err = run(t, "", "--db", db, "demo")
	if err != nil || !strings.Contains(out, "already holds an organisation") {
		t.Fatalf("demo again: %q %v", out, err)
	}
	out, _, _ = run(t, "", "version")
	if !strings.HasPrefix(out, "continuo ") {
		t.Fatalf("version: %q", out)
	}
	if _, _, err := run(t, "", "--db", db, "--log-level", "loud", "demo"); err == nil || !strings.Contains(err.Error(), "--log-level") {
		t.Fatalf("bad log level: %v", err)
	}
	if _, _, err := run(t, "", "--db", db, "--time-zone", "Mars/Olympus", "demo"); err == nil || !strings.Contains(err.Error(), `time zone "Mars/Olympus"`) {
		t.Fatalf("bad time zone: %v", err)
	}
	if _, _, err := run(t, "", "--db", db, "--time-zone", "Asia/Shanghai", "demo"); err != nil {
		t.Fatalf("time zone Asia/Shanghai: %v", err)
	}
	t.Setenv("CONTINUO_DB", db)
	out, _, err = run(t, "", "demo")
	if err != nil || !strings.Contains(out, "already holds") {
		t.Fatalf("CONTINUO_DB not used: %q %v", out, err)
	}
	t.Setenv("CONTINUO_DEMO", "perhaps")
	if _, _, err := run(t, "", "serve"); err == nil || !strings.Contains(err.Error(), "CONTINUO_DEMO") {
		t.Fatalf("bad environment value: %v", err)
	}
}

// syncBuffer is a bytes.Buffer safe for the server goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestServeDemo(t *testing.T) {
	db := filepath.Join(t.TempDir(), "c.db")
	var out, errOut syncBuffer
	cmd := Root(strings.NewReader(""), &out, &errOut)
	cmd.SetArgs([]string{"--db", db, "serve", "--demo", "--addr", "127.0.0.1:0"})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- cmd.ExecuteContext(ctx) }()
	addrRe := regexp.MustCompile(`addr=(http://127\.0\.0\.1:\d+)`)
	var base string
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); {
		if m := addrRe.FindStringSubmatch(errOut.String()); m != nil {
			base = m[1]
			break
		}
		select {
		case err := <-done:
			t.Fatalf("serve stopped: %v\n%s", err, errOut.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	if base == "" {
		t.Fatalf("server never said it was ready:\n%s", errOut.String())
	}
	resp, err := http.Get(base + "/readyz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("readyz: %v %v", resp, err)
	}
	resp.Body.Close()
	if !strings.Contains(out.String(), `username "admin"`) {
		t.Errorf("demo login not printed: %q", out.String())
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("shutdown: %v", err)
	}
}
