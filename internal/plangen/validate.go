package plangen

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/continuo-bcm/continuo/internal/org"
	"github.com/continuo-bcm/continuo/internal/risk"
)

// placeholderWords are words that mark unfinished text.
var placeholderWords = []string{"todo", "tbd", "xxx", "lorem", "fixme", "???"}

var (
	idPattern  = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,62}$`)
	varPattern = regexp.MustCompile(`\{([^{}]*)\}`)
)

// Audiences every jurisdiction must give channels for.
var requiredAudiences = []string{"staff", "customers", "partners", "regulators", "media"}

var exerciseKinds = []string{"tabletop", "functional", "full_scale"}

// checker validates the files of a knowledge base.
type checker struct {
	kb   *KB
	add  func(file, field, format string, args ...any)
	file string
	// ids of the common roles, risks and playbooks, for references
	roles     map[string]*RoleTemplate
	playbooks map[string]bool
}

func (c *checker) errf(field, format string, args ...any) { c.add(c.file, field, format, args...) }

func validate(kb *KB, set *fileSet, add func(file, field, format string, args ...any)) {
	c := &checker{kb: kb, add: add}
	if set.common == nil {
		add("common.json", "", "is missing")
		return
	}
	if len(set.sizes) == 0 {
		add("sizes.json", "sizes", "must list at least one size")
		return
	}
	c.file = set.sizesFile
	c.sizes(kb.Sizes)
	c.file = set.commonFile
	c.common(&kb.Common)
	for _, j := range kb.Jurisdictions {
		c.file = set.fileOf(j)
		c.jurisdiction(j)
	}
	for _, r := range kb.Regions {
		c.file = set.fileOf(r)
		c.region(r)
	}
	for _, p := range kb.Industries {
		c.file = set.fileOf(p)
		c.industry(p)
	}
	if len(kb.Industries) == 0 {
		add("industries", "", "must hold at least one industry pack")
	}
	if len(kb.Regions) == 0 {
		add("regions", "", "must hold at least one region")
	}
}

func (c *checker) text(field string, t Text, hazard bool) {
	for _, x := range []struct{ lang, s string }{{"zh", t.Zh}, {"en", t.En}} {
		f := field + "." + x.lang
		s := strings.TrimSpace(x.s)
		if s == "" {
			c.errf(f, "is required")
			continue
		}
		han := strings.IndexFunc(s, func(r rune) bool { return unicode.Is(unicode.Han, r) }) >= 0
		if x.lang == "zh" && !han {
			c.errf(f, "is not Chinese")
		}
		if x.lang == "en" && han {
			c.errf(f, "holds Chinese characters")
		}
		low := strings.ToLower(s)
		for _, w := range placeholderWords {
			if strings.Contains(low, w) {
				c.errf(f, "holds placeholder text %q", w)
			}
		}
		rest := varPattern.ReplaceAllStringFunc(s, func(m string) string {
			name := m[1 : len(m)-1]
			switch {
			case !slices.Contains(Variables, name):
				c.errf(f, "unknown variable {%s}; known: %s", name, strings.Join(Variables, ", "))
			case name == "hazard" && !hazard:
				c.errf(f, "{hazard} is only known in playbooks")
			}
			return ""
		})
		if strings.ContainsAny(rest, "{}") {
			c.errf(f, "has an unmatched brace")
		}
	}
}

func (c *checker) id(field, id string) {
	if !idPattern.MatchString(id) {
		c.errf(field, "must be a lower-case identifier (letters, digits, _ and -), not %q", id)
	}
}

func (c *checker) size(field, id string, required bool) {
	if id == "" && !required {
		return
	}
	if _, ok := c.kb.sizes[id]; !ok {
		c.errf(field, "unknown size %q; known: %s", id, strings.Join(c.kb.SizeIDs(), ", "))
	}
}

func (c *checker) sizes(ss []*SizeProfile) {
	ids, ranks := map[string]bool{}, map[int]bool{}
	for i, s := range ss {
		f := fmt.Sprintf("sizes[%d]", i)
		c.id(f+".id", s.ID)
		if ids[s.ID] {
			c.errf(f+".id", "duplicate size %q", s.ID)
		}
		ids[s.ID] = true
		if ranks[s.Rank] {
			c.errf(f+".rank", "duplicate rank %d", s.Rank)
		}
		ranks[s.Rank] = true
		c.text(f+".name", s.Name, false)
		c.text(f+".employees", s.Employees, false)
		c.text(f+".approach", s.Approach, false)
		if s.MaxRisks < 5 || s.MaxRisks > 100 {
			c.errf(f+".max_risks", "must be between 5 and 100")
		}
		if s.MaxPlaybooks < 2 || s.MaxPlaybooks > 50 {
			c.errf(f+".max_playbooks", "must be between 2 and 50")
		}
		if s.DrillsPerYear < 1 || s.DrillsPerYear > 12 {
			c.errf(f+".drills_per_year", "must be between 1 and 12")
		}
		if !slices.Contains([]int{3, 6, 12}, s.ReviewMonths) {
			c.errf(f+".review_months", "must be 3, 6 or 12")
		}
	}
}

func (c *checker) labels(l map[string]Text) {
	need := []string{"scope.internal", "scope.external", "sites.one", "sites.many", "mtpd.beyond", "basis.bia",
		"system.mbco", "system.strategy", "system.basis", "rpo.zero", "drill.hazard_title", "drill.hazard_scope",
		"drill.fixed_title", "drill.fixed_scope", "cadence.3", "cadence.6", "cadence.12"}
	for _, x := range risk.Categories {
		need = append(need, "category."+string(x))
	}
	for _, x := range risk.Levels {
		need = append(need, "level."+string(x))
	}
	for _, x := range ImpactCategories {
		need = append(need, "impact."+x)
	}
	for i := 1; i <= 5; i++ {
		need = append(need, "impact_level."+strconv.Itoa(i))
	}
	for _, x := range org.TeamKinds {
		need = append(need, "team_kind."+string(x))
	}
	for _, x := range exerciseKinds {
		need = append(need, "exercise."+x)
	}
	for _, x := range resourceKinds {
		need = append(need, "resource."+x)
	}
	for _, k := range need {
		if _, ok := l[k]; !ok {
			c.errf("labels."+k, "is required")
		}
	}
	for _, k := range sortedKeys(l) {
		c.text("labels."+k, l[k], strings.HasPrefix(k, "drill."))
	}
}

func (c *checker) common(cm *Common) {
	c.text("title", cm.Title, false)
	c.text("summary", cm.Summary, false)
	c.labels(cm.Labels)
	if len(cm.TimePoints) != 5 {
		c.errf("time_points_minutes", "must list 5 time points")
	}
	for i, t := range cm.TimePoints {
		if t <= 0 || (i > 0 && t <= cm.TimePoints[i-1]) {
			c.errf(fmt.Sprintf("time_points_minutes[%d]", i), "must be positive and ascending")
		}
	}
	c.roles = map[string]*RoleTemplate{}
	c.playbooks = map[string]bool{}
	c.roleList("roles", cm.Roles, false)
	for _, p := range cm.Playbooks {
		c.playbooks[p.ID] = true
	}
	c.teamList("teams", cm.Teams, c.roles)
	c.riskList("risks", cm.Risks, c.roles, c.playbooks, nil)
	c.playbookList("playbooks", cm.Playbooks, c.roles, nil)
	ids := map[string]bool{}
	for i, a := range cm.Audiences {
		f := fmt.Sprintf("audiences[%d]", i)
		c.id(f+".id", a.ID)
		ids[a.ID] = true
		c.text(f+".name", a.Name, false)
		c.text(f+".cadence", a.Cadence, false)
		c.text(f+".subject", a.Subject, false)
		c.text(f+".message", a.Message, false)
		c.roleRef(f+".owner", a.Owner, c.roles)
		c.size(f+".min_size", a.MinSize, false)
		if a.Within < 0 {
			c.errf(f+".within", "must not be negative")
		}
	}
	for _, a := range requiredAudiences {
		if !ids[a] {
			c.errf("audiences", "must include %q", a)
		}
	}
	c.resourceList("resources", cm.Resources, c.roles)
	c.drillList("drills", cm.Drills, c.playbooks)
	c.trainingList("training", cm.Training)
	c.noteList("technology", cm.Technology)
	for _, l := range risk.Levels {
		found := false
		for i, p := range cm.Priorities {
			if p.Level == l {
				found = true
				c.text(fmt.Sprintf("priorities[%d].action", i), p.Action, false)
			}
		}
		if !found {
			c.errf("priorities", "must give the action for level %q", l)
		}
	}
	if len(cm.ReviewTriggers) == 0 {
		c.errf("review_triggers", "must list at least one trigger")
	}
	for i, t := range cm.ReviewTriggers {
		c.text(fmt.Sprintf("review_triggers[%d]", i), t, false)
	}
}

// roleList checks a list of roles: the common ones (industry false) or an
// industry's, which may fold to common roles but not redefine them. It
// returns all the roles the list can refer to.
func (c *checker) roleList(field string, rs []RoleTemplate, industry bool) map[string]*RoleTemplate {
	all := map[string]*RoleTemplate{}
	if industry {
		for k, r := range c.roles {
			all[k] = r
		}
	}
	for i := range rs {
		r := &rs[i]
		f := fmt.Sprintf("%s[%d]", field, i)
		c.id(f+".id", r.ID)
		if _, dup := all[r.ID]; dup {
			c.errf(f+".id", "duplicate role %q", r.ID)
		}
		all[r.ID] = r
	}
	if !industry {
		c.roles = all
	}
	for i := range rs {
		r := &rs[i]
		f := fmt.Sprintf("%s[%d]", field, i)
		c.text(f+".name", r.Name, false)
		c.text(f+".duties", r.Duties, false)
		c.size(f+".min_size", r.MinSize, false)
		if r.FoldTo != "" {
			if _, ok := all[r.FoldTo]; !ok {
				c.errf(f+".fold_to", "unknown role %q", r.FoldTo)
			}
		}
		// Every size must reach a role it can staff.
		for _, s := range c.kb.Sizes {
			x, steps := r, 0
			for x != nil && steps <= len(all) {
				ms := c.kb.sizes[x.MinSize]
				if x.MinSize == "" || ms == nil || ms.Rank <= s.Rank {
					break
				}
				x, steps = all[x.FoldTo], steps+1
			}
			if x == nil || steps > len(all) {
				c.errf(f+".fold_to", "a %s company cannot staff role %q and it folds to no role it can", s.ID, r.ID)
				break
			}
		}
	}
	return all
}

func (c *checker) roleRef(field, id string, roles map[string]*RoleTemplate) {
	if _, ok := roles[id]; !ok {
		c.errf(field, "unknown role %q", id)
	}
}

func (c *checker) teamList(field string, ts []TeamTemplate, roles map[string]*RoleTemplate) {
	for i, t := range ts {
		f := fmt.Sprintf("%s[%d]", field, i)
		c.id(f+".id", t.ID)
		if !slices.Contains(org.TeamKinds, t.Kind) {
			c.errf(f+".kind", "must be one of committee, crisis_office, special_team, onsite_command")
		}
		c.text(f+".name", t.Name, false)
		c.text(f+".duties", t.Duties, false)
		c.size(f+".min_size", t.MinSize, false)
		c.size(f+".max_size", t.MaxSize, false)
		if len(t.Roles) == 0 {
			c.errf(f+".roles", "must name at least the leader's role")
		}
		for j, r := range t.Roles {
			c.roleRef(fmt.Sprintf("%s.roles[%d]", f, j), r, roles)
		}
	}
}

func (c *checker) riskList(field string, rs []RiskTemplate, roles map[string]*RoleTemplate, playbooks map[string]bool, seen map[string]bool) {
	if seen == nil {
		seen = map[string]bool{}
	}
	for i, r := range rs {
		f := fmt.Sprintf("%s[%d]", field, i)
		c.id(f+".id", r.ID)
		if seen[r.ID] {
			c.errf(f+".id", "duplicate risk %q", r.ID)
		}
		seen[r.ID] = true
		if !r.Category.Valid() {
			c.errf(f+".category", "must be one of the risk categories (natural_disaster, public_health, …), not %q", r.Category)
		}
		if r.Scope != "internal" && r.Scope != "external" {
			c.errf(f+".scope", "must be internal or external")
		}
		c.text(f+".title", r.Title, false)
		c.text(f+".cause", r.Cause, false)
		c.text(f+".consequence", r.Consequence, false)
		if r.Likelihood < 1 || r.Likelihood > 5 {
			c.errf(f+".likelihood", "must be between 1 and 5")
		}
		if r.Impact < 1 || r.Impact > 5 {
			c.errf(f+".impact", "must be between 1 and 5")
		}
		if len(r.Mitigations) == 0 {
			c.errf(f+".mitigations", "must list at least one mitigation")
		}
		for j, m := range r.Mitigations {
			c.text(fmt.Sprintf("%s.mitigations[%d]", f, j), m, false)
		}
		c.roleRef(f+".owner", r.Owner, roles)
		if r.Playbook != "" && !playbooks[r.Playbook] {
			c.errf(f+".playbook", "unknown playbook %q", r.Playbook)
		}
		for j, m := range r.Months {
			if m < 1 || m > 12 {
				c.errf(fmt.Sprintf("%s.months[%d]", f, j), "must be a month 1–12")
			}
		}
		if r.Drill != "" {
			if !slices.Contains(exerciseKinds, r.Drill) {
				c.errf(f+".drill", "must be one of %s", strings.Join(exerciseKinds, ", "))
			}
			if (len(r.Months) == 0 && r.DrillMonth == 0) || r.Playbook == "" {
				c.errf(f+".drill", "needs a playbook and the hazard's months or a drill_month")
			}
		}
		if r.DrillMonth < 0 || r.DrillMonth > 12 {
			c.errf(f+".drill_month", "must be 0 or a month 1–12")
		}
		c.size(f+".min_size", r.MinSize, false)
	}
}

func (c *checker) playbookList(field string, ps []PlaybookTemplate, roles map[string]*RoleTemplate, seen map[string]bool) {
	if seen == nil {
		seen = map[string]bool{}
	}
	for i, p := range ps {
		f := fmt.Sprintf("%s[%d]", field, i)
		c.id(f+".id", p.ID)
		if seen[p.ID] {
			c.errf(f+".id", "duplicate playbook %q", p.ID)
		}
		seen[p.ID] = true
		c.text(f+".title", p.Title, true)
		c.text(f+".trigger", p.Trigger, true)
		c.roleRef(f+".activation", p.Activation, roles)
		c.size(f+".min_size", p.MinSize, false)
		if len(p.Actions) < 3 {
			c.errf(f+".actions", "must list at least 3 actions")
		}
		for j, a := range p.Actions {
			af := fmt.Sprintf("%s.actions[%d]", f, j)
			c.roleRef(af+".owner", a.Owner, roles)
			c.text(af+".text", a.Text, true)
			if a.Within < 0 {
				c.errf(af+".within", "must not be negative")
			}
			if j > 0 && a.Within < p.Actions[j-1].Within {
				c.errf(af+".within", "actions must be in order of their time limit (%d < %d)", a.Within, p.Actions[j-1].Within)
			}
		}
	}
}

func (c *checker) resourceList(field string, rs []ResourceTemplate, roles map[string]*RoleTemplate) {
	for i, r := range rs {
		f := fmt.Sprintf("%s[%d]", field, i)
		c.id(f+".id", r.ID)
		if !slices.Contains(resourceKinds, r.Kind) {
			c.errf(f+".kind", "must be one of %s", strings.Join(resourceKinds, ", "))
		}
		c.text(f+".item", r.Item, false)
		c.text(f+".quantity", r.Quantity, false)
		c.roleRef(f+".owner", r.Owner, roles)
		c.size(f+".min_size", r.MinSize, false)
		c.size(f+".max_size", r.MaxSize, false)
	}
}

func (c *checker) drillList(field string, ds []DrillTemplate, playbooks map[string]bool) {
	for i, d := range ds {
		f := fmt.Sprintf("%s[%d]", field, i)
		c.id(f+".id", d.ID)
		if !slices.Contains(exerciseKinds, d.Kind) {
			c.errf(f+".kind", "must be one of %s", strings.Join(exerciseKinds, ", "))
		}
		c.text(f+".title", d.Title, false)
		c.text(f+".scope", d.Scope, false)
		if d.Playbook != "" && !playbooks[d.Playbook] {
			c.errf(f+".playbook", "unknown playbook %q", d.Playbook)
		}
		if d.Month < 0 || d.Month > 12 {
			c.errf(f+".month", "must be 0 (free) or a month 1–12")
		}
		c.size(f+".min_size", d.MinSize, false)
	}
}

func (c *checker) trainingList(field string, ts []TrainingTemplate) {
	for i, t := range ts {
		f := fmt.Sprintf("%s[%d]", field, i)
		c.id(f+".id", t.ID)
		c.text(f+".audience", t.Audience, false)
		c.text(f+".topic", t.Topic, false)
		c.text(f+".format", t.Format, false)
		c.text(f+".frequency", t.Frequency, false)
		if t.Hours < 1 || t.Hours > 200 {
			c.errf(f+".hours", "must be between 1 and 200")
		}
		c.size(f+".min_size", t.MinSize, false)
	}
}

func (c *checker) noteList(field string, ns []NoteTemplate) {
	for i, n := range ns {
		f := fmt.Sprintf("%s[%d]", field, i)
		c.id(f+".id", n.ID)
		c.text(f+".title", n.Title, false)
		c.text(f+".body", n.Body, false)
		c.size(f+".min_size", n.MinSize, false)
	}
}

func (c *checker) regulationList(field string, rs []RegulationTemplate) {
	for i, r := range rs {
		f := fmt.Sprintf("%s[%d]", field, i)
		c.id(f+".id", r.ID)
		c.text(f+".name", r.Name, false)
		c.text(f+".requirement", r.Requirement, false)
		if len(r.Jurisdictions) == 0 {
			c.errf(f+".jurisdictions", "must list jurisdictions, or \"*\" for all")
		}
		for j, x := range r.Jurisdictions {
			if _, ok := c.kb.jurisdictions[x]; !ok && x != "*" {
				c.errf(fmt.Sprintf("%s.jurisdictions[%d]", f, j), "unknown jurisdiction %q", x)
			}
		}
	}
}

func (c *checker) adjustments(field string, a map[string]RiskAdjustment) {
	for _, k := range sortedKeys(a) {
		f := field + "." + k
		found := false
		for _, r := range c.kb.Common.Risks {
			found = found || r.ID == k
		}
		if !found {
			c.errf(f, "unknown common risk %q", k)
		}
		x := a[k]
		if x.Likelihood < 0 || x.Likelihood > 5 {
			c.errf(f+".likelihood", "must be between 1 and 5")
		}
		if x.Impact < 0 || x.Impact > 5 {
			c.errf(f+".impact", "must be between 1 and 5")
		}
	}
}

func (c *checker) jurisdiction(j *Jurisdiction) {
	c.id("id", j.ID)
	c.text("name", j.Name, false)
	for _, a := range requiredAudiences {
		if len(j.Channels[a]) == 0 {
			c.errf("channels."+a, "must list at least one channel")
		}
	}
	for _, a := range sortedKeys(j.Channels) {
		for i, ch := range j.Channels[a] {
			if _, ok := c.kb.channels[ch]; !ok {
				c.errf(fmt.Sprintf("channels.%s[%d]", a, i), "unknown channel %q (add the label channel.%s to common.json)", ch, ch)
			}
		}
	}
	if len(j.Regulators["general"]) == 0 {
		c.errf("regulators.general", "must list at least one regulator")
	}
	for _, k := range sortedKeys(j.Regulators) {
		for i, r := range j.Regulators[k] {
			c.text(fmt.Sprintf("regulators.%s[%d]", k, i), r, false)
		}
	}
	c.regulationList("regulations", j.Regulations)
	c.text("emergency_numbers", j.EmergencyNumbers, false)
	c.text("payment_providers", j.PaymentProviders, false)
	c.text("logistics_providers", j.LogisticsProviders, false)
}

func (c *checker) region(r *RegionProfile) {
	c.id("id", r.ID)
	c.text("name", r.Name, false)
	if _, ok := c.kb.jurisdictions[r.Jurisdiction]; !ok {
		c.errf("jurisdiction", "unknown jurisdiction %q", r.Jurisdiction)
	}
	if len(r.Hazards) < 2 {
		c.errf("hazards", "must list at least 2 hazards")
	}
	seen := map[string]bool{}
	for _, x := range c.kb.Common.Risks {
		seen[x.ID] = true
	}
	c.riskList("hazards", r.Hazards, c.roles, c.playbooks, seen)
	c.adjustments("adjust", r.Adjust)
	c.resourceList("resources", r.Resources, c.roles)
	c.noteList("considerations", r.Considerations)
}

func (c *checker) industry(p *IndustryPack) {
	c.id("id", p.ID)
	for i, a := range p.Aliases {
		c.id(fmt.Sprintf("aliases[%d]", i), a)
	}
	c.text("name", p.Name, false)
	c.text("intro", p.Intro, false)
	c.text("systems", p.Systems, false)
	if p.ReviewMonths != 6 && p.ReviewMonths != 12 && p.ReviewMonths != 3 {
		c.errf("review_months", "must be 3, 6 or 12")
	}
	roles := c.roleList("roles", p.Roles, true)
	playbooks := map[string]bool{}
	for k := range c.playbooks {
		playbooks[k] = true
	}
	seenPB := map[string]bool{}
	for k := range c.playbooks {
		seenPB[k] = true
	}
	c.playbookList("playbooks", p.Playbooks, roles, seenPB)
	for _, x := range p.Playbooks {
		playbooks[x.ID] = true
	}
	if len(p.Playbooks) == 0 {
		c.errf("playbooks", "must list at least one playbook")
	}
	c.teamList("teams", p.Teams, roles)
	seen := map[string]bool{}
	for _, x := range c.kb.Common.Risks {
		seen[x.ID] = true
	}
	if len(p.Risks) < 3 {
		c.errf("risks", "must list at least 3 risks")
	}
	c.riskList("risks", p.Risks, roles, playbooks, seen)
	c.adjustments("adjust", p.Adjust)
	for i, x := range p.Exclude {
		found := false
		for _, r := range c.kb.Common.Risks {
			found = found || r.ID == x
		}
		if !found {
			c.errf(fmt.Sprintf("exclude[%d]", i), "unknown common risk %q", x)
		}
	}
	if len(p.Functions) < 3 {
		c.errf("functions", "must list at least 3 critical functions")
	}
	tp := c.kb.Common.TimePoints
	for i := range p.Functions {
		fn := &p.Functions[i]
		f := fmt.Sprintf("functions[%d]", i)
		c.id(f+".id", fn.ID)
		c.text(f+".name", fn.Name, false)
		c.text(f+".mbco", fn.MBCO, false)
		c.text(f+".strategy", fn.Strategy, false)
		c.size(f+".min_size", fn.MinSize, false)
		if fn.RTO <= 0 {
			c.errf(f+".rto_minutes", "must be positive")
		}
		if fn.RPO < 0 {
			c.errf(f+".rpo_minutes", "must not be negative")
		}
		if len(fn.Impacts) == 0 {
			c.errf(f+".impacts", "must rate at least one impact category")
		}
		for _, k := range sortedKeys(fn.Impacts) {
			lv := fn.Impacts[k]
			kf := f + ".impacts." + k
			if !slices.Contains(ImpactCategories, k) {
				c.errf(kf, "unknown impact category; known: financial, operational, reputational, regulatory, customer, safety")
			}
			if len(lv) != len(tp) {
				c.errf(kf, "must rate each of the %d time points", len(tp))
			}
			for j, l := range lv {
				if l < 1 || l > 5 {
					c.errf(fmt.Sprintf("%s[%d]", kf, j), "must be between 1 and 5")
				}
				if j > 0 && l < lv[j-1] {
					c.errf(fmt.Sprintf("%s[%d]", kf, j), "an impact does not lessen as a disruption goes on")
				}
			}
		}
		if m := mtpd(fn, tp); m > 0 && fn.RTO > m {
			c.errf(f+".rto_minutes", "RTO %d min is beyond the MTPD of %d min its impacts give", fn.RTO, m)
		}
	}
	for _, k := range sortedKeys(p.RecoveryCaps) {
		rc := p.RecoveryCaps[k]
		f := "recovery_caps." + k
		if _, ok := c.kb.jurisdictions[k]; !ok {
			c.errf(f, "unknown jurisdiction %q", k)
		}
		if rc.RTO <= 0 || rc.RPO < 0 {
			c.errf(f, "needs a positive rto_minutes and a non-negative rpo_minutes")
		}
		c.text(f+".basis", rc.Basis, false)
	}
	for _, k := range sortedKeys(p.Audiences) {
		o := p.Audiences[k]
		f := "audiences." + k
		found := false
		for _, a := range c.kb.Common.Audiences {
			found = found || a.ID == k
		}
		if !found {
			c.errf(f, "unknown audience %q", k)
		}
		for _, x := range []struct {
			n string
			t *Text
		}{{"name", o.Name}, {"subject", o.Subject}, {"message", o.Message}} {
			if x.t != nil {
				c.text(f+"."+x.n, *x.t, false)
			}
		}
	}
	if len(p.Resources) < 2 {
		c.errf("resources", "must list at least 2 resources")
	}
	c.resourceList("resources", p.Resources, roles)
	c.drillList("drills", p.Drills, playbooks)
	c.trainingList("training", p.Training)
	c.noteList("technology", p.Technology)
	if len(p.Considerations) < 2 {
		c.errf("considerations", "must list at least 2 considerations")
	}
	c.noteList("considerations", p.Considerations)
	if len(p.Regulations) == 0 {
		c.errf("regulations", "must list at least one regulation")
	}
	c.regulationList("regulations", p.Regulations)
}
