package web

import (
	"slices"
	"strconv"
	"testing"

	"github.com/continuo-bcm/continuo/internal/plan"
)

func TestPlanMarkdown(t *testing.T) {
	var p Page
	for _, c := range []struct{ in, want string }{
		{"", ""},
		{"## 目的\n为保证 **交付**。\n第二行", `<p class="md-heading"><strong>目的</strong></p><p>为保证 <strong>交付</strong>。<br>第二行</p>`},
		{"- 一\n- 二\n\n1. first\n2) second", "<ul><li>一</li><li>二</li></ul><ol><li>first</li><li>second</li></ol>"},
		{"<script>alert(1)</script> & [link](javascript:x) `a<b`", "<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; link <code>a&lt;b</code></p>"},
		{"停电 < 8 h\n- 备用 > 2 台", "<p>停电 &lt; 8 h</p><ul><li>备用 &gt; 2 台</li></ul>"},
	} {
		if got := string(p.Markdown(c.in)); got != c.want {
			t.Errorf("Markdown(%q)\n got %s\nwant %s", c.in, got, c.want)
		}
	}
}

func TestPlanDiffLinesFoldUnchangedRuns(t *testing.T) {
	eq := func(s string) plan.Line { return plan.Line{Op: plan.Equal, Text: s} }
	ls := []plan.Line{eq("a"), eq("b"), eq("c"), eq("d"), {Op: plan.Insert, Text: "x"}, eq("e"), eq("f"), eq("g"), eq("h"), eq("i"), eq("j")}
	var got []string
	for _, l := range (planDiffPage{}).Lines(ls) {
		if l.Skipped > 0 {
			got = append(got, "…"+strconv.Itoa(l.Skipped))
		} else {
			got = append(got, string(l.Op)+l.Text)
		}
	}
	want := []string{"…2", "=c", "=d", "+x", "=e", "=f", "…4"}
	if !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	if out := (planDiffPage{}).Lines([]plan.Line{eq("a"), eq("b")}); len(out) != 1 || out[0].Skipped != 2 {
		t.Fatalf("all unchanged: %+v", out)
	}
}
