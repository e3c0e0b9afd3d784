package plangen

import (
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/continuo-bcm/continuo/internal/bia"
	"github.com/continuo-bcm/continuo/internal/org"
	"github.com/continuo-bcm/continuo/internal/risk"
)

var asOf = time.Date(2026, time.November, 30, 0, 0, 0, 0, time.UTC)

func builtin(t testing.TB) *KB {
	t.Helper()
	kb, err := Builtin()
	if err != nil {
		t.Fatalf("built-in knowledge base: %v", err)
	}
	return kb
}

func generate(t testing.TB, kb *KB, in Input) *Draft {
	t.Helper()
	if in.AsOf.IsZero() {
		in.AsOf = asOf
	}
	d, err := kb.Generate(in)
	if err != nil {
		t.Fatalf("generate %+v: %v", in, err)
	}
	return d
}

func TestImpactCategoriesAreTheBIAs(t *testing.T) {
	var want []string
	for _, c := range bia.Categories {
		want = append(want, string(c))
	}
	if !slices.Equal(ImpactCategories, want) {
		t.Errorf("impact categories %v, the business impact analysis has %v", ImpactCategories, want)
	}
}

func TestBuiltinCoversTheIssueGrid(t *testing.T) {
	kb := builtin(t)
	for _, id := range []string{"ecommerce", "logistics", "manufacturing", "banking", "insurance", "securities", "healthcare",
		"it_saas", "energy_utilities", "education", "government", "hospitality"} {
		if _, ok := kb.Industry(id); !ok {
			t.Errorf("no industry pack %q", id)
		}
	}
	for _, alias := range []string{"retail", "finance", "fintech", "hospital"} {
		if _, ok := kb.Industry(alias); !ok {
			t.Errorf("no industry for alias %q", alias)
		}
	}
	for _, id := range []string{"cn-east", "cn-south", "cn-southwest", "cn-north", "cn-central", "cn-northeast", "cn-northwest",
		"north-america", "europe", "southeast-asia", "middle-east", "latin-america", "africa", "oceania"} {
		if _, ok := kb.Region(id); !ok {
			t.Errorf("no region %q", id)
		}
	}
	if got := kb.SizeIDs(); !slices.Equal(got, []string{"micro", "small", "medium", "large"}) {
		t.Errorf("sizes = %v", got)
	}
}

// identifierFields are the JSON names of draft fields that hold keys and
// codes rather than text a reader sees.
var identifierFields = map[string]bool{
	"key": true, "source": true, "scope": true, "category": true, "level": true, "playbook": true, "risks": true,
	"risk": true, "kind": true, "language": true, "as_of": true, "month": true, "next_review": true, "teams": true,
	"kb_version": true,
}

var labelKey = regexp.MustCompile(`^[a-z_]+\.[a-z0-9_]+$`)

// walkText calls fn for every string of the draft that a reader sees, with
// its path; optional is true for fields that may be empty.
func walkText(v reflect.Value, path string, optional bool, fn func(path, s string, optional bool)) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			walkText(v.Elem(), path, optional, fn)
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			f := v.Type().Field(i)
			name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
			// Keys and codes are strings or lists of strings; a field of
			// that name holding records (draft.risks) is walked.
			ft := f.Type
			if ft.Kind() == reflect.Slice {
				ft = ft.Elem()
			}
			if (identifierFields[name] && ft.Kind() == reflect.String) || name == "input" || !f.IsExported() {
				continue
			}
			walkText(v.Field(i), path+"."+name, strings.Contains(opts, "omitempty"), fn)
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			walkText(v.Index(i), path+"["+strconv.Itoa(i)+"]", false, fn)
		}
	case reflect.String:
		fn(path, v.String(), optional)
	}
}

// checkDraft checks what every draft must satisfy.
func checkDraft(t *testing.T, kb *KB, d *Draft) {
	t.Helper()
	fail := func(format string, args ...any) {
		t.Helper()
		t.Errorf("%s/%s/%s/%s: "+format, append([]any{d.Industry.Key, d.Size.Key, d.Region.Key, d.Language}, args...)...)
	}
	// The eight steps.
	if len(d.Risks) < 5 {
		fail("step 1: %d risks", len(d.Risks))
	}
	scopes := map[string]bool{}
	for _, r := range d.Risks {
		scopes[r.Scope] = true
		if !r.Category.Valid() {
			fail("risk %s: category %q", r.Key, r.Category)
		}
		if r.Likelihood < 1 || r.Likelihood > 5 || r.Impact < 1 || r.Impact > 5 || r.Score != r.Likelihood*r.Impact || !r.Level.Valid() {
			fail("risk %s: rating %d×%d=%d %s", r.Key, r.Likelihood, r.Impact, r.Score, r.Level)
		}
		if len(r.Mitigations) == 0 {
			fail("risk %s has no mitigations", r.Key)
		}
	}
	if !scopes["internal"] || !scopes["external"] {
		fail("step 1: risks are not both internal and external: %v", scopes)
	}
	if len(d.Impact.Rows) < 3 || len(d.Impact.Categories) != len(bia.Categories) || len(d.Impact.TimePoints) != 5 {
		fail("step 2: impact table %d rows × %d categories × %d times", len(d.Impact.Rows), len(d.Impact.Categories), len(d.Impact.TimePoints))
	}
	for _, row := range d.Impact.Rows {
		if len(row.Cells) != len(bia.Categories) {
			fail("impact row %s has %d cells", row.Function.Key, len(row.Cells))
		}
		for _, c := range row.Cells {
			if len(c.Levels) != 5 {
				fail("impact row %s/%s has %d levels", row.Function.Key, c.Category, len(c.Levels))
			}
		}
	}
	if len(d.Playbooks) < 2 {
		fail("step 3: %d playbooks", len(d.Playbooks))
	}
	riskKeys := map[string]bool{}
	for _, r := range d.Risks {
		riskKeys[r.Key] = true
	}
	pbKeys := map[string]bool{}
	for _, p := range d.Playbooks {
		pbKeys[p.Key] = true
		if len(p.Actions) < 3 || len(p.Risks) == 0 {
			fail("playbook %s: %d actions, %d risks", p.Key, len(p.Actions), len(p.Risks))
		}
		for i, a := range p.Actions {
			if a.Step != i+1 || (i > 0 && a.Within < p.Actions[i-1].Within) {
				fail("playbook %s: action %d out of order", p.Key, i)
			}
		}
		for _, k := range p.Risks {
			if !riskKeys[k] {
				fail("playbook %s answers unknown risk %s", p.Key, k)
			}
		}
	}
	for _, r := range d.Risks {
		if r.Playbook != "" && !pbKeys[r.Playbook] {
			fail("risk %s points at missing playbook %s", r.Key, r.Playbook)
		}
	}
	if len(d.Organisation.Teams) == 0 || len(d.Organisation.Roles) == 0 {
		fail("step 4: %d teams, %d roles", len(d.Organisation.Teams), len(d.Organisation.Roles))
	}
	roles := map[string]bool{}
	for _, r := range d.Organisation.Roles {
		roles[r.Key] = true
	}
	for _, tm := range d.Organisation.Teams {
		if !slices.Contains(org.TeamKinds, tm.Kind) || tm.Leader.Key == "" {
			fail("team %s: kind %q leader %q", tm.Key, tm.Kind, tm.Leader.Key)
		}
	}
	owner := func(what string, r Ref) {
		if !roles[r.Key] {
			fail("%s names role %s that the organisation does not list", what, r.Key)
		}
	}
	for _, r := range d.Risks {
		owner("risk "+r.Key, r.Owner)
	}
	for _, p := range d.Playbooks {
		owner("playbook "+p.Key, p.Activation)
		for _, a := range p.Actions {
			owner("playbook "+p.Key, a.Owner)
		}
	}
	audiences := map[string]bool{}
	for _, c := range d.Communication {
		audiences[c.Audience.Key] = true
		owner("audience "+c.Audience.Key, c.Owner)
		if len(c.Channels) == 0 {
			fail("audience %s has no channel", c.Audience.Key)
		}
	}
	for _, a := range requiredAudiences {
		if !audiences[a] {
			fail("step 5: no communication to %s", a)
		}
	}
	if len(d.Recovery) < 3 {
		fail("step 6: %d recovery targets", len(d.Recovery))
	}
	for _, rt := range d.Recovery {
		if rt.RTO <= 0 || rt.RPO < 0 || (rt.MTPD > 0 && rt.RTO > rt.MTPD) {
			fail("recovery %s: RTO %d RPO %d MTPD %d", rt.Function.Key, rt.RTO, rt.RPO, rt.MTPD)
		}
	}
	kinds := map[string]bool{}
	for _, r := range d.Resources {
		kinds[r.Kind] = true
		owner("resource "+r.Key, r.Owner)
	}
	for _, k := range []string{"backup_system", "alternate_supplier", "reserve", "supply"} {
		if !kinds[k] {
			fail("step 7: no resource of kind %s", k)
		}
	}
	m := d.Maintenance
	size, _ := kb.Size(d.Size.Key)
	if len(m.Drills) == 0 || len(m.Drills) > size.DrillsPerYear || (m.ReviewMonths != 6 && m.ReviewMonths != 12) {
		fail("step 8: %d drills, review every %d months", len(m.Drills), m.ReviewMonths)
	}
	months := map[string]bool{}
	first, last := asOf.AddDate(0, 1, 0).Format("2006-01"), asOf.AddDate(0, 12, 0).Format("2006-01")
	for _, dr := range m.Drills {
		if months[dr.Month] || dr.Month < first || dr.Month > last {
			fail("drill %s in month %s (window %s–%s, taken %v)", dr.Key, dr.Month, first, last, months[dr.Month])
		}
		months[dr.Month] = true
		if dr.Playbook != "" && !pbKeys[dr.Playbook] {
			fail("drill %s exercises missing playbook %s", dr.Key, dr.Playbook)
		}
	}
	// The extras.
	placed := 0
	for _, row := range d.Matrix.Cells {
		if len(row) != 5 {
			fail("matrix row of %d cells", len(row))
		}
		for _, c := range row {
			placed += len(c.Risks)
		}
	}
	if len(d.Matrix.Cells) != 5 || placed != len(d.Risks) || len(d.Matrix.Bands) != len(risk.Levels) {
		fail("matrix: %d rows, %d of %d risks placed, %d bands", len(d.Matrix.Cells), placed, len(d.Risks), len(d.Matrix.Bands))
	}
	if len(d.CommonRisks) == 0 || len(d.Training) == 0 || len(d.Technology) == 0 || len(d.Considerations) == 0 ||
		len(d.Regulations) == 0 || len(d.Regulators) == 0 {
		fail("extras: %d common risks, %d training, %d technology, %d considerations, %d regulations, %d regulators",
			len(d.CommonRisks), len(d.Training), len(d.Technology), len(d.Considerations), len(d.Regulations), len(d.Regulators))
	}
	// Every text is present, finished and in the draft's language.
	walkText(reflect.ValueOf(d), "draft", false, func(path, s string, optional bool) {
		if strings.TrimSpace(s) == "" {
			if !optional {
				fail("%s is empty", path)
			}
			return
		}
		low := strings.ToLower(s)
		for _, w := range placeholderWords {
			if strings.Contains(low, w) {
				fail("%s holds %q: %s", path, w, s)
			}
		}
		if strings.ContainsAny(s, "{}") {
			fail("%s holds a brace: %s", path, s)
		}
		if labelKey.MatchString(s) {
			fail("%s is an untranslated key: %s", path, s)
		}
		han := strings.IndexFunc(s, func(r rune) bool { return unicode.Is(unicode.Han, r) }) >= 0
		if d.Language == LangEn && han {
			fail("%s is not English: %s", path, s)
		}
		if d.Language == LangZh && !han && len([]rune(s)) > 24 {
			fail("%s is not Chinese: %s", path, s)
		}
	})
}

func TestGridGeneratesCompleteDrafts(t *testing.T) {
	kb := builtin(t)
	n := 0
	for _, ind := range kb.Industries {
		for _, size := range kb.Sizes {
			for _, reg := range kb.Regions {
				for _, lang := range []string{LangZh, LangEn} {
					d := generate(t, kb, Input{Industry: ind.ID, Size: size.ID, Region: reg.ID, Language: lang})
					checkDraft(t, kb, d)
					n++
				}
			}
		}
	}
	t.Logf("%d drafts", n)
}

// keysOf lists the keys of a draft's records, which must not depend on the
// language.
func keysOf(d *Draft) []string {
	var ks []string
	for _, r := range d.Risks {
		ks = append(ks, "risk:"+r.Key+":"+r.Owner.Key+":"+r.Playbook)
	}
	for _, p := range d.Playbooks {
		ks = append(ks, "playbook:"+p.Key)
		for _, a := range p.Actions {
			ks = append(ks, "action:"+a.Owner.Key)
		}
	}
	for _, tm := range d.Organisation.Teams {
		ks = append(ks, "team:"+tm.Key+":"+tm.Leader.Key)
	}
	for _, r := range d.Organisation.Roles {
		ks = append(ks, "role:"+r.Key)
	}
	for _, c := range d.Communication {
		ks = append(ks, "audience:"+c.Audience.Key)
	}
	for _, r := range d.Recovery {
		ks = append(ks, "recovery:"+r.Function.Key)
	}
	for _, r := range d.Resources {
		ks = append(ks, "resource:"+r.Key)
	}
	for _, dr := range d.Maintenance.Drills {
		ks = append(ks, "drill:"+dr.Key+":"+dr.Month)
	}
	return ks
}

func TestDeterministicAndLanguageIndependent(t *testing.T) {
	kb := builtin(t)
	for _, in := range []Input{
		{Industry: "healthcare", Size: "large", Region: "southeast-asia"},
		{Industry: "ecommerce", Size: "micro", Region: "cn-south", PaymentProviders: []string{"支付宝", "PayPal"}, Sites: 2},
		{Industry: "banking", Size: "medium", Region: "cn-north", CriticalSystems: []string{"核心银行系统", "网上银行"}},
	} {
		in.Language = LangZh
		a, b := generate(t, kb, in), generate(t, kb, in)
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%s/%s/%s: two runs differ", in.Industry, in.Size, in.Region)
		}
		in.Language = LangEn
		en := generate(t, kb, in)
		if !slices.Equal(keysOf(a), keysOf(en)) {
			t.Errorf("%s/%s/%s: the records differ between languages:\nzh %v\nen %v", in.Industry, in.Size, in.Region, keysOf(a), keysOf(en))
		}
	}
}

func TestDrillCalendarFollowsAsOf(t *testing.T) {
	kb := builtin(t)
	in := Input{Industry: "logistics", Size: "large", Region: "cn-east", Language: LangEn}
	in.AsOf = time.Date(2027, time.March, 15, 0, 0, 0, 0, time.UTC)
	d := generate(t, kb, in)
	for _, dr := range d.Maintenance.Drills {
		if dr.Month < "2027-04" || dr.Month > "2028-03" {
			t.Errorf("drill %s in %s, outside April 2027–March 2028", dr.Key, dr.Month)
		}
	}
	// The typhoon season of the East China coast starts in July: its drill
	// is in June.
	if dr := findDrill(d, "drill.region.typhoon"); dr == nil || dr.Month != "2027-06" {
		t.Errorf("typhoon drill = %+v, want June 2027", dr)
	}
	// The fire evacuation drill is held in November.
	if dr := findDrill(d, "drill.fire_evacuation"); dr == nil || dr.Month != "2027-11" {
		t.Errorf("fire drill = %+v, want November 2027", dr)
	}
	if d.Maintenance.NextReview != "2027-09" {
		t.Errorf("next review %s, want 2027-09 (a large company reviews every six months)", d.Maintenance.NextReview)
	}
}

func findDrill(d *Draft, key string) *Drill {
	for i := range d.Maintenance.Drills {
		if d.Maintenance.Drills[i].Key == key {
			return &d.Maintenance.Drills[i]
		}
	}
	return nil
}

func TestInputErrors(t *testing.T) {
	kb := builtin(t)
	_, err := kb.Generate(Input{Industry: "alchemy", Size: "huge", Region: "mars", Language: "fr"})
	if err == nil {
		t.Fatal("no error for an unknown industry, size, region and language")
	}
	for _, f := range []string{"industry", "size", "region", "language", "as_of"} {
		if !strings.Contains(err.Error(), f+":") {
			t.Errorf("error does not name %s: %v", f, err)
		}
	}
}

func TestConcurrentGeneration(t *testing.T) {
	kb := builtin(t)
	in := Input{Industry: "securities", Size: "large", Region: "oceania", Language: LangEn, AsOf: asOf}
	want := generate(t, kb, in)
	done := make(chan *Draft)
	for range 8 {
		go func() {
			d, err := kb.Generate(in)
			if err != nil {
				t.Error(err)
			}
			done <- d
		}()
	}
	for range 8 {
		if d := <-done; !reflect.DeepEqual(d, want) {
			t.Error("a concurrent generation differs")
		}
	}
}
