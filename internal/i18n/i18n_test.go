package i18n

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// loadRaw reads the catalog files of a language, failing on duplicate keys
// (within a file or across files) or non-string values, which
// encoding/json would otherwise accept silently.
func loadRaw(t *testing.T, l Lang) map[string]string {
	t.Helper()
	files, err := catalogFiles(l)
	if err != nil || len(files) == 0 {
		t.Fatalf("%s: no catalog files (%v)", l, err)
	}
	m := make(map[string]string)
	for _, f := range files {
		data, err := messageFiles.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		dec := json.NewDecoder(bytes.NewReader(data))
		if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
			t.Fatalf("%s: want a JSON object, got %v %v", f, tok, err)
		}
		for dec.More() {
			tok, err := dec.Token()
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			key := tok.(string)
			var val string
			if err := dec.Decode(&val); err != nil {
				t.Fatalf("%s: key %q: %v", f, key, err)
			}
			if _, dup := m[key]; dup {
				t.Errorf("%s: duplicate key %q", f, key)
			}
			m[key] = val
		}
	}
	return m
}

func TestAreaFilesComeInPairs(t *testing.T) {
	entries, err := messageFiles.ReadDir("messages")
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, e := range entries {
		names[e.Name()] = true
	}
	for name := range names {
		base, ok := strings.CutSuffix(name, ".en.json")
		if ok && !names[base+".zh-CN.json"] {
			t.Errorf("%s has no %s.zh-CN.json", name, base)
		}
		base, ok = strings.CutSuffix(name, ".zh-CN.json")
		if ok && !names[base+".en.json"] {
			t.Errorf("%s has no %s.en.json", name, base)
		}
		if !strings.HasSuffix(name, ".en.json") && !strings.HasSuffix(name, ".zh-CN.json") && name != "en.json" && name != "zh-CN.json" {
			t.Errorf("%s: catalog files are named <lang>.json or <area>.<lang>.json", name)
		}
	}
}

var keyRE = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[A-Za-z0-9_-]+)+$`)

func TestCatalogsMatch(t *testing.T) {
	en, zh := loadRaw(t, EN), loadRaw(t, ZH)
	if len(en) == 0 {
		t.Fatal("empty catalog")
	}
	for k := range en {
		if _, ok := zh[k]; !ok {
			t.Errorf("key %q is in en.json but missing from zh-CN.json", k)
		}
	}
	for k := range zh {
		if _, ok := en[k]; !ok {
			t.Errorf("key %q is in zh-CN.json but missing from en.json", k)
		}
	}
	for _, l := range Langs {
		for k, v := range loadRaw(t, l) {
			if strings.TrimSpace(v) == "" {
				t.Errorf("%s: key %q has an empty value", l, k)
			}
			if !keyRE.MatchString(k) {
				t.Errorf("%s: key %q is not of the form area.name", l, k)
			}
		}
	}
}

// verbRE matches fmt verbs including flags, explicit argument indexes, width
// and precision; "%%" is matched so it can be skipped.
var verbRE = regexp.MustCompile(`%(?:%|[-+# 0]*(?:\[(\d+)\])?[-+# 0]*\d*(?:\.\d+)?([a-zA-Z]))`)

// verbs maps argument position (1-based) to verb letter.
func verbs(s string) map[int]string {
	out := map[int]string{}
	next := 1
	for _, m := range verbRE.FindAllStringSubmatch(s, -1) {
		if m[0] == "%%" {
			continue
		}
		if m[1] != "" {
			next, _ = strconv.Atoi(m[1])
		}
		out[next] = m[2]
		next++
	}
	return out
}

func TestFormatVerbsMatch(t *testing.T) {
	en, zh := loadRaw(t, EN), loadRaw(t, ZH)
	for k, e := range en {
		z, ok := zh[k]
		if !ok {
			continue // reported by TestCatalogsMatch
		}
		ve, vz := verbs(e), verbs(z)
		if fmt.Sprint(ve) != fmt.Sprint(vz) {
			t.Errorf("key %q: format verbs differ: en %v %q, zh-CN %v %q", k, ve, e, vz, z)
		}
		for _, v := range ve {
			if !strings.Contains("dsvq", v) {
				t.Errorf("key %q: unexpected verb %%%s", k, v)
			}
		}
	}
}

func TestVerbsHelper(t *testing.T) {
	if got := fmt.Sprint(verbs("第 %d 页，共 %d 页 100%% %[1]s")); got != "map[1:s 2:d]" {
		t.Errorf("verbs = %s", got)
	}
}

func TestRequiredKeys(t *testing.T) {
	required := []string{
		"app.name", "nav.organise", "nav.org_units", "nav.people", "nav.teams", "nav.contact_list",
		"nav.assess", "nav.risks", "nav.bia", "nav.plan", "nav.plans", "nav.warn", "nav.warnings",
		"nav.respond", "nav.incidents", "nav.recover", "nav.recovery", "nav.improve", "nav.reviews",
		"nav.corrective_actions", "nav.exercise", "nav.exercises", "nav.training", "nav.supervise",
		"nav.kpis", "nav.iso22301", "nav.admin", "nav.users", "nav.audit_log",
		"login.username", "login.password", "login.submit", "login.invalid", "login.too_many_attempts", "login.sso",
		"profile.language", "profile.change_password", "profile.api_tokens",
		"common.confirm_delete", "common.page_of", "common.download_xlsx", "common.download_csv",
		"import.row_error", "import.imported", "import.failed",
		"validation.required", "validation.too_long", "validation.invalid_email", "validation.invalid_mobile",
		"validation.unknown_value", "validation.duplicate", "validation.not_found", "validation.forbidden",
	}
	for _, prefix := range []string{"org_kind.", "team_kind.", "team_role.", "role."} {
		found := false
		for _, k := range Keys() {
			found = found || strings.HasPrefix(k, prefix)
		}
		if !found {
			t.Errorf("no keys with prefix %q", prefix)
		}
	}
	for _, k := range required {
		if !Has(k) {
			t.Errorf("missing key %q", k)
		}
	}
}

func TestGlossary(t *testing.T) {
	for key, want := range map[string]string{
		"team_kind.committee":      "危机管理委员会",
		"team_kind.crisis_office":  "危机管理办公室",
		"team_kind.special_team":   "专项危机应对小组",
		"team_kind.onsite_command": "现场应急指挥小组",
		"team_role.liaison":        "联络员",
		"people.deputy":            "代理人",
		"nav.contact_list":         "应急联络一览表",
		"nav.risk_survey":          "风险排查",
		"nav.risks":                "风险登记册",
		"nav.plans":                "应急预案",
		"nav.incidents":            "突发事件",
		"nav.recovery":             "业务恢复",
		"nav.corrective_actions":   "整改措施",
		"nav.exercises":            "应急演练",
		"nav.training":             "培训",
		"nav.kpis":                 "考核指标",
		"nav.audit_log":            "审计日志",
		"org_kind.group":           "集团",
		"org_kind.branch":          "分公司",
		"org_kind.subsidiary":      "子公司",
		"org_kind.department":      "部门",
		"role.admin":               "系统管理员",
	} {
		if got := T(ZH, key); got != want {
			t.Errorf("T(ZH, %q) = %q, want %q", key, got, want)
		}
	}
}

func TestT(t *testing.T) {
	if got := T(EN, "common.page_of", 2, 7); got != "Page 2 of 7" {
		t.Errorf("got %q", got)
	}
	if got := T(ZH, "common.page_of", 2, 7); got != "第 2 页，共 7 页" {
		t.Errorf("got %q", got)
	}
	if got := T(ZH, "import.row_error", 3, "缺少姓名"); got != "第 3 行：缺少姓名" {
		t.Errorf("got %q", got)
	}
	if got := T(EN, "no.such.key"); got != "no.such.key" {
		t.Errorf("missing key: got %q", got)
	}
	if got := T(Lang("fr"), "common.save"); got != "Save" {
		t.Errorf("unsupported lang: got %q", got)
	}
	tr := For(ZH)
	if tr.Lang() != ZH || tr.T("common.save") != "保存" {
		t.Errorf("For(ZH): %v %q", tr.Lang(), tr.T("common.save"))
	}
	if tr := For("xx"); tr.Lang() != EN || tr.T("common.save") != "Save" {
		t.Errorf("For(xx): %v %q", tr.Lang(), tr.T("common.save"))
	}
	var zero Translator
	if zero.Lang() != EN || zero.T("common.save") != "Save" {
		t.Error("zero Translator should behave like English")
	}
	keys := Keys()
	if !sort.StringsAreSorted(keys) || len(keys) != len(loadRaw(t, EN)) {
		t.Error("Keys() must return all keys sorted")
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want Lang
		ok   bool
	}{
		{"zh-CN", ZH, true},
		{"zh", ZH, true},
		{"ZH-cn", ZH, true},
		{"zh_CN", ZH, true},
		{"zh-Hans-CN", ZH, true},
		{"zh-TW", ZH, true},
		{"en", EN, true},
		{"en-GB", EN, true},
		{" EN ", EN, true},
		{"", "", false},
		{"fr", "", false},
		{"zha", "", false},
		{"english", "", false},
	}
	for _, tt := range tests {
		got, ok := Parse(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Parse(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestNegotiate(t *testing.T) {
	tests := []struct {
		header string
		want   Lang
	}{
		{"", EN},
		{"   ", EN},
		{"zh-CN", ZH},
		{"zh", ZH},
		{"zh-TW,zh;q=0.9", ZH},
		{"zh-CN,zh;q=0.9,en;q=0.8", ZH},
		{"en-US,en;q=0.9,zh-CN;q=0.8", EN},
		{"en-US,en;q=0.9", EN},
		{"fr-FR,fr;q=0.9", EN},
		{"fr-FR,fr;q=0.9,zh;q=0.5", ZH},          // zh is the best supported match
		{"fr,en;q=0.4,zh;q=0.5", ZH},             // q decides, not order
		{"en;q=0.5,zh-CN;q=0.6", ZH},             // q decides, not order
		{"zh;q=0.8,en;q=0.8", ZH},                // tie: first listed wins
		{"en;q=0.8,zh;q=0.8", EN},                // tie: first listed wins
		{"zh-CN;q=0", EN},                        // explicitly refused
		{"zh;q=0,*", EN},                         // refused, wildcard → default
		{"*", EN},                                // wildcard alone → default
		{"zh;q=0.4,*;q=0.5", EN},                 // wildcard covers en with higher q
		{"en;q=0.3,*;q=0.9", ZH},                 // wildcard covers zh with higher q
		{"ZH-HANS-CN;Q=0.9, EN;Q=0.1", ZH},       // case-insensitive
		{"zh;q=abc,en;q=0.1", EN},                // malformed q ignored
		{"zh;q=1.5", EN},                         // out-of-range q ignored
		{"zha,en;q=0.1", EN},                     // Zhuang is not Chinese
		{" zh-CN ; q=0.9 , en ; q=0.8 ", ZH},     // whitespace
		{"en-GB;q=0.2, zh-cn;q=0.3, de;q=1", ZH}, // unsupported best is skipped
		{",,,", EN},
	}
	for _, tt := range tests {
		if got := Negotiate(tt.header); got != tt.want {
			t.Errorf("Negotiate(%q) = %q, want %q", tt.header, got, tt.want)
		}
	}
}
