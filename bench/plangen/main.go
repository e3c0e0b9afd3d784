// Command plangen measures the plan generator: the time to draft one plan
// (median and p99 over many runs, for a few representative inputs) and
// the time to draft the whole grid of industries × sizes × regions × both
// languages, and prints them as a Markdown table for docs/plan-generator.md.
//
// Usage:
//
//	go run ./bench/plangen [-runs 2000] [-grids 5]
//	go run ./bench/plangen -print -industry banking -size medium -region north-america -lang en [-kb DIR]
//
// With -print it writes one draft as JSON instead; -kb merges a directory of
// user packs over the built-in knowledge base.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"log"
	"os"
	"runtime"
	"slices"
	"syscall"
	"time"

	"github.com/continuo-bcm/continuo/internal/plangen"
)

func main() {
	runs := flag.Int("runs", 2000, "generations per representative input")
	grids := flag.Int("grids", 5, "full-grid passes")
	print := flag.Bool("print", false, "print one draft as JSON and exit")
	industry := flag.String("industry", "ecommerce", "industry for -print")
	size := flag.String("size", "small", "size for -print")
	region := flag.String("region", "cn-east", "region for -print")
	lang := flag.String("lang", "zh-CN", "language for -print")
	kbDir := flag.String("kb", "", "a directory of knowledge-base files merged over the built-in ones")
	flag.Parse()
	log.SetFlags(0)

	asOf := time.Date(2026, time.November, 30, 0, 0, 0, 0, time.UTC)
	start := time.Now()
	var user fs.FS
	if *kbDir != "" {
		user = os.DirFS(*kbDir)
	}
	kb, err := plangen.LoadKB(user)
	if err != nil {
		log.Fatal(err)
	}
	loadTime := time.Since(start)
	if *print {
		d, err := kb.Generate(plangen.Input{Industry: *industry, Size: *size, Region: *region, Language: *lang, AsOf: asOf})
		if err != nil {
			log.Fatal(err)
		}
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(d); err != nil {
			log.Fatal(err)
		}
		return
	}

	fmt.Printf("Plan generator, %s, GOMAXPROCS=%d, %s/%s\n\n", time.Now().UTC().Format("2006-01-02"), runtime.GOMAXPROCS(0), runtime.GOOS, runtime.GOARCH)
	fmt.Printf("| measure | median | p99 | max | CPU time (mean) |\n|---|---|---|---|---|\n")
	fmt.Printf("| load and validate the built-in knowledge base (once per process) | %s | | | |\n", round(loadTime))
	for _, in := range []plangen.Input{
		{Industry: "ecommerce", Size: "small", Region: "cn-east", Language: plangen.LangZh},
		{Industry: "banking", Size: "medium", Region: "north-america", Language: plangen.LangEn},
		{Industry: "healthcare", Size: "medium", Region: "southeast-asia", Language: plangen.LangZh},
		{Industry: "logistics", Size: "large", Region: "cn-south", Language: plangen.LangZh,
			CriticalSystems: []string{"TMS", "WMS", "ERP"}, Sites: 12},
	} {
		in.AsOf = asOf
		times := make([]time.Duration, 0, *runs)
		cpu0 := cpuTime()
		for range *runs {
			t0 := time.Now()
			if _, err := kb.Generate(in); err != nil {
				log.Fatal(err)
			}
			times = append(times, time.Since(t0))
		}
		cpu := (cpuTime() - cpu0) / time.Duration(*runs)
		med, p99, mx := stats(times)
		fmt.Printf("| one plan: %s, %s, %s, %s | %s | %s | %s | %s |\n", in.Industry, in.Size, in.Region, in.Language, round(med), round(p99), round(mx), round(cpu))
	}
	n := len(kb.Industries) * len(kb.Sizes) * len(kb.Regions) * 2
	var gridTimes []time.Duration
	cpu0 := cpuTime()
	for range *grids {
		t0 := time.Now()
		for _, ind := range kb.Industries {
			for _, s := range kb.Sizes {
				for _, r := range kb.Regions {
					for _, l := range []string{plangen.LangZh, plangen.LangEn} {
						if _, err := kb.Generate(plangen.Input{Industry: ind.ID, Size: s.ID, Region: r.ID, Language: l, AsOf: asOf}); err != nil {
							log.Fatal(err)
						}
					}
				}
			}
		}
		gridTimes = append(gridTimes, time.Since(t0))
	}
	cpu := (cpuTime() - cpu0) / time.Duration(*grids)
	med, _, mx := stats(gridTimes)
	fmt.Printf("| full grid: %d plans (%d industries × %d sizes × %d regions × 2 languages) | %s | | %s | %s |\n",
		n, len(kb.Industries), len(kb.Sizes), len(kb.Regions), round(med), round(mx), round(cpu))
}

// cpuTime is the CPU time the process has used, user and system. It is
// steadier than wall time on a machine shared with other work.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func stats(ts []time.Duration) (median, p99, max time.Duration) {
	s := slices.Clone(ts)
	slices.Sort(s)
	return s[len(s)/2], s[min(len(s)-1, len(s)*99/100)], s[len(s)-1]
}

func round(d time.Duration) time.Duration {
	switch {
	case d >= time.Second:
		return d.Round(time.Millisecond)
	case d >= time.Millisecond:
		return d.Round(10 * time.Microsecond)
	}
	return d.Round(time.Microsecond)
}
