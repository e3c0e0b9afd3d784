// Package storetest opens fresh, migrated databases for tests: SQLite in a
// temporary directory always, and PostgreSQL when CONTINUO_TEST_POSTGRES
// holds a DSN (each test gets its own database, dropped afterwards).
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/continuo-bcm/continuo/internal/store"
)

// PostgresEnv names the environment variable with the PostgreSQL DSN.
const PostgresEnv = "CONTINUO_TEST_POSTGRES"

// Engines returns the engines to test against.
func Engines() []store.Engine {
	e := []store.Engine{store.SQLite}
	if os.Getenv(PostgresEnv) != "" {
		e = append(e, store.Postgres)
	}
	return e
}

// Each runs fn as a subtest once per engine, each with a fresh database.
func Each(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	for _, e := range Engines() {
		t.Run(string(e), func(t *testing.T) {
			fn(t, New(t, e))
		})
	}
}

// DSN returns the DSN of a fresh, empty database for the engine.
func DSN(t testing.TB, e store.Engine) string {
	t.Helper()
	if e == store.SQLite {
		return filepath.Join(t.TempDir(), "continuo.db")
	}
	admin := os.Getenv(PostgresEnv)
	if admin == "" {
		t.Fatalf("%s is not set", PostgresEnv)
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "continuo_t_" + hex.EncodeToString(b)
	adb, err := sql.Open("pgx", admin)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := adb.Exec("CREATE DATABASE " + name); err != nil {
		adb.Close()
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		_, _ = adb.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
		adb.Close()
	})
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

// New returns a fresh, migrated database for the engine, closed when the
// test ends.
func New(t testing.TB, e store.Engine) *store.DB {
	t.Helper()
	return Open(t, DSN(t, e))
}

// Open opens and migrates the database at dsn, closed when the test ends.
// Opening one DSN twice gives two handles on one database, as two server
// processes have.
func Open(t testing.TB, dsn string) *store.DB {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return db
}
