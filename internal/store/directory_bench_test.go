package store

import (
	"fmt"
	"testing"

	"github.com/continuo-bcm/continuo/internal/org"
)

func benchDirectory(n int) *directory {
	d := &directory{loaded: true}
	for i := range n {
		d.entries = append(d.entries, dirEntry{id: int64(i + 1), unitID: int64(i%50 + 2), active: true,
			text: fmt.Sprintf("王伟芳\x1fperson %d\x1fe%06d\x1f职员\x1f+86 139 %04d %04d\x1fp%d@bench.example", i, i, i/10000, i%10000, i)})
	}
	return d
}

func BenchmarkDirectoryFind(b *testing.B) {
	d := benchDirectory(100_000)
	units := []bool{3: true, 4: true, 5: true}
	cases := []struct {
		name  string
		query string
		units []bool
	}{{"all", "", nil}, {"unit", "", units}, {"search-name", "张三", nil}, {"search-number", "e01234", nil}}
	for _, c := range cases {
		b.Run(c.name+"/scan", func(b *testing.B) {
			for b.Loop() {
				d.find(c.query, c.units, org.PeopleFilter{Limit: 50})
			}
		})
	}
	d.grams = buildGrams(d.entries, d.rev)
	for _, c := range cases {
		b.Run(c.name+"/indexed", func(b *testing.B) {
			for b.Loop() {
				d.find(c.query, c.units, org.PeopleFilter{Limit: 50})
			}
		})
	}
}

func BenchmarkSearchIndexBuild(b *testing.B) {
	d := benchDirectory(100_000)
	var g *gramIndex
	for b.Loop() {
		g = buildGrams(d.entries, 1)
	}
	b.ReportMetric(float64(len(g.data)+8*len(g.n))/1e6, "MB")
}
