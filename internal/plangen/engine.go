package plangen

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/risk"
)

// ImpactCategories are the impact categories of the business impact
// analysis (bia.Categories), in its display order.
var ImpactCategories = []string{"financial", "operational", "reputational", "regulatory", "customer", "safety"}

// intolerable is the impact level from which a disruption can no longer be
// tolerated: the first time point that reaches it is the MTPD (the BIA
// default).
const intolerable = 4

// Generate drafts a plan from the built-in knowledge base.
func Generate(in Input) (*Draft, error) {
	kb, err := Builtin()
	if err != nil {
		return nil, err
	}
	return kb.Generate(in)
}

// NormalizeLanguage maps the spellings of the two languages to LangZh or
// LangEn; it returns "" for anything else.
func NormalizeLanguage(s string) string {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "zh", "zh-cn", "zh_cn", "zh-hans", "cn", "chinese":
		return LangZh
	case "en", "en-us", "en-gb", "english":
		return LangEn
	}
	return ""
}

// gen holds the state of one generation.
type gen struct {
	kb    *KB
	in    Input
	lang  string
	ind   *IndustryPack
	size  *SizeProfile
	reg   *RegionProfile
	jur   *Jurisdiction
	roles map[string]*RoleTemplate
	vars  map[string]string
	d     *Draft
	// playbooks by id, from common and the industry.
	playbooks map[string]*PlaybookTemplate
	// selected are the risks of the draft, in its order.
	selected []candidate
	// used are the role ids the draft's templates name, before folding.
	used map[string]bool
}

// Generate drafts a plan.
func (kb *KB) Generate(in Input) (*Draft, error) {
	var v errs.Validation
	ind, ok := kb.Industry(in.Industry)
	if !ok {
		v.Add("industry", "unknown industry %q; known: %s", in.Industry, strings.Join(kb.IndustryIDs(), ", "))
	}
	size, ok := kb.Size(in.Size)
	if !ok {
		v.Add("size", "unknown size %q; known: %s", in.Size, strings.Join(kb.SizeIDs(), ", "))
	}
	reg, ok := kb.Region(in.Region)
	if !ok {
		v.Add("region", "unknown region %q; known: %s", in.Region, strings.Join(kb.RegionIDs(), ", "))
	}
	lang := NormalizeLanguage(in.Language)
	if lang == "" {
		v.Add("language", "must be zh-CN or en")
	}
	if in.AsOf.IsZero() {
		v.Add("as_of", "is required: the drill calendar starts from it")
	}
	v.Check(in.Sites >= 0 && in.Sites <= 100000, "sites", "must be between 0 and 100000")
	for i, s := range in.CriticalSystems {
		v.Check(strings.TrimSpace(s) != "" && len(s) <= 200, fmt.Sprintf("critical_systems[%d]", i), "must be 1 to 200 characters")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	g := &gen{kb: kb, in: in, lang: lang, ind: ind, size: size, reg: reg, jur: kb.jurisdictions[reg.Jurisdiction],
		roles: map[string]*RoleTemplate{}, playbooks: map[string]*PlaybookTemplate{}, used: map[string]bool{}}
	for i := range kb.Common.Roles {
		g.roles[kb.Common.Roles[i].ID] = &kb.Common.Roles[i]
	}
	for i := range ind.Roles {
		g.roles[ind.Roles[i].ID] = &ind.Roles[i]
	}
	for i := range kb.Common.Playbooks {
		g.playbooks[kb.Common.Playbooks[i].ID] = &kb.Common.Playbooks[i]
	}
	for i := range ind.Playbooks {
		g.playbooks[ind.Playbooks[i].ID] = &ind.Playbooks[i]
	}
	g.setVars()
	norm := in
	norm.Industry, norm.Size, norm.Region, norm.Language = ind.ID, size.ID, reg.ID, lang
	norm.CriticalSystems, norm.PaymentProviders = slices.Clone(in.CriticalSystems), slices.Clone(in.PaymentProviders)
	norm.LogisticsProviders, norm.Regulators = slices.Clone(in.LogisticsProviders), slices.Clone(in.Regulators)
	g.d = &Draft{
		Input:        norm,
		KBVersion:    kb.Version,
		Industry:     Ref{ind.ID, g.t(ind.Name)},
		Size:         Ref{size.ID, g.t(size.Name)},
		Region:       Ref{reg.ID, g.t(reg.Name)},
		Jurisdiction: Ref{g.jur.ID, g.t(g.jur.Name)},
		Language:     lang,
		AsOf:         in.AsOf.Format(time.DateOnly),
		Title:        g.t(kb.Common.Title),
		Summary:      g.t(ind.Intro) + g.sentenceSep() + g.t(kb.Common.Summary),
		Approach:     g.t(size.Approach),
	}
	g.risks()
	g.impact()
	g.playbookSteps()
	g.communication()
	g.recovery()
	g.resources()
	g.organisation()
	g.maintenance()
	g.matrix()
	g.extras()
	return g.d, nil
}

// IndustryIDs lists the industry ids.
func (kb *KB) IndustryIDs() []string {
	return ids(kb.Industries, func(p *IndustryPack) string { return p.ID })
}

// RegionIDs lists the region ids.
func (kb *KB) RegionIDs() []string {
	return ids(kb.Regions, func(p *RegionProfile) string { return p.ID })
}

// SizeIDs lists the size ids, smallest first.
func (kb *KB) SizeIDs() []string { return ids(kb.Sizes, func(p *SizeProfile) string { return p.ID }) }

func ids[T any](xs []T, id func(T) string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = id(x)
	}
	return out
}

// sep is the list separator of the language.
func (g *gen) sep() string {
	if g.lang == LangEn {
		return ", "
	}
	return "、"
}

func (g *gen) list(xs []string) string {
	var keep []string
	for _, x := range xs {
		if x = strings.TrimSpace(x); x != "" {
			keep = append(keep, x)
		}
	}
	return strings.Join(keep, g.sep())
}

func (g *gen) setVars() {
	g.vars = map[string]string{
		"industry":            g.t0(g.ind.Name),
		"size":                g.t0(g.size.Name),
		"region":              g.t0(g.reg.Name),
		"payment_providers":   g.t0(g.jur.PaymentProviders),
		"logistics_providers": g.t0(g.jur.LogisticsProviders),
		"critical_systems":    g.t0(g.ind.Systems),
		"emergency_numbers":   g.t0(g.jur.EmergencyNumbers),
	}
	if s := g.list(g.in.PaymentProviders); s != "" {
		g.vars["payment_providers"] = s
	}
	if s := g.list(g.in.LogisticsProviders); s != "" {
		g.vars["logistics_providers"] = s
	}
	if s := g.list(g.in.CriticalSystems); s != "" {
		g.vars["critical_systems"] = s
	}
	if g.in.Sites > 1 {
		g.vars["sites"] = strings.ReplaceAll(g.t0(g.label("sites.many")), "[n]", strconv.Itoa(g.in.Sites))
	} else {
		g.vars["sites"] = g.t0(g.label("sites.one"))
	}
	g.vars["regulators"] = g.list(g.regulators())
	g.vars["hazard"] = ""
}

// hazards names risks inside a sentence: in English a title's capital is
// dropped ("a yellow or higher typhoon warning") unless the word is an
// acronym.
func (g *gen) hazards(titles []string) string {
	if g.lang == LangEn {
		out := make([]string, len(titles))
		for i, t := range titles {
			r := []rune(t)
			if len(r) > 1 && unicode.IsUpper(r[0]) && !unicode.IsUpper(r[1]) {
				r[0] = unicode.ToLower(r[0])
			}
			out[i] = string(r)
		}
		titles = out
	}
	return g.list(titles)
}

// regulators are the authorities the organisation answers to: those the
// input names, then the jurisdiction's for the industry, then its general
// ones.
func (g *gen) regulators() []string {
	var out []string
	seen := map[string]bool{}
	push := func(s string) {
		s = strings.TrimSpace(s)
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, r := range g.in.Regulators {
		push(r)
	}
	for _, r := range g.jur.Regulators[g.ind.ID] {
		push(g.t0(r))
	}
	for _, r := range g.jur.Regulators["general"] {
		push(g.t0(r))
	}
	return out
}

// t0 picks the language without filling variables.
func (g *gen) t0(t Text) string { return t.In(g.lang) }

// t picks the language and fills the variables.
func (g *gen) t(t Text) string { return fill(t.In(g.lang), g.vars) }

// fill replaces {name} by vars[name]; variables were checked when the
// knowledge base was loaded.
func fill(s string, vars map[string]string) string {
	if !strings.Contains(s, "{") {
		return s
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		b.WriteString(vars[s[i+1:i+j]])
		s = s[i+j+1:]
	}
}

func (g *gen) label(key string) Text { return g.kb.Common.Labels[key] }

func (g *gen) labelIn(key string) string { return g.t(g.label(key)) }

// fits reports whether something with a minimum size applies.
func (g *gen) fits(minSize string) bool {
	if minSize == "" {
		return true
	}
	return g.kb.sizes[minSize].Rank <= g.size.Rank
}

// under reports whether something with a maximum size applies.
func (g *gen) under(maxSize string) bool {
	if maxSize == "" {
		return true
	}
	return g.kb.sizes[maxSize].Rank >= g.size.Rank
}

// role resolves a role for the company size: a role the company is too
// small to staff is held by the role it folds to.
func (g *gen) role(id string) *RoleTemplate {
	g.used[id] = true
	r := g.roles[id]
	for !g.fits(r.MinSize) {
		r = g.roles[r.FoldTo]
	}
	return r
}

func (g *gen) roleRef(id string) Ref {
	r := g.role(id)
	return Ref{r.ID, g.t(r.Name)}
}

// duration writes minutes the way plans state time.
func (g *gen) duration(m int) string {
	en := g.lang == LangEn
	switch {
	case m == 0:
		if en {
			return "immediately"
		}
		return "立即"
	case m%1440 == 0:
		d := m / 1440
		if en {
			if d == 1 {
				return "1 day"
			}
			return fmt.Sprintf("%d days", d)
		}
		return fmt.Sprintf("%d天", d)
	case m%60 == 0:
		if en {
			return fmt.Sprintf("%d h", m/60)
		}
		return fmt.Sprintf("%d小时", m/60)
	case m > 60:
		if en {
			return fmt.Sprintf("%d h %d min", m/60, m%60)
		}
		return fmt.Sprintf("%d小时%d分钟", m/60, m%60)
	}
	if en {
		return fmt.Sprintf("%d min", m)
	}
	return fmt.Sprintf("%d分钟", m)
}

func (g *gen) within(m int) string {
	if m == 0 {
		return g.duration(0)
	}
	return "T+" + g.duration(m)
}

// candidate is a risk template with where it came from and its rating
// after adjustments.
type candidate struct {
	t          *RiskTemplate
	source     string
	order      int
	likelihood int
	impact     int
}

var sourceOrder = map[string]int{"industry": 0, "region": 1, "common": 2}

func (g *gen) risks() {
	var cs []candidate
	adjust := func(c *candidate) {
		for _, a := range []map[string]RiskAdjustment{g.ind.Adjust, g.reg.Adjust} {
			if x, ok := a[c.t.ID]; ok {
				if x.Likelihood > 0 {
					c.likelihood = x.Likelihood
				}
				if x.Impact > 0 {
					c.impact = x.Impact
				}
			}
		}
	}
	for i := range g.ind.Risks {
		t := &g.ind.Risks[i]
		cs = append(cs, candidate{t: t, source: "industry", order: i})
	}
	for i := range g.reg.Hazards {
		t := &g.reg.Hazards[i]
		cs = append(cs, candidate{t: t, source: "region", order: i})
	}
	for i := range g.kb.Common.Risks {
		t := &g.kb.Common.Risks[i]
		if slices.Contains(g.ind.Exclude, t.ID) {
			continue
		}
		cs = append(cs, candidate{t: t, source: "common", order: i})
	}
	keep := cs[:0]
	for _, c := range cs {
		if !g.fits(c.t.MinSize) {
			continue
		}
		c.likelihood, c.impact = c.t.Likelihood, c.t.Impact
		adjust(&c)
		keep = append(keep, c)
	}
	cs = keep
	slices.SortStableFunc(cs, func(a, b candidate) int {
		if d := b.likelihood*b.impact - a.likelihood*a.impact; d != 0 {
			return d
		}
		if d := b.impact - a.impact; d != 0 {
			return d
		}
		if d := sourceOrder[a.source] - sourceOrder[b.source]; d != 0 {
			return d
		}
		return a.order - b.order
	})
	if len(cs) > g.size.MaxRisks {
		cs = cs[:g.size.MaxRisks]
	}
	m := matrix5()
	for _, c := range cs {
		t := c.t
		score, level, _ := m.Rate(c.likelihood, c.impact)
		r := Risk{
			Key: riskKey(c.source, t.ID), Source: c.source, Scope: t.Scope,
			ScopeName:    g.labelIn("scope." + t.Scope),
			Category:     t.Category,
			CategoryName: g.labelIn("category." + string(t.Category)),
			Title:        g.t(t.Title), Cause: g.t(t.Cause), Consequence: g.t(t.Consequence),
			Likelihood: c.likelihood, Impact: c.impact, Score: score, Level: level,
			LevelName: g.labelIn("level." + string(level)),
			Owner:     g.roleRef(t.Owner),
			Months:    slices.Clone(t.Months),
		}
		for _, x := range t.Mitigations {
			r.Mitigations = append(r.Mitigations, g.t(x))
		}
		if t.Playbook != "" {
			r.Playbook = t.Playbook
		}
		g.d.Risks = append(g.d.Risks, r)
	}
	g.selected = cs
}

func riskKey(source, id string) string { return source + "." + id }

// matrix5 is the scored 5×5 matrix of the risk register.
var matrix5 = sync.OnceValue(func() *risk.Matrix {
	for _, m := range risk.BuiltinMatrices() {
		if m.ID == "5x5" {
			return &m
		}
	}
	panic("plangen: the risk register has no 5x5 matrix")
})

func (g *gen) impact() {
	tp := g.kb.Common.TimePoints
	a := ImpactAssessment{TimePoints: slices.Clone(tp)}
	for _, m := range tp {
		a.TimeLabels = append(a.TimeLabels, g.duration(m))
	}
	for _, c := range ImpactCategories {
		a.Categories = append(a.Categories, Ref{c, g.labelIn("impact." + c)})
	}
	for l := 1; l <= 5; l++ {
		a.LevelNames = append(a.LevelNames, g.labelIn("impact_level."+strconv.Itoa(l)))
	}
	for i := range g.ind.Functions {
		f := &g.ind.Functions[i]
		if !g.fits(f.MinSize) {
			continue
		}
		row := ImpactRow{Function: Ref{f.ID, g.t(f.Name)}}
		for _, c := range ImpactCategories {
			lv := f.Impacts[c]
			if lv == nil {
				lv = make([]int, len(tp))
				for j := range lv {
					lv[j] = 1
				}
			}
			row.Cells = append(row.Cells, ImpactCell{Category: c, Levels: slices.Clone(lv)})
		}
		row.MTPD = mtpd(f, tp)
		row.MTPDLabel = g.mtpdLabel(row.MTPD)
		a.Rows = append(a.Rows, row)
	}
	g.d.Impact = a
}

// mtpd is the first time point at which an impact of f reaches the
// intolerable level; 0 when none does.
func mtpd(f *FunctionTemplate, tp []int) int {
	for j, m := range tp {
		for _, lv := range f.Impacts {
			if j < len(lv) && lv[j] >= intolerable {
				return m
			}
		}
	}
	return 0
}

func (g *gen) mtpdLabel(m int) string {
	if m == 0 {
		return strings.ReplaceAll(g.labelIn("mtpd.beyond"), "[t]", g.duration(g.kb.Common.TimePoints[len(g.kb.Common.TimePoints)-1]))
	}
	return g.duration(m)
}

func (g *gen) playbookSteps() {
	type pick struct {
		id       string
		industry bool
		risks    []int
	}
	var picks []*pick
	byID := map[string]*pick{}
	for i, r := range g.d.Risks {
		if r.Playbook == "" {
			continue
		}
		p := byID[r.Playbook]
		if p == nil {
			if !g.fits(g.playbooks[r.Playbook].MinSize) {
				continue
			}
			p = &pick{id: r.Playbook, industry: slices.ContainsFunc(g.ind.Playbooks, func(t PlaybookTemplate) bool { return t.ID == r.Playbook })}
			byID[r.Playbook] = p
			picks = append(picks, p)
		}
		p.risks = append(p.risks, i)
	}
	// picks are in order of their highest-rated risk. When the size allows
	// fewer, the industry's own playbooks stay and the others are dropped
	// from the lowest-rated up.
	if len(picks) > g.size.MaxPlaybooks {
		others := g.size.MaxPlaybooks
		for _, p := range picks {
			if p.industry {
				others--
			}
		}
		var keep []*pick
		for _, p := range picks {
			if p.industry || others > 0 {
				if !p.industry {
					others--
				}
				keep = append(keep, p)
				continue
			}
			for _, i := range p.risks {
				g.d.Risks[i].Playbook = ""
			}
		}
		picks = keep
	}
	for _, p := range picks {
		t := g.playbooks[p.id]
		var hazards, keys []string
		for _, i := range p.risks {
			hazards = append(hazards, g.d.Risks[i].Title)
			keys = append(keys, g.d.Risks[i].Key)
		}
		g.vars["hazard"] = g.hazards(hazards)
		pb := Playbook{Key: t.ID, Title: g.t(t.Title), Trigger: g.t(t.Trigger), Activation: g.roleRef(t.Activation), Risks: keys}
		for i, a := range t.Actions {
			pb.Actions = append(pb.Actions, Action{Step: i + 1, Owner: g.roleRef(a.Owner), Text: g.t(a.Text),
				Within: a.Within, WithinLabel: g.within(a.Within)})
		}
		g.d.Playbooks = append(g.d.Playbooks, pb)
	}
	g.vars["hazard"] = ""
}

func (g *gen) organisation() {
	var teams []TeamTemplate
	for _, t := range g.kb.Common.Teams {
		teams = append(teams, t)
	}
	teams = append(teams, g.ind.Teams...)
	o := Organisation{}
	roleIdx := map[string]int{}
	addRole := func(id, team string) Ref {
		r := g.role(id)
		ref := Ref{r.ID, g.t(r.Name)}
		i, ok := roleIdx[r.ID]
		if !ok {
			i = len(o.Roles)
			roleIdx[r.ID] = i
			o.Roles = append(o.Roles, Role{Key: r.ID, Name: ref.Name, Duties: g.t(r.Duties)})
		}
		if !slices.Contains(o.Roles[i].Teams, team) {
			o.Roles[i].Teams = append(o.Roles[i].Teams, team)
		}
		return ref
	}
	for _, t := range teams {
		if !g.fits(t.MinSize) || !g.under(t.MaxSize) {
			continue
		}
		team := Team{Members: []Ref{}, Key: t.ID, Kind: t.Kind, KindName: g.labelIn("team_kind." + string(t.Kind)), Name: g.t(t.Name), Duties: g.t(t.Duties)}
		seen := map[string]bool{}
		for j, id := range t.Roles {
			ref := addRole(id, t.ID)
			if seen[ref.Key] {
				continue
			}
			seen[ref.Key] = true
			if j == 0 {
				team.Leader = ref
			} else if ref.Key != team.Leader.Key {
				team.Members = append(team.Members, ref)
			}
		}
		o.Teams = append(o.Teams, team)
	}
	// Every role the plan names (owners of risks, actions, audiences,
	// resources) is listed, with the roles it covers, also when it sits in
	// no team.
	named := func(ref Ref) {
		if _, ok := roleIdx[ref.Key]; !ok {
			roleIdx[ref.Key] = len(o.Roles)
			r := g.roles[ref.Key]
			o.Roles = append(o.Roles, Role{Key: r.ID, Name: ref.Name, Duties: g.t(r.Duties), Teams: []string{}})
		}
	}
	for _, r := range g.d.Risks {
		named(r.Owner)
	}
	for _, p := range g.d.Playbooks {
		named(p.Activation)
		for _, a := range p.Actions {
			named(a.Owner)
		}
	}
	for _, c := range g.d.Communication {
		named(c.Owner)
	}
	for _, r := range g.d.Resources {
		named(r.Owner)
	}
	covers := map[string][]string{}
	for _, id := range sortedKeys(g.used) {
		r := g.role(id)
		if r.ID != id {
			covers[r.ID] = append(covers[r.ID], id)
		}
	}
	for i := range o.Roles {
		for _, c := range covers[o.Roles[i].Key] {
			o.Roles[i].Covers = append(o.Roles[i].Covers, Ref{c, g.t(g.roles[c].Name)})
		}
		if o.Roles[i].Covers == nil {
			o.Roles[i].Covers = []Ref{}
		}
	}
	g.d.Organisation = o
}

func (g *gen) communication() {
	for _, a := range g.kb.Common.Audiences {
		ov, has := g.ind.Audiences[a.ID]
		if a.Optional && !(has && ov.Include) {
			continue
		}
		if !g.fits(a.MinSize) {
			continue
		}
		name, subject, msg := a.Name, a.Subject, a.Message
		if has {
			if ov.Name != nil {
				name = *ov.Name
			}
			if ov.Subject != nil {
				subject = *ov.Subject
			}
			if ov.Message != nil {
				msg = *ov.Message
			}
		}
		c := Communication{Audience: Ref{a.ID, g.t(name)}, Owner: g.roleRef(a.Owner), Within: a.Within,
			WithinLabel: g.within(a.Within), Cadence: g.t(a.Cadence), Subject: g.t(subject), Message: g.t(msg)}
		for _, ch := range g.jur.Channels[a.ID] {
			c.Channels = append(c.Channels, Ref{ch, g.t(g.kb.channels[ch])})
		}
		g.d.Communication = append(g.d.Communication, c)
	}
}

func (g *gen) recovery() {
	cap, capped := g.ind.RecoveryCaps[g.jur.ID]
	minRTO, minRPO := 0, 0
	for i := range g.ind.Functions {
		f := &g.ind.Functions[i]
		if !g.fits(f.MinSize) {
			continue
		}
		rt := RecoveryTarget{Function: Ref{f.ID, g.t(f.Name)}, Important: f.Important, RTO: f.RTO, RPO: f.RPO,
			MTPD: mtpd(f, g.kb.Common.TimePoints), MBCO: g.t(f.MBCO), Strategy: g.t(f.Strategy), Basis: g.labelIn("basis.bia")}
		if f.Important && capped {
			if cap.RTO < rt.RTO || cap.RPO < rt.RPO {
				rt.RTO, rt.RPO = min(rt.RTO, cap.RTO), min(rt.RPO, cap.RPO)
			}
			rt.Basis = g.t(cap.Basis)
		}
		if minRTO == 0 || rt.RTO < minRTO {
			minRTO = rt.RTO
		}
		if minRPO == 0 || rt.RPO < minRPO {
			minRPO = rt.RPO
		}
		g.d.Recovery = append(g.d.Recovery, rt)
	}
	for i, s := range g.in.CriticalSystems {
		s = strings.TrimSpace(s)
		g.d.Recovery = append(g.d.Recovery, RecoveryTarget{
			Function: Ref{"system." + strconv.Itoa(i+1), s}, Important: true, RTO: minRTO, RPO: minRPO,
			MBCO: g.labelIn("system.mbco"), Strategy: g.labelIn("system.strategy"), Basis: g.labelIn("system.basis"),
		})
	}
	for i := range g.d.Recovery {
		rt := &g.d.Recovery[i]
		rt.RTOLabel = g.duration(rt.RTO)
		rt.RPOLabel = g.duration(rt.RPO)
		if rt.RPO == 0 {
			rt.RPOLabel = g.labelIn("rpo.zero")
		}
		rt.MTPDLabel = g.mtpdLabel(rt.MTPD)
	}
}

var resourceKinds = []string{"backup_system", "alternate_site", "alternate_supplier", "reserve", "supply"}

func (g *gen) resources() {
	type src struct {
		src string
		t   ResourceTemplate
	}
	var all []src
	for _, x := range []struct {
		name string
		rs   []ResourceTemplate
	}{{"industry", g.ind.Resources}, {"region", g.reg.Resources}, {"common", g.kb.Common.Resources}} {
		for _, r := range x.rs {
			all = append(all, src{x.name, r})
		}
	}
	for _, k := range resourceKinds {
		for _, x := range all {
			r := x
			if r.t.Kind != k || !g.fits(r.t.MinSize) || !g.under(r.t.MaxSize) || (r.t.MultiSite && g.in.Sites <= 1) {
				continue
			}
			g.d.Resources = append(g.d.Resources, Resource{Key: r.src + "." + r.t.ID, Kind: r.t.Kind, KindName: g.labelIn("resource." + r.t.Kind),
				Item: g.t(r.t.Item), Quantity: g.t(r.t.Quantity), Owner: g.roleRef(r.t.Owner)})
		}
	}
}

func (g *gen) maintenance() {
	months := min(g.size.ReviewMonths, g.ind.ReviewMonths)
	m := Maintenance{ReviewMonths: months, ReviewCadence: g.labelIn("cadence." + strconv.Itoa(months))}
	start := time.Date(g.in.AsOf.Year(), g.in.AsOf.Month(), 1, 0, 0, 0, 0, time.UTC)
	m.NextReview = start.AddDate(0, months, 0).Format("2006-01")
	for _, t := range g.kb.Common.ReviewTriggers {
		m.ReviewTriggers = append(m.ReviewTriggers, g.t(t))
	}
	// The window is the twelve months after the as-of month.
	window := make([]time.Time, 12)
	for i := range window {
		window[i] = start.AddDate(0, i+1, 0)
	}
	selected := map[string]bool{}
	for _, p := range g.d.Playbooks {
		selected[p.Key] = true
	}
	type cand struct {
		key, kind, title, scope, playbook string
		month, priority, order            int
	}
	var cs []cand
	// A seasonal hazard is rehearsed in the month before its season.
	for i, r := range g.d.Risks {
		t := g.riskTemplate(i)
		if t.Drill == "" || r.Playbook == "" {
			continue
		}
		g.vars["hazard"] = g.hazards([]string{r.Title})
		// A hazard with a season is rehearsed the month before it; one
		// without (an earthquake) in its fixed month.
		month, title, scope := t.DrillMonth, "drill.fixed_title", "drill.fixed_scope"
		if month == 0 {
			month, title, scope = (r.Months[0]+10)%12+1, "drill.hazard_title", "drill.hazard_scope"
		}
		cs = append(cs, cand{key: "drill." + r.Key, kind: t.Drill, title: g.labelIn(title),
			scope: g.labelIn(scope), playbook: r.Playbook, month: month, priority: 0, order: i})
	}
	g.vars["hazard"] = ""
	var drills []DrillTemplate
	drills = append(drills, g.ind.Drills...)
	drills = append(drills, g.kb.Common.Drills...)
	for i, d := range drills {
		if !g.fits(d.MinSize) || (d.Playbook != "" && !selected[d.Playbook]) {
			continue
		}
		cs = append(cs, cand{key: "drill." + d.ID, kind: d.Kind, title: g.t(d.Title), scope: g.t(d.Scope),
			playbook: d.Playbook, month: d.Month, priority: d.Priority, order: 100 + i})
	}
	slices.SortStableFunc(cs, func(a, b cand) int {
		if a.priority != b.priority {
			return a.priority - b.priority
		}
		return a.order - b.order
	})
	if len(cs) > g.size.DrillsPerYear {
		cs = cs[:g.size.DrillsPerYear]
	}
	// Fixed months first; the others spread evenly over the free months.
	used := make([]bool, 12)
	slot := make([]int, len(cs))
	var free []int
	for i, c := range cs {
		slot[i] = -1
		if c.month == 0 {
			free = append(free, i)
			continue
		}
		for j := range window {
			if int(window[j].Month()) == c.month {
				for k := 0; k < 12; k++ { // the month or the next free one
					if !used[(j+k)%12] {
						slot[i] = (j + k) % 12
						used[slot[i]] = true
						break
					}
				}
				break
			}
		}
	}
	for n, i := range free {
		want := (2*n + 1) * 12 / (2 * len(free))
		for k := 0; k < 12; k++ {
			for _, j := range []int{want + k, want - k} {
				if j >= 0 && j < 12 && !used[j] && slot[i] < 0 {
					slot[i] = j
					used[j] = true
				}
			}
			if slot[i] >= 0 {
				break
			}
		}
	}
	for i, c := range cs {
		if slot[i] < 0 { // more drills than months
			slot[i] = i % 12
		}
		m.Drills = append(m.Drills, Drill{Key: c.key, Month: window[slot[i]].Format("2006-01"), Kind: c.kind,
			KindName: g.labelIn("exercise." + c.kind), Title: c.title, Scope: c.scope, Playbook: c.playbook})
	}
	slices.SortStableFunc(m.Drills, func(a, b Drill) int { return strings.Compare(a.Month, b.Month) })
	g.d.Maintenance = m
}

// riskTemplate returns the template of the i-th risk of the draft.
func (g *gen) riskTemplate(i int) *RiskTemplate { return g.selected[i].t }

func (g *gen) matrix() {
	m := matrix5()
	pm := PriorityMatrix{}
	for l := 5; l >= 1; l-- {
		var row []MatrixCell
		for im := 1; im <= 5; im++ {
			score, level, _ := m.Rate(l, im)
			c := MatrixCell{Likelihood: l, Impact: im, Score: score, Level: level, Risks: []string{}}
			for _, r := range g.d.Risks {
				if r.Likelihood == l && r.Impact == im {
					c.Risks = append(c.Risks, r.Key)
				}
			}
			row = append(row, c)
		}
		pm.Cells = append(pm.Cells, row)
	}
	for i := len(m.Bands) - 1; i >= 0; i-- {
		b := m.Bands[i]
		pb := PriorityBand{Level: b.Level, Name: g.labelIn("level." + string(b.Level)), MinScore: b.Min, MaxScore: b.Max, Risks: []string{}}
		for _, p := range g.kb.Common.Priorities {
			if p.Level == b.Level {
				pb.Action = g.t(p.Action)
			}
		}
		for _, r := range g.d.Risks {
			if r.Level == b.Level {
				pb.Risks = append(pb.Risks, r.Key)
			}
		}
		pm.Bands = append(pm.Bands, pb)
	}
	g.d.Matrix = pm
}

func (g *gen) extras() {
	// Common risks: the five highest-rated, as the seed's table has them.
	for _, r := range g.d.Risks[:min(5, len(g.d.Risks))] {
		g.d.CommonRisks = append(g.d.CommonRisks, CommonRisk{Risk: r.Key, Scenario: r.Title, Consequence: r.Consequence,
			Mitigation: strings.Join(r.Mitigations[:min(2, len(r.Mitigations))], g.mitigationSep())})
	}
	for i, t := range append(slices.Clone(g.kb.Common.Training), g.ind.Training...) {
		src := "common."
		if i >= len(g.kb.Common.Training) {
			src = "industry."
		}
		if g.fits(t.MinSize) {
			g.d.Training = append(g.d.Training, Training{Key: src + t.ID, Audience: g.t(t.Audience), Topic: g.t(t.Topic),
				Format: g.t(t.Format), Frequency: g.t(t.Frequency), Hours: t.Hours})
		}
	}
	notes := func(src string, ns []NoteTemplate) []Note {
		var out []Note
		for _, n := range ns {
			if g.fits(n.MinSize) {
				out = append(out, Note{Key: src + "." + n.ID, Title: g.t(n.Title), Body: g.t(n.Body)})
			}
		}
		return out
	}
	g.d.Technology = append(notes("industry", g.ind.Technology), notes("common", g.kb.Common.Technology)...)
	g.d.Considerations = append(notes("industry", g.ind.Considerations), notes("region", g.reg.Considerations)...)
	regs := func(src string, rs []RegulationTemplate) {
		for _, r := range rs {
			if slices.Contains(r.Jurisdictions, "*") || slices.Contains(r.Jurisdictions, g.jur.ID) {
				g.d.Regulations = append(g.d.Regulations, Regulation{Key: src + "." + r.ID, Name: g.t(r.Name), Requirement: g.t(r.Requirement)})
			}
		}
	}
	regs("industry", g.ind.Regulations)
	regs("jurisdiction", g.jur.Regulations)
	g.d.Regulators = g.regulators()
	g.d.EmergencyNumbers = g.vars["emergency_numbers"]
}

func (g *gen) sentenceSep() string {
	if g.lang == LangEn {
		return " "
	}
	return ""
}

func (g *gen) mitigationSep() string {
	if g.lang == LangEn {
		return "; "
	}
	return ";"
}
