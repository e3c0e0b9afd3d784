// Package store implements the domain stores on SQLite (embedded, the
// default) and PostgreSQL (for scale-out). Both engines share one
// implementation: the SQL is written in the common dialect and the few
// differences (placeholders, schema types, locking) are handled here.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/tx"
)

// Engine names a storage engine.
type Engine string

// The storage engines.
const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// DB is a connection to one Continuo database. It implements the Store
// interfaces of the domain packages and tx.Runner.
type DB struct {
	engine Engine
	dsn    string
	path   string  // SQLite file path
	write  *sql.DB // SQLite: one connection, so writers queue instead of failing
	read   *sql.DB // SQLite: a pool for readers; PostgreSQL: the same pool as write

	rebound  sync.Map // query text → engine-specific text
	dir      directory
	subtrees subtreeCache

	// SQLite spends more time parsing a statement than running a small
	// one, so reads outside transactions (the hot path: lists, lookups,
	// authentication) use statements prepared once per read connection and
	// kept. Writes run in transactions on the single write connection,
	// which cannot prepare while it is held; pgx caches statements itself.
	stmtMu sync.Mutex
	stmts  map[string]*sql.Stmt
	// wstmts are statements prepared on the SQLite write connection, for
	// the hot writes of the notification engine (see writeStmt).
	wstmts map[string]*sql.Stmt
}

// maxStmts bounds the statement cache; queries beyond it (long IN lists of
// unusual lengths) are prepared for each use.
const maxStmts = 512

// Open opens the database named by dsn: a postgres:// or postgresql:// URL
// selects PostgreSQL, anything else is a SQLite file path (optionally
// prefixed with sqlite: or file:). It does not run migrations.
func Open(ctx context.Context, dsn string) (*DB, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return openPostgres(ctx, dsn)
	}
	return openSQLite(ctx, dsn)
}

func openSQLite(ctx context.Context, dsn string) (*DB, error) {
	path := strings.TrimPrefix(strings.TrimPrefix(dsn, "sqlite:"), "file:")
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	if path == "" {
		return nil, errors.New("store: empty SQLite path")
	}
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("store: create directory for %s: %w", path, err)
		}
	}
	pragmas := "_pragma=journal_mode(WAL)&_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_time_format=sqlite"
	w, err := sql.Open("sqlite", "file:"+url.PathEscape(path)+"?"+pragmas+"&_txlock=immediate")
	if err != nil {
		return nil, err
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxIdleTime(0)
	w.SetConnMaxLifetime(0)
	r, err := sql.Open("sqlite", "file:"+url.PathEscape(path)+"?"+pragmas+"&_pragma=query_only(1)")
	if err != nil {
		w.Close()
		return nil, err
	}
	r.SetMaxOpenConns(8)
	r.SetMaxIdleConns(8)
	r.SetConnMaxIdleTime(0)
	r.SetConnMaxLifetime(0)
	db := &DB{engine: SQLite, dsn: dsn, path: path, write: w, read: r}
	if err := w.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	return db, nil
}

func openPostgres(ctx context.Context, dsn string) (*DB, error) {
	p, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, err
	}
	p.SetMaxOpenConns(32)
	p.SetMaxIdleConns(32)
	p.SetConnMaxIdleTime(5 * time.Minute)
	if err := p.PingContext(ctx); err != nil {
		p.Close()
		return nil, fmt.Errorf("store: connect to PostgreSQL: %w", err)
	}
	return &DB{engine: Postgres, dsn: dsn, write: p, read: p}, nil
}

// Engine tells which engine the database runs on.
func (db *DB) Engine() Engine { return db.engine }

// Path returns the SQLite file path ("" on PostgreSQL).
func (db *DB) Path() string { return db.path }

// Close closes the connections.
func (db *DB) Close() error {
	db.dir.builds.Wait()
	db.stmtMu.Lock()
	for _, st := range db.stmts {
		_ = st.Close()
	}
	for _, st := range db.wstmts {
		_ = st.Close()
	}
	db.stmts, db.wstmts = nil, nil
	db.stmtMu.Unlock()
	err := db.write.Close()
	if db.read != db.write {
		err = errors.Join(err, db.read.Close())
	}
	return err
}

// Ping checks that the database answers; used by the readiness probe.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	return db.read.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

type txKey struct{}

// querier is what *sql.DB and *sql.Tx have in common.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// InTx runs fn in a transaction carried by the context. A call made inside
// another InTx joins the outer transaction.
func (db *DB) InTx(ctx context.Context, fn func(ctx context.Context) error) (err error) {
	if _, ok := ctx.Value(txKey{}).(*sql.Tx); ok {
		return fn(ctx)
	}
	t, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	ctx, runHooks := tx.WithCommitHooks(ctx)
	defer func() {
		if p := recover(); p != nil {
			_ = t.Rollback()
			panic(p)
		}
		if err != nil {
			_ = t.Rollback()
			return
		}
		if cerr := t.Commit(); cerr != nil {
			err = mapErr(cerr)
			return
		}
		runHooks()
	}()
	return fn(context.WithValue(ctx, txKey{}, t))
}

// q returns the transaction in ctx, or the read pool.
func (db *DB) q(ctx context.Context) querier {
	if t, ok := ctx.Value(txKey{}).(*sql.Tx); ok {
		return t
	}
	return db.read
}

// w returns the transaction in ctx, or the write pool.
func (db *DB) w(ctx context.Context) querier {
	if t, ok := ctx.Value(txKey{}).(*sql.Tx); ok {
		return t
	}
	return db.write
}

// rebind turns ? placeholders into $1, $2… for PostgreSQL.
func (db *DB) rebind(query string) string {
	if db.engine != Postgres {
		return query
	}
	if v, ok := db.rebound.Load(query); ok {
		return v.(string)
	}
	var b strings.Builder
	n := 0
	inStr := false
	for i := 0; i < len(query); i++ {
		c := query[i]
		if c == '\'' {
			inStr = !inStr
		}
		if c == '?' && !inStr {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(c)
	}
	out := b.String()
	db.rebound.Store(query, out)
	return out
}

// writeStmt returns a statement prepared once on the SQLite write
// connection, or nil on PostgreSQL (pgx caches statements itself). Outside
// a transaction it prepares the statement on first use; inside one it can
// only hand out a statement prepared before (the transaction holds the
// single write connection, so preparing would wait for itself), bound to
// the transaction, and returns nil otherwise. Callers run the query
// unprepared when it returns nil.
func (db *DB) writeStmt(ctx context.Context, query string) *sql.Stmt {
	if db.engine != SQLite {
		return nil
	}
	t, inTx := ctx.Value(txKey{}).(*sql.Tx)
	db.stmtMu.Lock()
	st, ok := db.wstmts[query]
	db.stmtMu.Unlock()
	if inTx {
		if !ok {
			return nil
		}
		return t.StmtContext(ctx, st)
	}
	if ok {
		return st
	}
	st, err := db.write.PrepareContext(context.WithoutCancel(ctx), query)
	if err != nil {
		return nil // run unprepared; the query reports the error
	}
	db.stmtMu.Lock()
	defer db.stmtMu.Unlock()
	if prev, ok := db.wstmts[query]; ok {
		_ = st.Close()
		return prev
	}
	if db.wstmts == nil {
		db.wstmts = map[string]*sql.Stmt{}
	}
	db.wstmts[query] = st
	return st
}

// prepared returns the cached read statement for query, or nil when the
// query runs inside a transaction, on PostgreSQL, or past the cache bound.
func (db *DB) prepared(ctx context.Context, query string) *sql.Stmt {
	if db.engine != SQLite {
		return nil
	}
	if _, inTx := ctx.Value(txKey{}).(*sql.Tx); inTx {
		return nil
	}
	return db.preparedRead(ctx, query)
}

// preparedRead returns the cached statement for query on the read pool,
// or nil on PostgreSQL or past the cache bound.
func (db *DB) preparedRead(ctx context.Context, query string) *sql.Stmt {
	if db.engine != SQLite {
		return nil
	}
	db.stmtMu.Lock()
	defer db.stmtMu.Unlock()
	if st, ok := db.stmts[query]; ok {
		return st
	}
	if len(db.stmts) >= maxStmts {
		return nil
	}
	st, err := db.read.PrepareContext(context.WithoutCancel(ctx), query)
	if err != nil {
		return nil // run unprepared; the query reports the error
	}
	if db.stmts == nil {
		db.stmts = map[string]*sql.Stmt{}
	}
	db.stmts[query] = st
	return st
}

func (db *DB) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	res, err := db.w(ctx).ExecContext(ctx, db.rebind(query), args...)
	return res, mapErr(err)
}

func (db *DB) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := db.prepared(ctx, query); st != nil {
		rows, err := st.QueryContext(ctx, args...)
		return rows, mapErr(err)
	}
	rows, err := db.q(ctx).QueryContext(ctx, db.rebind(query), args...)
	return rows, mapErr(err)
}

func (db *DB) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	if st := db.prepared(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return db.q(ctx).QueryRowContext(ctx, db.rebind(query), args...)
}

// readRow runs a query on the read pool, outside any transaction in ctx:
// the revision reads of the in-memory caches, which run on every request.
func (db *DB) readRow(ctx context.Context, query string, args ...any) *sql.Row {
	if st := db.preparedRead(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return db.read.QueryRowContext(ctx, db.rebind(query), args...)
}

// insert runs an INSERT … RETURNING id and returns the id.
func (db *DB) insert(ctx context.Context, query string, args ...any) (int64, error) {
	var id int64
	err := db.w(ctx).QueryRowContext(ctx, db.rebind(query+" RETURNING id"), args...).Scan(&id)
	return id, mapErr(err)
}

// mustAffect turns "no row changed" into NotFound.
func mustAffect(res sql.Result, err error, what string) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return errs.New(errs.NotFound, "%s not found", what)
	}
	return nil
}

// mapErr turns engine errors into domain errors where the user can act on
// them: a unique key taken is a Conflict, a missing reference is Invalid.
func mapErr(err error) error {
	if err == nil {
		return nil
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return errs.Wrap(errs.Conflict, err, "already exists")
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return errs.Wrap(errs.Invalid, err, "refers to something that does not exist or is still in use")
		}
		return err
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "23505":
			return errs.Wrap(errs.Conflict, err, "already exists")
		case "23503":
			return errs.Wrap(errs.Invalid, err, "refers to something that does not exist or is still in use")
		}
	}
	return err
}

func notFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return errs.New(errs.NotFound, "%s not found", what)
	}
	return mapErr(err)
}

// nullInt converts an optional id for storage.
func nullInt(p *int64) any {
	if p == nil {
		return nil
	}
	return *p
}

// ptrInt converts a scanned nullable id.
func ptrInt(n sql.NullInt64) *int64 {
	if !n.Valid {
		return nil
	}
	v := n.Int64
	return &v
}

func nullTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UTC()
}

func ptrTime(n sql.NullTime) *time.Time {
	if !n.Valid {
		return nil
	}
	v := n.Time.UTC()
	return &v
}

// placeholders returns "?, ?, ?" for n values.
func placeholders(n int) string {
	if n <= 0 {
		return ""
	}
	return strings.Repeat("?, ", n-1) + "?"
}

// Lock takes a lock named name for the rest of the transaction in ctx, so
// that check-then-act steps (such as "no account exists yet, create the
// first administrator") cannot interleave between processes. On SQLite the
// write transaction already excludes every other writer.
func (db *DB) Lock(ctx context.Context, name string) error {
	if _, ok := ctx.Value(txKey{}).(*sql.Tx); !ok {
		return errors.New("store: Lock outside a transaction")
	}
	if db.engine != Postgres {
		return nil
	}
	_, err := db.exec(ctx, "SELECT pg_advisory_xact_lock(hashtext(?))", name)
	return err
}

// scanner is a row being read: *sql.Row or *sql.Rows.
type scanner = interface{ Scan(...any) error }

// queryAll runs a query and scans every row with scan.
func queryAll[T any](ctx context.Context, db *DB, scan func(scanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := db.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
