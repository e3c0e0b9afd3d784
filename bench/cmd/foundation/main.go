// Command foundation measures the foundation's performance targets and
// prints them as a Markdown table for docs/performance.md:
//
//   - binary size;
//   - cold start to ready (/readyz answers 200), with an empty database and
//     with 100,000 people;
//   - idle resident memory after start;
//   - GET /api/v1/people latency (p50/p99) under 50 concurrent clients on
//     loopback with 100,000 people, on SQLite and on PostgreSQL.
//
// Usage: go run ./bench/cmd/foundation -bin bin/continuo [-pg DSN]
package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"math"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/continuo-bcm/continuo/internal/app"
	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/clock"
	"github.com/continuo-bcm/continuo/internal/identity"
	"github.com/continuo-bcm/continuo/internal/org"
)

func main() {
	bin := flag.String("bin", "bin/continuo", "the continuo binary to measure")
	people := flag.Int("people", 100_000, "people in the loaded database")
	clients := flag.Int("clients", 50, "concurrent API clients")
	dur := flag.Duration("duration", 15*time.Second, "load duration per engine")
	pg := flag.String("pg", os.Getenv("CONTINUO_TEST_POSTGRES"), "PostgreSQL admin DSN (empty: skip PostgreSQL)")
	flag.Parse()
	log.SetFlags(0)

	dir, err := os.MkdirTemp("", "continuo-bench-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	st, err := os.Stat(*bin)
	if err != nil {
		log.Fatalf("%s: %v (run make build first)", *bin, err)
	}
	fmt.Printf("| measure | value |\n|---|---|\n")
	fmt.Printf("| binary size | %.1f MB |\n", float64(st.Size())/1e6)

	empty := filepath.Join(dir, "empty.db")
	start, rss := coldStart(*bin, empty, 5)
	fmt.Printf("| cold start to ready, empty SQLite (median of 5) | %s |\n", start)
	fmt.Printf("| idle RSS after start, empty SQLite | %.1f MB |\n", rss)

	full := filepath.Join(dir, "full.db")
	token := seed(full, *people)
	start, rss = coldStart(*bin, full, 5)
	fmt.Printf("| cold start to ready, SQLite with %d people (median of 5) | %s |\n", *people, start)
	fmt.Printf("| idle RSS after start, SQLite with %d people | %.1f MB |\n", *people, rss)
	load("SQLite", *bin, full, token, *clients, *dur)

	if *pg != "" {
		dsn := pgDatabase(*pg)
		token := seed(dsn, *people)
		start, rss = coldStart(*bin, dsn, 5)
		fmt.Printf("| cold start to ready, PostgreSQL with %d people (median of 5) | %s |\n", *people, start)
		fmt.Printf("| idle RSS after start, PostgreSQL | %.1f MB |\n", rss)
		load("PostgreSQL", *bin, dsn, token, *clients, *dur)
		dropDatabase(*pg, dsn)
	}
	fmt.Printf("\nmachine: %d CPUs, %s/%s, %s; date %s\n", runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, runtime.Version(), time.Now().UTC().Format("2006-01-02"))
}

func freeAddr() string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

type server struct {
	cmd  *exec.Cmd
	addr string
}

// startServer starts `continuo serve` and returns once /readyz answers.
func startServer(bin, db string) (*server, time.Duration) {
	addr := freeAddr()
	cmd := exec.Command(bin, "serve", "--db", db, "--addr", addr, "--log-level", "warn")
	cmd.Stdout, cmd.Stderr = io.Discard, os.Stderr
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		log.Fatal(err)
	}
	client := &http.Client{Timeout: time.Second}
	for {
		resp, err := client.Get("http://" + addr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return &server{cmd: cmd, addr: addr}, time.Since(t0)
			}
		}
		if time.Since(t0) > 30*time.Second {
			log.Fatal("server did not become ready in 30 s")
		}
		time.Sleep(time.Millisecond)
	}
}

func (s *server) stop() {
	_ = s.cmd.Process.Signal(os.Interrupt)
	_ = s.cmd.Wait()
}

func (s *server) rssMB() float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return math.NaN()
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return math.NaN()
}

// cpuTime is the CPU time (user and system) the server has used so far.
func (s *server) cpuTime() time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", s.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	// Fields after the command name, which is in parentheses and may hold
	// spaces: utime and stime are the 12th and 13th of them, in clock ticks
	// (100 per second on Linux).
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * 10 * time.Millisecond
}

// coldStart starts the server n times and returns the median time to
// ready and the idle RSS two seconds after the last start.
func coldStart(bin, db string, n int) (time.Duration, float64) {
	var ds []time.Duration
	var rss float64
	for i := range n {
		s, d := startServer(bin, db)
		ds = append(ds, d)
		if i == n-1 {
			time.Sleep(2 * time.Second)
			rss = s.rssMB()
		}
		s.stop()
	}
	slices.Sort(ds)
	return ds[len(ds)/2].Round(100 * time.Microsecond), rss
}

var surnames = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
var given = []rune("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬鹏辉建华宇浩凯晨欣怡子涵梓轩")

// seed fills the database with units and n people (each with a mobile and
// an email) and returns an API token of an administrator.
func seed(dsn string, n int) string {
	ctx := authz.WithPrincipal(context.Background(), authz.SystemPrincipal)
	a, err := app.New(ctx, app.Config{DB: dsn}, slog.New(slog.NewTextHandler(io.Discard, nil)), clock.Real{})
	if err != nil {
		log.Fatal(err)
	}
	defer a.Close()
	t0 := time.Now()
	var units []int64
	root, err := a.Org.CreateUnit(ctx, org.Unit{Kind: org.KindGroup, Name: "基准集团", NameEn: "Bench Group"})
	if err != nil {
		log.Fatal(err)
	}
	for b := range 5 {
		br, err := a.Org.CreateUnit(ctx, org.Unit{ParentID: &root.ID, Kind: org.KindBranch, Name: fmt.Sprintf("分公司%d", b)})
		if err != nil {
			log.Fatal(err)
		}
		for d := range 10 {
			dep, err := a.Org.CreateUnit(ctx, org.Unit{ParentID: &br.ID, Kind: org.KindDepartment, Name: fmt.Sprintf("部门%d-%d", b, d)})
			if err != nil {
				log.Fatal(err)
			}
			units = append(units, dep.ID)
		}
	}
	now := time.Now().UTC()
	// People go straight to the store in batches: the benchmark measures
	// reading, and 100,000 audited service calls would only slow the set-up.
	const batch = 5000
	for i := 0; i < n; i += batch {
		err := a.DB.InTx(ctx, func(ctx context.Context) error {
			for j := i; j < min(i+batch, n); j++ {
				name := string(surnames[j%len(surnames)]) + string(given[(j/7)%len(given)]) + string(given[(j/13)%len(given)])
				p := org.Person{EmployeeNo: fmt.Sprintf("E%06d", j), Name: name, NameEn: fmt.Sprintf("Person %d", j), Title: "职员",
					UnitID: units[j%len(units)], Active: true, CreatedAt: now, UpdatedAt: now,
					Contacts: []org.ContactMethod{{Kind: org.ContactMobile, Value: fmt.Sprintf("+86 139 %04d %04d", j/10000, j%10000)},
						{Kind: org.ContactEmail, Value: fmt.Sprintf("p%d@bench.example", j)}}}
				if err := a.DB.CreatePerson(ctx, &p); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			log.Fatal(err)
		}
	}
	u, err := a.Identity.CreateUser(ctx, identity.NewUser{Username: "bench", Password: "bench-password-123", Grants: []authz.Grant{{Role: authz.Admin, UnitID: root.ID}}})
	if err != nil {
		log.Fatal(err)
	}
	_, secret, err := a.Identity.CreateToken(ctx, u.ID, "bench", 0)
	if err != nil {
		log.Fatal(err)
	}
	if engineOf(dsn) == "PostgreSQL" {
		// What autovacuum would do soon after a bulk load: statistics
		// for the planner and the visibility map, then a checkpoint, so
		// that the write-out of the load does not fall into the run.
		pg, err := sql.Open("pgx", dsn)
		if err != nil {
			log.Fatal(err)
		}
		for _, stmt := range []string{"VACUUM ANALYZE", "CHECKPOINT"} {
			if _, err := pg.Exec(stmt); err != nil {
				log.Fatal(err)
			}
		}
		pg.Close()
	}
	fmt.Fprintf(os.Stderr, "seeded %d people into %s in %s\n", n, engineOf(dsn), time.Since(t0).Round(time.Millisecond))
	return secret
}

func engineOf(dsn string) string {
	if strings.HasPrefix(dsn, "postgres") {
		return "PostgreSQL"
	}
	return "SQLite"
}

// load runs concurrent clients against GET /api/v1/people with a mix of
// queries a directory sees: pages of the whole list, a unit's subtree, and
// searches by name or number.
//
// The first request after start loads the directory into memory and is
// reported on its own; the clients then run for warmUp (unmeasured, while
// the search index is built in the background) before the measured
// duration.
func load(engine, bin, db, token string, clients int, dur time.Duration) {
	s, _ := startServer(bin, db)
	defer s.stop()
	base := "http://" + s.addr + "/api/v1/people"
	first := time.Now()
	req, _ := http.NewRequest("GET", base+"?limit=50&q="+url.QueryEscape("王伟"), nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		log.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		log.Fatalf("first people request: %s", resp.Status)
	}
	fmt.Printf("| %s first people request after start (loads the directory) | %s |\n", engine, time.Since(first).Round(time.Millisecond))
	kinds := []struct {
		name string
		url  func(r *mrand.Rand) string
	}{
		{"page", func(r *mrand.Rand) string { return base + "?limit=50&offset=" + strconv.Itoa(r.IntN(1000)*50) }},
		{"unit", func(r *mrand.Rand) string { return base + "?limit=50&unit_id=" + strconv.Itoa(2+r.IntN(55)) }},
		{"search", func(r *mrand.Rand) string {
			return base + "?limit=50&q=" + url.QueryEscape(string(surnames[r.IntN(len(surnames))])+string(given[r.IntN(len(given))]))
		}},
		{"number", func(r *mrand.Rand) string { return base + "?limit=50&q=E0" + strconv.Itoa(1000+r.IntN(8999)) }},
	}
	type sample struct {
		kind int
		d    time.Duration
	}
	var mu sync.Mutex
	var samples []sample
	var failures int
	tr := &http.Transport{MaxIdleConnsPerHost: clients}
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	measureFrom := time.Now().Add(warmUp)
	deadline := measureFrom.Add(dur)
	var cpu0 time.Duration
	time.AfterFunc(warmUp, func() { cpu0 = s.cpuTime() })
	var wg sync.WaitGroup
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := mrand.New(mrand.NewPCG(uint64(c), 42))
			var local []sample
			fails := 0
			for time.Now().Before(deadline) {
				k := r.IntN(len(kinds))
				req, _ := http.NewRequest("GET", kinds[k].url(r), nil)
				req.Header.Set("Authorization", "Bearer "+token)
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					if !t0.Before(measureFrom) {
						fails++
					}
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if t0.Before(measureFrom) {
					continue
				}
				if resp.StatusCode != 200 {
					fails++
					continue
				}
				local = append(local, sample{k, time.Since(t0)})
			}
			mu.Lock()
			samples = append(samples, local...)
			failures += fails
			mu.Unlock()
		}()
	}
	wg.Wait()
	serverCPU := s.cpuTime() - cpu0
	pct := func(ds []time.Duration, p float64) time.Duration {
		if len(ds) == 0 {
			return 0
		}
		slices.Sort(ds)
		return ds[min(len(ds)-1, int(math.Ceil(p*float64(len(ds))))-1)]
	}
	var all []time.Duration
	for k, kind := range kinds {
		var ds []time.Duration
		for _, s := range samples {
			if s.kind == k {
				ds = append(ds, s.d)
			}
		}
		all = append(all, ds...)
		fmt.Printf("| %s GET /api/v1/people (%s), %d clients: p50 / p99 | %s / %s (%d requests) |\n", engine, kind.name, clients,
			pct(ds, 0.50).Round(10*time.Microsecond), pct(ds, 0.99).Round(10*time.Microsecond), len(ds))
	}
	fmt.Printf("| %s GET /api/v1/people (all), %d clients: p50 / p99, throughput | %s / %s, %.0f req/s, %d failed |\n", engine, clients,
		pct(all, 0.50).Round(10*time.Microsecond), pct(all, 0.99).Round(10*time.Microsecond), float64(len(all))/dur.Seconds(), failures)
	if len(all) > 0 {
		fmt.Printf("| %s server CPU per people request | %s |\n", engine, (serverCPU / time.Duration(len(all))).Round(time.Microsecond))
	}
	fmt.Printf("| %s RSS after the run (directory and search index in memory) | %.1f MB |\n", engine, s.rssMB())
}

// warmUp is how long the clients run before measuring.
const warmUp = 3 * time.Second

func pgDatabase(admin string) string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	name := "continuo_bench_" + hex.EncodeToString(b)
	db, err := sql.Open("pgx", admin)
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("CREATE DATABASE " + name); err != nil {
		log.Fatal(err)
	}
	u, err := url.Parse(admin)
	if err != nil {
		log.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

func dropDatabase(admin, dsn string) {
	u, _ := url.Parse(dsn)
	db, err := sql.Open("pgx", admin)
	if err != nil {
		return
	}
	defer db.Close()
	_, _ = db.Exec("DROP DATABASE IF EXISTS " + strings.TrimPrefix(u.Path, "/") + " WITH (FORCE)")
}
