package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
)

// Backup writes a consistent copy of a SQLite database to file while the
// server keeps running (VACUUM INTO takes a read snapshot). PostgreSQL
// databases are backed up with pg_dump instead.
func (db *DB) Backup(ctx context.Context, file string) error {
	if db.engine != SQLite {
		return errors.New("backup: this database runs on PostgreSQL; use pg_dump (for example: pg_dump -Fc -f continuo.dump DSN)")
	}
	if _, err := os.Stat(file); err == nil {
		return fmt.Errorf("backup: %s already exists; choose a new file name", file)
	}
	abs, err := filepath.Abs(file)
	if err != nil {
		return err
	}
	// A connection of its own: the read pool is query-only (VACUUM INTO
	// writes the target file), and the write connection must stay free for
	// the running server.
	c, err := sql.Open("sqlite", "file:"+url.PathEscape(db.path)+"?_pragma=busy_timeout(5000)")
	if err != nil {
		return err
	}
	defer c.Close()
	if _, err := c.ExecContext(ctx, "VACUUM INTO ?", abs); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	return nil
}

// CheckBackup opens a SQLite file read-only and confirms it is an intact
// Continuo database: integrity check passes and migrations are recorded.
// It returns the schema version.
func CheckBackup(ctx context.Context, file string) (int, error) {
	if _, err := os.Stat(file); err != nil {
		return 0, fmt.Errorf("restore: %w", err)
	}
	c, err := sql.Open("sqlite", "file:"+url.PathEscape(file)+"?mode=ro")
	if err != nil {
		return 0, err
	}
	defer c.Close()
	var res string
	if err := c.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&res); err != nil {
		return 0, fmt.Errorf("restore: %s is not a SQLite database: %w", file, err)
	}
	if res != "ok" {
		return 0, fmt.Errorf("restore: %s is damaged: %s", file, res)
	}
	var v int
	if err := c.QueryRowContext(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&v); err != nil {
		return 0, fmt.Errorf("restore: %s is not a Continuo database: %w", file, err)
	}
	return v, nil
}

// Restore replaces the SQLite database at target with the backup file. The
// server must be stopped. The copy is written beside the target and renamed
// over it, so a failure midway leaves the old database in place.
func Restore(ctx context.Context, backup, target string) error {
	if _, err := CheckBackup(ctx, backup); err != nil {
		return err
	}
	in, err := os.Open(backup)
	if err != nil {
		return err
	}
	defer in.Close()
	if dir := filepath.Dir(target); dir != "." {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return err
		}
	}
	tmp, err := os.CreateTemp(filepath.Dir(target), ".restore-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := io.Copy(tmp, in); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	// A WAL left from the old database would be replayed onto the new one.
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := os.Remove(target + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return os.Rename(tmp.Name(), target)
}
