package plangen

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/org"
	"github.com/continuo-bcm/continuo/internal/plan"
	"github.com/continuo-bcm/continuo/internal/risk"
	"github.com/continuo-bcm/continuo/internal/tx"
)

// Deps are the services a draft is stored through. Every change goes
// through them, so that their checks and audit records apply.
type Deps struct {
	Tx   tx.Runner
	Org  *org.Service
	Risk *risk.Service
	Plan *plan.Service
	// KB is the knowledge base to draft from; nil for the built-in one.
	KB *KB
}

// Request asks for a draft to be stored: the generator's input, the org
// unit that owns what is created, and optionally the plan's code.
type Request struct {
	Input
	// UnitID is the org unit the plan, the risks and the teams created
	// belong to; 0 for the root of the organisation.
	UnitID int64 `json:"unit_id,omitempty" doc:"org unit that owns the plan, risks and teams created; 0 for the root unit"`
	// Code is the plan's own reference (unique when given).
	Code string `json:"code,omitempty" doc:"the plan's reference, e.g. BCP-01; unique when given"`
}

// AppliedTeam is a team of the draft's organisation and the org team it
// was mapped to.
type AppliedTeam struct {
	Key     string       `json:"key" doc:"the team's key in the draft"`
	Kind    org.TeamKind `json:"kind"`
	TeamID  int64        `json:"team_id"`
	Name    string       `json:"name"`
	NameEn  string       `json:"name_en"`
	Created bool         `json:"created" doc:"true when the team was created; false when an existing team of the organisation was used"`
}

// Result is what Apply stored.
type Result struct {
	PlanID       int64         `json:"plan_id"`
	Version      int           `json:"version"`
	Title        string        `json:"title"`
	TitleEn      string        `json:"title_en"`
	UnitID       int64         `json:"unit_id"`
	KBVersion    string        `json:"kb_version"`
	RiskIDs      []int64       `json:"risk_ids" doc:"the register's risks the plan links to, in the draft's order"`
	RisksCreated int           `json:"risks_created"`
	RisksLinked  int           `json:"risks_linked" doc:"risks already in the register under the same title and unit, linked instead of entered again"`
	Teams        []AppliedTeam `json:"teams"`
	Playbooks    int           `json:"playbooks"`
	Tasks        int           `json:"tasks"`
	Recovery     int           `json:"recovery_targets"`
	Audiences    int           `json:"audiences"`
	Resources    int           `json:"resources"`
	Drills       int           `json:"drills" doc:"exercises of the drill calendar"`
	Courses      int           `json:"courses" doc:"courses of the training plan"`
	ReviewMonths int           `json:"review_months"`
	// Draft is the draft in the requested language.
	Draft *Draft `json:"-"`
}

// TeamsCreated counts the teams Apply created.
func (r *Result) TeamsCreated() int {
	n := 0
	for _, t := range r.Teams {
		if t.Created {
			n++
		}
	}
	return n
}

// GeneratePair drafts the input in both languages. The two drafts have the
// same records under the same keys; main is the one in the input's
// language.
func GeneratePair(kb *KB, in Input) (main, zh, en *Draft, err error) {
	if kb == nil {
		if kb, err = Builtin(); err != nil {
			return nil, nil, nil, err
		}
	}
	if main, err = kb.Generate(in); err != nil {
		return nil, nil, nil, err
	}
	other := in
	if main.Language == LangZh {
		other.Language = LangEn
		zh = main
		en, err = kb.Generate(other)
	} else {
		other.Language = LangZh
		en = main
		zh, err = kb.Generate(other)
	}
	if err != nil {
		return nil, nil, nil, err
	}
	return main, zh, en, nil
}

// Apply drafts a plan for the request in Chinese and English and stores
// it, in one transaction: the teams the draft's organisation needs that
// the organisation lacks (an existing team of the same kind is used when
// there is one), the risks in the risk register with their inherent
// rating on the 5×5 matrix (a risk already registered under the same
// title in the unit is linked instead), and the plan in the library as a
// first draft version with every chapter filled and linked to those
// teams and risks. Nothing is stored when any step fails. asOf is the day
// the drill calendar starts from.
func Apply(ctx context.Context, d Deps, req Request, asOf time.Time) (Result, error) {
	req.AsOf = asOf
	main, zh, en, err := GeneratePair(d.KB, req.Input)
	if err != nil {
		return Result{}, err
	}
	var res Result
	err = d.Tx.InTx(ctx, func(ctx context.Context) error {
		unit, err := ownerUnit(ctx, d.Org, req.UnitID)
		if err != nil {
			return err
		}
		teams, err := applyTeams(ctx, d.Org, zh, en, unit.ID)
		if err != nil {
			return err
		}
		riskIDs, created, err := applyRisks(ctx, d.Risk, main, zh, en, unit.ID)
		if err != nil {
			return err
		}
		teamIDs := map[string]int64{}
		for _, t := range teams {
			teamIDs[t.Key] = t.TeamID
		}
		c := BuildContent(zh, en, teamIDs, riskIDs)
		p, v, err := d.Plan.CreatePlan(ctx, plan.Plan{Code: req.Code, Kind: plan.BCP, UnitID: unit.ID,
			ReviewMonths: main.Maintenance.ReviewMonths},
			plan.Version{Title: zh.Title, TitleEn: en.Title, ChangeNote: changeNote(main), Content: c})
		if err != nil {
			return err
		}
		res = Result{PlanID: p.ID, Version: v.Number, Title: p.Title, TitleEn: p.TitleEn, UnitID: unit.ID,
			KBVersion: main.KBVersion, RisksCreated: created, RisksLinked: len(zh.Risks) - created, Teams: teams,
			Playbooks: len(c.Playbooks), Recovery: len(c.Recovery.Targets), Audiences: len(c.Communications.Audiences),
			Resources: len(c.Resources.Items), Drills: len(main.Maintenance.Drills), Courses: len(main.Training),
			ReviewMonths: p.ReviewMonths, Draft: main}
		for _, r := range zh.Risks {
			res.RiskIDs = append(res.RiskIDs, riskIDs[r.Key])
		}
		for _, pb := range c.Playbooks {
			res.Tasks += len(pb.Tasks)
		}
		return nil
	})
	if err != nil {
		return Result{}, err
	}
	return res, nil
}

// ownerUnit returns the unit asked for, or the root of the organisation.
func ownerUnit(ctx context.Context, o *org.Service, id int64) (org.Unit, error) {
	if id > 0 {
		u, err := o.Unit(ctx, id)
		if errs.Is(err, errs.NotFound) {
			return org.Unit{}, errs.Field("unit_id", "no org unit with id %d", id)
		}
		return u, err
	}
	units, err := o.Units(ctx)
	if err != nil {
		return org.Unit{}, err
	}
	for _, u := range units {
		if u.ParentID == nil {
			return u, nil
		}
	}
	return org.Unit{}, errs.Field("unit_id", "the organisation has no org unit yet: create its root unit first")
}

// applyTeams maps the draft's teams to the organisation's: a team of the
// same kind and name, else, when the draft has a single team of that kind,
// the organisation's first team of the kind; the others are created in
// the unit.
func applyTeams(ctx context.Context, o *org.Service, zh, en *Draft, unitID int64) ([]AppliedTeam, error) {
	existing, err := o.Teams(ctx)
	if err != nil {
		return nil, err
	}
	perKind := map[org.TeamKind]int{}
	for _, t := range zh.Organisation.Teams {
		perKind[t.Kind]++
	}
	enTeams := map[string]Team{}
	for _, t := range en.Organisation.Teams {
		enTeams[t.Key] = t
	}
	used := map[int64]bool{}
	var out []AppliedTeam
	for _, t := range zh.Organisation.Teams {
		te := enTeams[t.Key]
		match := func(x org.Team) bool {
			return x.Kind == t.Kind && !used[x.ID] && (x.Name == t.Name || strings.EqualFold(x.NameEn, te.Name))
		}
		i := slices.IndexFunc(existing, match)
		if i < 0 && perKind[t.Kind] == 1 {
			i = slices.IndexFunc(existing, func(x org.Team) bool { return x.Kind == t.Kind && !used[x.ID] })
		}
		if i >= 0 {
			x := existing[i]
			used[x.ID] = true
			out = append(out, AppliedTeam{Key: t.Key, Kind: t.Kind, TeamID: x.ID, Name: x.Name, NameEn: x.NameEn})
			continue
		}
		created, err := o.SaveTeam(ctx, org.Team{Kind: t.Kind, Name: t.Name, NameEn: te.Name, UnitID: unitID,
			Duties: t.Duties, DutiesEn: te.Duties, SortOrder: len(existing) + len(out) + 1})
		if err != nil {
			return nil, err
		}
		used[created.ID] = true
		out = append(out, AppliedTeam{Key: t.Key, Kind: t.Kind, TeamID: created.ID, Name: created.Name, NameEn: created.NameEn, Created: true})
	}
	return out, nil
}

// applyRisks enters the draft's risks into the register with their
// inherent rating on the 5×5 matrix, or links a risk already registered in
// the unit under the same title. Texts that the register keeps in one
// language (cause, consequence, treatment actions) are in the draft's.
func applyRisks(ctx context.Context, rs *risk.Service, main, zh, en *Draft, unitID int64) (map[string]int64, int, error) {
	enRisks := pairs(en.Risks, func(r Risk) string { return r.Key })
	mainRisks := pairs(main.Risks, func(r Risk) string { return r.Key })
	ids := map[string]int64{}
	created := 0
	review := ""
	if asOf, err := time.Parse(time.DateOnly, main.AsOf); err == nil {
		review = asOf.AddDate(0, main.Maintenance.ReviewMonths, 0).Format(risk.DateLayout)
	}
	for _, r := range zh.Risks {
		found, _, err := rs.Risks(ctx, risk.Filter{Query: r.Title, UnitID: unitID, Limit: 500})
		if err != nil {
			return nil, 0, err
		}
		if i := slices.IndexFunc(found, func(x risk.Risk) bool { return x.Title == r.Title && x.UnitID == unitID }); i >= 0 {
			ids[r.Key] = found[i].ID
			continue
		}
		m := mainRisks[r.Key]
		entry := risk.Risk{Title: r.Title, TitleEn: enRisks[r.Key].Title, Category: r.Category, Cause: m.Cause,
			Consequence: m.Consequence, UnitID: unitID, Treatment: risk.Reduce, Status: risk.StatusOpen, ReviewDate: review}
		for _, mit := range m.Mitigations {
			entry.Actions = append(entry.Actions, risk.Action{Description: mit})
		}
		saved, err := rs.SaveRisk(ctx, entry)
		if err != nil {
			return nil, 0, errs.Wrap(errs.CodeOf(err), err, "risk %s", r.Title)
		}
		note := "计划生成器的默认评级(知识库 " + main.KBVersion + "),须由本单位评估确认"
		if main.Language == LangEn {
			note = "Default rating of the plan generator (knowledge base " + main.KBVersion + "), to be confirmed by your own assessment"
		}
		if _, err := rs.Assess(ctx, risk.Assessment{RiskID: saved.ID, MatrixID: "5x5", Kind: risk.Inherent,
			Likelihood: r.Likelihood, Impact: r.Impact, Note: note}); err != nil {
			return nil, 0, err
		}
		ids[r.Key] = saved.ID
		created++
	}
	return ids, created, nil
}

func pairs[T any](xs []T, key func(T) string) map[string]T {
	m := make(map[string]T, len(xs))
	for _, x := range xs {
		m[key(x)] = x
	}
	return m
}

func changeNote(d *Draft) string {
	if d.Language == LangEn {
		return "First draft from the plan generator: " + d.Industry.Name + ", " + d.Size.Name + ", " + d.Region.Name +
			" (knowledge base " + d.KBVersion + ", as of " + d.AsOf + "). Review every figure against your own business impact analysis."
	}
	return "由计划生成器起草的初稿:" + d.Industry.Name + "," + d.Size.Name + "," + d.Region.Name +
		"(知识库 " + d.KBVersion + ",基准日 " + d.AsOf + ")。各项数值须结合本单位业务影响分析逐项确认。"
}
