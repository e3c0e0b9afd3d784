package cli

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestPlanGenerate(t *testing.T) {
	db := filepath.Join(t.TempDir(), "c.db")
	// Bad values are named with the flag and the valid choices, before
	// any database is created.
	_, _, err := run(t, "", "--db", db, "plan", "generate", "--industry", "piracy", "--size", "huge", "--region", "cn-east", "--lang", "fr")
	if err == nil {
		t.Fatal("bad flags accepted")
	}
	for _, want := range []string{`--industry: unknown industry "piracy"; known: banking, ecommerce`, `--size: unknown size "huge"; known: micro, small, medium, large`,
		"--lang: must be zh-CN or en"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if _, serr := os.Stat(db); !os.IsNotExist(serr) {
		t.Fatalf("the database was touched by a rejected command: %v", serr)
	}
	// Without an organisation there is no unit to own the plan.
	_, _, err = run(t, "", "--db", db, "plan", "generate", "--industry", "ecommerce", "--size", "small", "--region", "cn-east")
	if err == nil || !strings.Contains(err.Error(), "--unit: the organisation has no org unit yet") {
		t.Fatalf("empty organisation: %v", err)
	}

	if _, _, err := run(t, "", "--db", db, "demo"); err != nil {
		t.Fatal(err)
	}
	out, _, err := run(t, "", "--db", db, "plan", "generate", "--industry", "ecommerce", "--size", "small", "--region", "cn-east", "--lang", "zh",
		"--as-of", "2026-11-30", "--payment-provider", "支付宝,微信支付", "--code", "BCP-EC")
	if err != nil {
		t.Fatalf("generate: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`created plan (\d+) \(draft version 1\): 电子商务/零售业务连续性与应急计划`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no plan created:\n%s", out)
	}
	id := m[1]
	for _, want := range []string{"industry ecommerce, size small, region cn-east",
		"drills:           4 (2027-", "review:           every 6 months, next 2027-05", "/api/v1/plans/" + id + "\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	// The demo group has a crisis committee: it is used, the three groups
	// of a small business are created.
	if m := regexp.MustCompile(`teams: +4 \(3 created, 1 existing\)`).FindString(out); m == "" {
		t.Errorf("teams line:\n%s", out)
	}
	if m := regexp.MustCompile(`risks: +14 \(14 entered in the register, 0 already there\)`).FindString(out); m == "" {
		t.Errorf("risks line:\n%s", out)
	}
	// The same code again fails and stores nothing.
	_, _, err = run(t, "", "--db", db, "plan", "generate", "--industry", "banking", "--size", "large", "--region", "europe", "--code", "BCP-EC")
	if err == nil || !strings.Contains(err.Error(), "--code: is already used by plan "+id) {
		t.Fatalf("duplicate code: %v", err)
	}
	_, _, err = run(t, "", "--db", db, "plan", "generate", "--industry", "banking", "--size", "large", "--region", "europe", "--unit", "nosuch")
	if err == nil || !strings.Contains(err.Error(), `--unit "nosuch": no org unit`) {
		t.Fatalf("unknown unit: %v", err)
	}
	out, _, err = run(t, "", "--db", db, "plan", "generate", "--industry", "banking", "--size", "large", "--region", "europe", "--lang", "en")
	if err != nil || !strings.Contains(out, "(draft version 1)") || !strings.Contains(out, "industry banking, size large, region europe") {
		t.Fatalf("second plan: %v\n%s", err, out)
	}
}
