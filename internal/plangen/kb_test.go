package plangen

import (
	"encoding/json"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/continuo-bcm/continuo/internal/errs"
)

// userPack returns a valid industry pack, built from the built-in
// e-commerce pack under a new id, that a test then breaks.
func userPack(t *testing.T, id string) map[string]any {
	t.Helper()
	b, err := builtinFS.ReadFile("kb/industries/ecommerce.json")
	if err != nil {
		t.Fatal(err)
	}
	var p map[string]any
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatal(err)
	}
	p["id"] = id
	p["aliases"] = []any{}
	p["name"] = map[string]any{"zh": "宠物用品零售", "en": "pet supplies retail"}
	return p
}

func fsWith(t *testing.T, files map[string]any) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	for name, v := range files {
		var b []byte
		if s, ok := v.(string); ok {
			b = []byte(s)
		} else {
			var err error
			if b, err = json.Marshal(v); err != nil {
				t.Fatal(err)
			}
		}
		m[name] = &fstest.MapFile{Data: b}
	}
	return m
}

func at(p map[string]any, path ...any) map[string]any {
	var cur any = p
	for _, k := range path {
		switch k := k.(type) {
		case string:
			cur = cur.(map[string]any)[k]
		case int:
			cur = cur.([]any)[k]
		}
	}
	return cur.(map[string]any)
}

func TestUserPackAddsAndReplaces(t *testing.T) {
	added := userPack(t, "pet_retail")
	replaced := userPack(t, "hospitality")
	replaced["name"] = map[string]any{"zh": "民宿", "en": "guesthouses"}
	kb, err := LoadKB(fsWith(t, map[string]any{
		"industries/pet.json":         added,
		"industries/guesthouses.json": replaced,
	}))
	if err != nil {
		t.Fatal(err)
	}
	if len(kb.Industries) != 13 {
		t.Errorf("%d industries, want the 12 built-in ones plus one", len(kb.Industries))
	}
	d, err := kb.Generate(Input{Industry: "pet_retail", Size: "small", Region: "oceania", Language: LangEn, AsOf: asOf})
	if err != nil {
		t.Fatal(err)
	}
	checkDraft(t, kb, d)
	if d.Industry.Name != "pet supplies retail" {
		t.Errorf("industry name %q", d.Industry.Name)
	}
	d, err = kb.Generate(Input{Industry: "hospitality", Size: "small", Region: "oceania", Language: LangZh, AsOf: asOf})
	if err != nil {
		t.Fatal(err)
	}
	if d.Industry.Name != "民宿" {
		t.Errorf("the user pack did not replace the built-in one: %q", d.Industry.Name)
	}
	// The built-in base is untouched, and the version tells the two apart.
	b := builtin(t)
	if plain, err := LoadKB(nil); err != nil || plain.Version != b.Version {
		t.Errorf("LoadKB(nil) = %v, %v; want version %s", plain, err, b.Version)
	}
	if kb.Version == b.Version || len(kb.Version) != 12 || d.KBVersion != kb.Version {
		t.Errorf("versions: user %q, built-in %q, draft %q", kb.Version, b.Version, d.KBVersion)
	}
	if p, _ := b.Industry("hospitality"); p.Name.Zh == "民宿" {
		t.Error("loading a user pack changed the built-in knowledge base")
	}
}

func TestBrokenPacksAreRejectedWithFileAndField(t *testing.T) {
	for _, tc := range []struct {
		name   string
		break_ func(p map[string]any)
		want   string
	}{
		{"likelihood out of range", func(p map[string]any) { at(p, "risks", 0)["likelihood"] = 7 },
			"industries/broken.json: risks[0].likelihood: must be between 1 and 5"},
		{"missing translation", func(p map[string]any) { at(p, "risks", 1, "title")["en"] = "" },
			"industries/broken.json: risks[1].title.en: is required"},
		{"Chinese left in English", func(p map[string]any) { at(p, "functions", 0, "name")["en"] = "网店" },
			"industries/broken.json: functions[0].name.en: holds Chinese characters"},
		{"placeholder", func(p map[string]any) { at(p, "considerations", 0, "body")["zh"] = "TODO 待补充" },
			`industries/broken.json: considerations[0].body.zh: holds placeholder text "todo"`},
		{"unknown variable", func(p map[string]any) { at(p, "intro")["en"] = "Shops in {city} sell online." },
			"industries/broken.json: intro.en: unknown variable {city}"},
		{"unknown role", func(p map[string]any) { at(p, "playbooks", 0, "actions", 2)["owner"] = "wizard" },
			`industries/broken.json: playbooks[0].actions[2].owner: unknown role "wizard"`},
		{"unknown playbook", func(p map[string]any) { at(p, "risks", 0)["playbook"] = "nowhere" },
			`industries/broken.json: risks[0].playbook: unknown playbook "nowhere"`},
		{"unknown category", func(p map[string]any) { at(p, "risks", 2)["category"] = "aliens" },
			"industries/broken.json: risks[2].category: must be one of the risk categories"},
		{"impact that lessens", func(p map[string]any) { at(p, "functions", 1, "impacts")["financial"] = []any{4, 3, 5, 5, 5} },
			"industries/broken.json: functions[1].impacts.financial[1]: an impact does not lessen"},
		{"RTO beyond MTPD", func(p map[string]any) { at(p, "functions", 1)["rto_minutes"] = 600 },
			"industries/broken.json: functions[1].rto_minutes: RTO 600 min is beyond the MTPD of 60 min"},
		{"actions out of order", func(p map[string]any) { at(p, "playbooks", 0, "actions", 1)["within"] = 1 },
			"industries/broken.json: playbooks[0].actions[1].within: actions must be in order"},
		{"unknown field", func(p map[string]any) { p["riskz"] = []any{} },
			"industries/broken.json: riskz: is not a known field"},
		{"unknown jurisdiction", func(p map[string]any) { at(p, "regulations", 0)["jurisdictions"] = []any{"atlantis"} },
			`industries/broken.json: regulations[0].jurisdictions[0]: unknown jurisdiction "atlantis"`},
		{"unknown size", func(p map[string]any) { at(p, "resources", 0)["min_size"] = "giant" },
			`industries/broken.json: resources[0].min_size: unknown size "giant"`},
		{"role that cannot be staffed", func(p map[string]any) {
			at(p, "roles", 0)["fold_to"] = ""
		}, `industries/broken.json: roles[0].fold_to: a micro company cannot staff role "logistics_lead"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := userPack(t, "broken_shop")
			tc.break_(p)
			_, err := LoadKB(fsWith(t, map[string]any{"industries/broken.json": p}))
			if err == nil {
				t.Fatal("the broken pack was accepted")
			}
			if !errs.Is(err, errs.Invalid) {
				t.Errorf("code %s, want invalid", errs.CodeOf(err))
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error does not say %q:\n%v", tc.want, err)
			}
		})
	}
}

func TestBrokenFilesAreNamed(t *testing.T) {
	for _, tc := range []struct {
		files map[string]any
		want  string
	}{
		{map[string]any{"industries/bad.json": "{\n  \"id\": \"x\",\n  oops\n}"}, "industries/bad.json: invalid JSON at line 3"},
		{map[string]any{"industries/bad.json": `{"id": "x", "review_months": "six"}`}, "industries/bad.json: review_months: must be int"},
		{map[string]any{"regions/mars.json": map[string]any{
			"id": "mars", "name": map[string]any{"zh": "火星", "en": "Mars"}, "jurisdiction": "olympus",
			"hazards": []any{},
		}}, `regions/mars.json: jurisdiction: unknown jurisdiction "olympus"`},
		{map[string]any{"jurisdictions/cn.json": map[string]any{
			"id": "cn", "name": map[string]any{"zh": "中国大陆", "en": "Mainland China"},
			"channels":   map[string]any{"staff": []any{"pigeon"}},
			"regulators": map[string]any{},
		}}, `jurisdictions/cn.json: channels.staff[0]: unknown channel "pigeon"`},
		{map[string]any{"industries/a.json": userPack(t, "twin"), "industries/b.json": userPack(t, "twin")},
			`industries/b.json: id: "twin" is also the id of industries/a.json`},
	} {
		_, err := LoadKB(fsWith(t, tc.files))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("error = %v, want %q", err, tc.want)
		}
	}
}
