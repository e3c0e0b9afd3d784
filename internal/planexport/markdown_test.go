package planexport

import (
	"testing"

	"github.com/continuo-bcm/continuo/internal/document"
	"github.com/continuo-bcm/continuo/internal/i18n"
)

func TestMarkdownBlocks(t *testing.T) {
	d := document.New(i18n.ZH, "t")
	addMarkdown(d, "## 适用范围\n本预案适用于**集团**各单位，\n停电 3.5 小时以上。\n\n- 仓储\n- 运输\n  及配送\n\n1. 报告\n2) 处置\n3、恢复\n\n见[附件](http://x)。")
	var got []string
	for _, b := range d.Blocks {
		switch b := b.(type) {
		case *document.Paragraph:
			s := ""
			for _, r := range b.Runs {
				s += r.Text
			}
			got = append(got, "P:"+s)
		case *document.List:
			kind := "UL"
			if b.Ordered {
				kind = "OL"
			}
			got = append(got, kind+":"+itemText(b))
		}
	}
	want := []string{"P:适用范围", "P:本预案适用于集团各单位，\n停电 3.5 小时以上。", "UL:仓储|运输 及配送", "OL:报告|处置|恢复", "P:见附件。"}
	if len(got) != len(want) {
		t.Fatalf("blocks %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("block %d: %q, want %q", i, got[i], want[i])
		}
	}
	if s := plainMarkdown("# 标题\n\n- **一**\n二"); s != "标题\n• 一\n二" {
		t.Errorf("plainMarkdown: %q", s)
	}
}

func itemText(l *document.List) string {
	s := ""
	for i, it := range l.Items {
		if i > 0 {
			s += "|"
		}
		for _, r := range it {
			s += r.Text
		}
	}
	return s
}
