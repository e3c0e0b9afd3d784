// Command risk measures the risk register's performance targets and prints
// them as a Markdown table for docs/risk.md:
//
//   - the ranked list (first page, and a page filtered by category, unit
//     subtree and level), p50/p99, with 100,000 risks;
//   - the heatmap (inherent and residual, 5×5, with risk ids per cell),
//     p50/p99, with 100,000 risks;
//   - top risks by unit, p50/p99;
//   - the import of a 10,000-row XLSX file, all-or-nothing in one
//     transaction, through the service (authorization, audit log).
//
// The risks are written straight through the store (no audit entries) to
// build the database quickly; every measured call goes through the risk
// service, as the API and the web pages do.
//
// Usage: go run ./bench/risk [-n 100000] [-rows 10000] [-pg postgres://…]
package main

import (
	"bytes"
	"context"
	"database/sql"
	"flag"
	"fmt"
	"log"
	"log/slog"
	mrand "math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"syscall"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
	"github.com/xuri/excelize/v2"

	"github.com/continuo-bcm/continuo/internal/app"
	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/clock"
	"github.com/continuo-bcm/continuo/internal/org"
	"github.com/continuo-bcm/continuo/internal/orgio"
	"github.com/continuo-bcm/continuo/internal/risk"
	"github.com/continuo-bcm/continuo/internal/riskio"
)

func main() {
	n := flag.Int("n", 100_000, "risks in the register")
	rows := flag.Int("rows", 10_000, "rows of the imported XLSX file")
	iters := flag.Int("iter", 200, "measured calls per query")
	keep := flag.String("db", "", "SQLite file to build once and reuse (default: a temporary one)")
	profile := flag.String("importprofile", "", "write a CPU profile of the import to this file")
	only := flag.Bool("importonly", false, "measure the import only")
	withSQLite := flag.Bool("sqlite", true, "measure on SQLite")
	pgReuse := flag.Bool("pgreuse", false, "reuse the PostgreSQL database of an earlier run instead of building it again")
	pg := flag.String("pg", "", "also measure on PostgreSQL: a DSN whose server may create the database continuo_riskbench")
	flag.Parse()
	ctx := authz.WithPrincipal(context.Background(), authz.SystemPrincipal)

	dir, err := os.MkdirTemp("", "riskbench")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	fmt.Printf("Risk register, %d risks; %s/%s, %d CPUs, %s\n\n", *n, runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), time.Now().UTC().Format("2006-01-02"))
	fmt.Println("| engine | measure | p50 | p99 | CPU per call |")
	fmt.Println("|---|---|---|---|---|")
	path := *keep
	if path == "" {
		path = filepath.Join(dir, "bench.db")
	}
	importProfile, importOnly = *profile, *only
	if *withSQLite {
		run(ctx, "SQLite", path, *n, *rows, *iters)
	}
	if *pg != "" {
		dsn, err := freshDatabase(*pg, "continuo_riskbench", *pgReuse)
		if err != nil {
			log.Fatal(err)
		}
		run(ctx, "PostgreSQL", dsn, *n, *rows, *iters)
	}
}

func run(ctx context.Context, engine, dsn string, n, rows, iters int) {
	a, err := app.New(ctx, app.Config{DB: dsn}, slog.New(slog.DiscardHandler), clock.Real{})
	if err != nil {
		log.Fatal(err)
	}
	defer a.Close()
	units, people := existing(ctx, a)
	if len(units) == 0 {
		units, people = organisation(ctx, a)
		start := time.Now()
		fill(ctx, a, units, people, n)
		fmt.Fprintf(os.Stderr, "%s: %d risks stored in %s\n", engine, n, time.Since(start).Round(time.Millisecond))
	}

	if strings.HasPrefix(dsn, "postgres") {
		analyze(dsn)
	}
	branch := units[1] // a branch with its departments
	if !importOnly {
		queries(ctx, a, engine, branch, iters)
	}
	file := importFile(units, people, rows)
	if importProfile != "" {
		f, err := os.Create(importProfile)
		if err != nil {
			log.Fatal(err)
		}
		_ = pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	start := time.Now()
	cpu0 := cpuTime()
	res, err := riskio.Import(ctx, a.Risk, a.DB, bytes.NewReader(file), orgio.FormatXLSX)
	if err != nil {
		log.Fatalf("import: %v", err)
	}
	took, cpu := time.Since(start), cpuTime()-cpu0
	fmt.Printf("| %s | import of a %d-row XLSX (%.1f MB; %d created, %d assessments) | %s | | %s |\n", engine, rows, float64(len(file))/1e6,
		res.Created, res.Assessed, took.Round(time.Millisecond), cpu.Round(time.Millisecond))
}

var (
	importProfile string
	importOnly    bool
)

func queries(ctx context.Context, a *app.App, engine string, branch org.Unit, iters int) {
	measure(engine, "list, first page (50)", iters, func() error {
		_, _, err := a.Risk.Risks(ctx, risk.Filter{Limit: 50})
		return err
	})
	measure(engine, "list, page 3 filtered by category + unit subtree", iters, func() error {
		_, _, err := a.Risk.Risks(ctx, risk.Filter{Category: risk.NaturalDisaster, UnitID: branch.ID, Limit: 50, Offset: 100})
		return err
	})
	measure(engine, "list, filtered by level + overdue review", iters, func() error {
		_, _, err := a.Risk.Risks(ctx, risk.Filter{Level: risk.Critical, OverdueReview: true, Limit: 50})
		return err
	})
	measure(engine, "list, text search", iters, func() error {
		_, _, err := a.Risk.Risks(ctx, risk.Filter{Query: "仓库", Limit: 50})
		return err
	})
	measure(engine, "heatmap 5×5 inherent, 20 ids per cell", iters, func() error {
		_, err := a.Risk.Heatmap(ctx, risk.HeatmapQuery{MatrixID: "5x5", Kind: risk.Inherent, IDsPerCell: 20})
		return err
	})
	measure(engine, "heatmap 5×5 residual of a branch", iters, func() error {
		_, err := a.Risk.Heatmap(ctx, risk.HeatmapQuery{MatrixID: "5x5", Kind: risk.Residual, UnitID: branch.ID, IDsPerCell: 20})
		return err
	})
	measure(engine, "top 5 risks of every unit", iters/4, func() error {
		_, err := a.Risk.TopRisks(ctx, risk.TopQuery{N: 5})
		return err
	})

}

// measure runs fn a few times to warm up, then iters times, and prints
// the median and the 99th percentile.
func measure(engine, what string, iters int, fn func() error) {
	for range 5 {
		if err := fn(); err != nil {
			log.Fatalf("%s: %v", what, err)
		}
	}
	ds := make([]time.Duration, 0, iters)
	cpu0 := cpuTime()
	for range iters {
		t := time.Now()
		if err := fn(); err != nil {
			log.Fatalf("%s: %v", what, err)
		}
		ds = append(ds, time.Since(t))
	}
	cpu := (cpuTime() - cpu0) / time.Duration(iters)
	slices.Sort(ds)
	p := func(q float64) string {
		return fmt.Sprintf("%.1f ms", float64(ds[min(len(ds)-1, int(q*float64(len(ds))))].Microseconds())/1000)
	}
	fmt.Printf("| %s | %s | %s | %s | %.1f ms |\n", engine, what, p(0.50), p(0.99), float64(cpu.Microseconds())/1000)
}

// cpuTime is the CPU time the process has used, user and system: on a
// shared machine it is steadier than wall time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// existing returns the units and people of a database built before,
// whose import is undone so that it can run again.
func existing(ctx context.Context, a *app.App) ([]org.Unit, []org.Person) {
	units, err := a.Org.Units(ctx)
	if err != nil || len(units) == 0 {
		return nil, nil
	}
	people, _, err := a.Org.People(ctx, org.PeopleFilter{Limit: 500})
	if err != nil {
		log.Fatal(err)
	}
	err = a.DB.InTx(ctx, func(ctx context.Context) error {
		for {
			rs, _, err := a.Risk.Risks(ctx, risk.Filter{Query: "IMP-", Limit: 500})
			if err != nil || len(rs) == 0 {
				return err
			}
			for _, r := range rs {
				if err := a.DB.DeleteRisk(ctx, r.ID); err != nil {
					return err
				}
			}
		}
	})
	if err != nil {
		log.Fatal(err)
	}
	return units, people
}

// organisation creates a group with 8 branches of 6 departments and 500
// people.
func organisation(ctx context.Context, a *app.App) ([]org.Unit, []org.Person) {
	root, err := a.Org.CreateUnit(ctx, org.Unit{Kind: org.KindGroup, Code: "G", Name: "星联物流集团"})
	if err != nil {
		log.Fatal(err)
	}
	units := []org.Unit{root}
	for b := range 8 {
		br, err := a.Org.CreateUnit(ctx, org.Unit{Kind: org.KindBranch, Code: fmt.Sprintf("B%d", b), Name: fmt.Sprintf("第%d分公司", b+1), ParentID: &root.ID})
		if err != nil {
			log.Fatal(err)
		}
		units = append(units, br)
		for d, name := range []string{"运营部", "运输部", "仓储部", "客服部", "信息技术部", "安全保卫部"} {
			u, err := a.Org.CreateUnit(ctx, org.Unit{Kind: org.KindDepartment, Code: fmt.Sprintf("B%d-D%d", b, d), Name: name, ParentID: &br.ID})
			if err != nil {
				log.Fatal(err)
			}
			units = append(units, u)
		}
	}
	var people []org.Person
	for i := range 500 {
		p, err := a.Org.SavePerson(ctx, org.Person{EmployeeNo: fmt.Sprintf("E%04d", i), Name: fmt.Sprintf("员工%d", i), UnitID: units[i%len(units)].ID, Active: true})
		if err != nil {
			log.Fatal(err)
		}
		people = append(people, p)
	}
	return units, people
}

var titles = []string{"台风导致仓库进水", "仓库火灾", "叉车伤人", "勒索软件攻击", "WMS系统宕机", "数据中心停电", "燃油供应中断", "承运商破产",
	"司机罢工", "大客户投诉", "负面舆情", "个人信息保护合规", "汇率波动", "地震", "传染病疫情"}

// fill stores n risks, most rated inherent and many residual, straight
// through the store in one transaction.
func fill(ctx context.Context, a *app.App, units []org.Unit, people []org.Person, n int) {
	rng := mrand.New(mrand.NewPCG(1, 2))
	now := time.Now().UTC()
	err := a.DB.InTx(ctx, func(ctx context.Context) error {
		for i := range n {
			owner := people[rng.IntN(len(people))].ID
			r := risk.Risk{Code: fmt.Sprintf("R-%06d", i), Title: fmt.Sprintf("%s %d", titles[i%len(titles)], i), TitleEn: fmt.Sprintf("Risk %d", i),
				Category: risk.Categories[rng.IntN(len(risk.Categories))], UnitID: units[1+rng.IntN(len(units)-1)].ID, OwnerID: &owner,
				Cause: "原因", Consequence: "后果", Controls: "控制措施", Status: risk.Statuses[rng.IntN(len(risk.Statuses))],
				ReviewDate: now.AddDate(0, 0, rng.IntN(400)-100).Format(risk.DateLayout), CreatedAt: now, UpdatedAt: now}
			if err := a.DB.CreateRisk(ctx, &r); err != nil {
				return err
			}
			if rng.IntN(10) == 0 {
				continue // not yet assessed
			}
			l, im := 1+rng.IntN(5), 1+rng.IntN(5)
			if err := assess(ctx, a, r.ID, risk.Inherent, l, im, now); err != nil {
				return err
			}
			if rng.IntN(3) > 0 {
				if err := assess(ctx, a, r.ID, risk.Residual, max(1, l-rng.IntN(2)), max(1, im-rng.IntN(2)), now); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
}

var m5 = risk.BuiltinMatrices()[2]

func assess(ctx context.Context, a *app.App, id int64, kind risk.Kind, l, i int, at time.Time) error {
	as := risk.Assessment{RiskID: id, MatrixID: m5.ID, Kind: kind, Likelihood: l, Impact: i, AssessedAt: at}
	if err := as.Validate(&m5); err != nil {
		return err
	}
	return a.DB.AddAssessment(ctx, &as)
}

// importFile builds an XLSX register of new risks with Chinese headers,
// the units named by path and the owners by employee number.
func importFile(units []org.Unit, people []org.Person, rows int) []byte {
	x := excelize.NewFile()
	defer x.Close()
	sw, err := x.NewStreamWriter("Sheet1")
	if err != nil {
		log.Fatal(err)
	}
	head := []any{"风险编号", "风险名称", "英文名称", "风险类别", "所属单位", "责任人", "风险成因", "可能后果", "现有控制措施", "应对策略", "状态", "复核日期",
		"评估矩阵", "固有可能性", "固有影响程度", "剩余可能性", "剩余影响程度"}
	if err := sw.SetRow("A1", head); err != nil {
		log.Fatal(err)
	}
	cats := []string{"自然灾害", "公共卫生", "安全事故", "网络与信息安全", "信息系统故障", "供应链", "人员", "客户投诉", "舆情", "政策法规", "财务"}
	rng := mrand.New(mrand.NewPCG(3, 4))
	for i := range rows {
		u := units[1+rng.IntN(len(units)-1)]
		l, im := 1+rng.IntN(5), 1+rng.IntN(5)
		row := []any{fmt.Sprintf("IMP-%05d", i), titles[i%len(titles)] + fmt.Sprint(i), "Imported risk", cats[rng.IntN(len(cats))], u.Code,
			people[rng.IntN(len(people))].EmployeeNo, "成因说明", "后果说明", "现有控制", "降低", "待处置", "2027-03-31", "5x5", l, im, max(1, l-1), im}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, row); err != nil {
			log.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		log.Fatal(err)
	}
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		log.Fatal(err)
	}
	return buf.Bytes()
}

// freshDatabase drops and creates a database on the server of dsn and
// returns the DSN that names it.
func freshDatabase(dsn, name string, reuse bool) (string, error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return "", err
	}
	u.Path = "/" + name
	if reuse {
		return u.String(), nil
	}
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return "", err
	}
	defer db.Close()
	if _, err := db.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"); err != nil {
		return "", err
	}
	if _, err := db.Exec("CREATE DATABASE " + name); err != nil {
		return "", err
	}
	return u.String(), nil
}

// analyze gives PostgreSQL the statistics and visibility map that
// autovacuum would after a bulk load, so that it plans index-only scans.
func analyze(dsn string) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("VACUUM ANALYZE risks, risk_assessments"); err != nil {
		log.Fatal(err)
	}
}
