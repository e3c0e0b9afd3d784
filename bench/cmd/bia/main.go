// Command bia measures the business impact analysis targets on a
// generated graph (100,000 nodes, about 500,000 dependencies) stored in the
// database, and prints a Markdown table for docs/bia.md:
//
//   - the import, and the build of the in-memory graph from the store (the
//     first load, and the refresh after one change);
//   - the impact of losing one resource, in memory (target: under 50 ms)
//     and with a recursive query in the database, in the same run, and
//     their ratio;
//   - the whole-graph RTO feasibility check (target: under 1 s).
//
// Usage: go run ./bench/cmd/bia [-nodes 100000] [-pg DSN]
package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"flag"
	"fmt"
	"log"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"syscall"
	"time"

	biabench "github.com/continuo-bcm/continuo/bench/bia"
	"github.com/continuo-bcm/continuo/internal/audit"
	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/bia"
	"github.com/continuo-bcm/continuo/internal/clock"
	"github.com/continuo-bcm/continuo/internal/org"
	"github.com/continuo-bcm/continuo/internal/store"
)

func main() {
	n := flag.Int("nodes", 100_000, "nodes of the generated graph (about 5 dependencies each)")
	pg := flag.String("pg", os.Getenv("CONTINUO_TEST_POSTGRES"), "PostgreSQL admin DSN (empty: SQLite only)")
	runs := flag.Int("runs", 21, "repetitions of each in-memory query (the median is shown)")
	sqlRuns := flag.Int("sql-runs", 3, "repetitions of each recursive query")
	profile := flag.String("cpuprofile", "", "write a CPU profile to this file")
	flag.Parse()
	log.SetFlags(0)
	slog.SetDefault(slog.New(slog.DiscardHandler))

	dir, err := os.MkdirTemp("", "continuo-bia-bench-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	if *profile != "" {
		f, err := os.Create(*profile)
		if err != nil {
			log.Fatal(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			log.Fatal(err)
		}
		defer pprof.StopCPUProfile()
	}

	fmt.Printf("Generated graph: %d nodes; %s, %d cores, %s\n\n", *n, runtime.GOOS+"/"+runtime.GOARCH, runtime.NumCPU(), time.Now().UTC().Format("2006-01-02"))
	fmt.Println("| engine | measure | result |")
	fmt.Println("|---|---|---|")
	engines := []struct{ name, dsn string }{{"SQLite", filepath.Join(dir, "bia.db")}}
	if *pg != "" {
		dsn, drop, err := pgDatabase(*pg)
		if err != nil {
			log.Fatal(err)
		}
		defer drop()
		engines = append(engines, struct{ name, dsn string }{"PostgreSQL", dsn})
	}
	for _, e := range engines {
		if err := measure(e.name, e.dsn, *n, *runs, *sqlRuns); err != nil {
			log.Fatalf("%s: %v", e.name, err)
		}
	}
}

func measure(engine, dsn string, n, runs, sqlRuns int) error {
	ctx := authz.WithPrincipal(context.Background(), authz.SystemPrincipal)
	db, err := store.Open(ctx, dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		return err
	}
	clk := clock.Real{}
	log := audit.NewLog(db, db, clk)
	unit, err := org.NewService(db, db, log, clk).CreateUnit(ctx, org.Unit{Kind: org.KindGroup, Name: "Bench"})
	if err != nil {
		return err
	}
	nodes, edges := biabench.Generate(n, 1)
	data, ref := biabench.AsImport(nodes, edges, unit.ID, clk.Now())
	row := func(what string, v any) { fmt.Printf("| %s | %s | %v |\n", engine, what, v) }

	imp := median(1, func() error { return db.ImportBIA(ctx, &data) })
	if imp.err != nil {
		return fmt.Errorf("import: %w", imp.err)
	}
	row(fmt.Sprintf("import %d processes, %d resources, %d dependencies (one transaction)", len(data.Processes), len(data.Resources), len(data.Dependencies)), imp)
	for id, r := range ref { // the import went into an empty database: positions are ids
		p, _ := bia.ParseRef(r)
		stored := data.Resources[p.ID-1].Ref()
		if p.Process {
			stored = data.Processes[p.ID-1].Ref()
		}
		if stored != r {
			return fmt.Errorf("node %s stored as %s, not %s", id, stored, r)
		}
	}

	svc := bia.NewService(db, db, log, clk)
	first := median(1, func() error { _, err := svc.Refresh(ctx); return err })
	if first.err != nil {
		return first.err
	}
	row("in-memory graph: first build from the store", first)
	// One change from "another process": the next query rebuilds.
	r := data.Resources[0]
	r.RecoveryMinutes = ptr(90)
	if err := db.UpdateResource(ctx, &r); err != nil {
		return err
	}
	refresh := median(1, func() error { _, err := svc.Refresh(ctx); return err })
	if refresh.err != nil {
		return refresh.err
	}
	row("in-memory graph: refresh after one change", refresh)
	check := median(runs, func() error { _, err := svc.Refresh(ctx); return err })
	if check.err != nil {
		return check.err
	}
	row("revision check when nothing changed (each query pays it)", check)

	for _, target := range []struct{ what, ref string }{
		{"the most depended-on infrastructure node", biabench.MustRef(ref, biabench.Infrastructure(n))},
		{"a typical application", biabench.MustRef(ref, nodes[len(nodes)/4].ID)},
	} {
		var rep bia.ImpactReport
		mem := median(runs, func() error {
			var err error
			rep, err = svc.Impact(ctx, []string{target.ref}, false)
			return err
		})
		var found []string
		cte := median(sqlRuns, func() error {
			var err error
			found, err = db.TransitiveDependents(ctx, target.ref)
			return err
		})
		if mem.err != nil || cte.err != nil {
			return fmt.Errorf("impact of %s: %v %v", target.ref, mem.err, cte.err)
		}
		row(fmt.Sprintf("impact of %s (%s): in memory, %d nodes down, %d processes", target.what, target.ref, rep.Processes+rep.Resources, rep.Processes), mem)
		row(fmt.Sprintf("impact of %s: recursive query in the database, %d dependents (alternatives ignored)", target.what, len(found)), cte)
		ratio := fmt.Sprintf("%.0f×", float64(cte.d)/float64(mem.d))
		if engine == "SQLite" { // embedded: the query's CPU is ours too
			ratio += fmt.Sprintf(" (CPU %.0f×)", float64(cte.cpu)/float64(mem.cpu))
		}
		row(fmt.Sprintf("impact of %s: database ÷ memory", target.what), ratio)
	}

	// The service computes whole-graph analyses once per graph revision:
	// measure the computation right after a change (the refresh is done
	// first, outside the timing), then a later call at the same revision.
	var gaps []bia.Gap
	var firsts []timing
	for i := range 3 {
		r.RecoveryMinutes = ptr(91 + i)
		if err := db.UpdateResource(ctx, &r); err != nil {
			return err
		}
		if _, err := svc.Refresh(ctx); err != nil {
			return err
		}
		firsts = append(firsts, median(1, func() error {
			var err error
			gaps, err = svc.Feasibility(ctx)
			return err
		}))
		if firsts[i].err != nil {
			return firsts[i].err
		}
	}
	slices.SortFunc(firsts, func(a, b timing) int { return int(a.d - b.d) })
	row(fmt.Sprintf("whole-graph RTO feasibility (%d gaps), first call after a change", len(gaps)), firsts[1])
	feas := median(max(runs/4, 3), func() error {
		var err error
		gaps, err = svc.Feasibility(ctx)
		return err
	})
	if feas.err != nil {
		return feas.err
	}
	row("whole-graph RTO feasibility, later calls at the same revision (cached)", feas)
	var req []bia.Requirement
	roll := median(max(runs/4, 3), func() error {
		var err error
		req, err = svc.RequiredRecovery(ctx, false)
		return err
	})
	if roll.err != nil {
		return roll.err
	}
	row(fmt.Sprintf("required recovery roll-up (%d resources)", len(req)), roll)
	return nil
}

type timing struct {
	d, cpu time.Duration
	err    error
}

// String shows the wall time and, in brackets, the CPU time the process
// spent: on a machine shared with other work the CPU time says what the
// operation costs, the wall time what a user waits.
func (t timing) String() string {
	unit := time.Millisecond
	if t.d < 10*time.Millisecond {
		unit = 10 * time.Microsecond
	}
	return fmt.Sprintf("%v (CPU %v)", t.d.Round(unit), t.cpu.Round(unit))
}

// median runs fn k times and returns the median wall and CPU times.
func median(k int, fn func() error) timing {
	ds := make([]time.Duration, 0, k)
	cs := make([]time.Duration, 0, k)
	for range k {
		c0 := cpuTime()
		start := time.Now()
		if err := fn(); err != nil {
			return timing{err: err}
		}
		ds = append(ds, time.Since(start))
		cs = append(cs, cpuTime()-c0)
	}
	slices.Sort(ds)
	slices.Sort(cs)
	return timing{d: ds[len(ds)/2], cpu: cs[len(cs)/2]}
}

// cpuTime is the user and system CPU time of the process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func ptr[T any](v T) *T { return &v }

// pgDatabase creates a fresh database on the server of the admin DSN and
// returns its DSN and a function that drops it.
func pgDatabase(admin string) (string, func(), error) {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "continuo_bia_bench_" + hex.EncodeToString(b)
	adb, err := sql.Open("pgx", admin)
	if err != nil {
		return "", nil, err
	}
	if _, err := adb.Exec("CREATE DATABASE " + name); err != nil {
		adb.Close()
		return "", nil, err
	}
	drop := func() {
		_, _ = adb.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
		adb.Close()
	}
	u, err := url.Parse(admin)
	if err != nil {
		drop()
		return "", nil, err
	}
	u.Path = "/" + name
	return u.String(), drop, nil
}
