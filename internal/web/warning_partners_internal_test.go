package web

import (
	"testing"

	"github.com/continuo-bcm/continuo/internal/errs"
)

// TestPartnerLinesRoundTrip reads partner lines with an optional language
// and writes them back as a form filled again shows them.
func TestPartnerLinesRoundTrip(t *testing.T) {
	var v errs.Validation
	in := audienceForm{Partners: "王磊, 东海冷链, wl@donghai.example.cn\nDuty desk, Pacific Cold Chain, +86 139 0000 0002, EN, duty@pcc.example.com\n港务局, , zh-CN, 13900000003"}
	a := in.audience(&v, "audience.")
	if err := v.Err(); err != nil {
		t.Fatal(err)
	}
	if len(a.Partners) != 3 || a.Partners[0].Lang != "" || a.Partners[1].Lang != "en" || a.Partners[1].Email != "duty@pcc.example.com" ||
		a.Partners[2].Lang != "zh-CN" || a.Partners[2].Mobile != "13900000003" {
		t.Fatalf("partners %+v", a.Partners)
	}
	want := "王磊, 东海冷链, wl@donghai.example.cn\nDuty desk, Pacific Cold Chain, duty@pcc.example.com, +86 139 0000 0002, en\n港务局, , 13900000003, zh-CN"
	if got := audienceFormOf(a).Partners; got != want {
		t.Errorf("partner lines\n%q\nwant\n%q", got, want)
	}
}
