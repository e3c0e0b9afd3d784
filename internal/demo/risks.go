package demo

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"time"

	"github.com/continuo-bcm/continuo/internal/audit"
	"github.com/continuo-bcm/continuo/internal/clock"
	"github.com/continuo-bcm/continuo/internal/org"
	"github.com/continuo-bcm/continuo/internal/risk"
	"github.com/continuo-bcm/continuo/internal/tx"
)

// The demo risk register: the risks a logistics group finds in its surveys
// (typhoons and floods at the warehouses, fires, forklift accidents,
// ransomware, system outages, carrier failures, strikes, complaints,
// public opinion, new regulation…), in data/risks.json, one risk a line.
// Dates are relative to the day the demo is loaded, so that some reviews
// are always overdue and the assessment history always reaches back
// over the past year or two.

//go:embed data/risks.json
var risksJSON []byte

type riskData struct {
	Code           string           `json:"code"`
	Title          string           `json:"title"`
	TitleEn        string           `json:"title_en"`
	Category       risk.Category    `json:"category"`
	Unit           string           `json:"unit"`  // unit code
	Owner          string           `json:"owner"` // employee number
	Cause          string           `json:"cause"`
	Consequence    string           `json:"consequence"`
	Controls       string           `json:"controls"`
	Treatment      risk.Strategy    `json:"treatment"`
	Status         risk.Status      `json:"status"`
	ReviewInDays   int              `json:"review_in_days"` // negative: overdue
	Actions        []actionData     `json:"actions"`
	Matrix         string           `json:"matrix"`
	Predictability *int             `json:"predictability"`
	History        []assessmentData `json:"history"` // oldest first
}

type actionData struct {
	Description string `json:"description"`
	Owner       string `json:"owner"`
	DueInDays   int    `json:"due_in_days"`
	Done        bool   `json:"done"`
}

type assessmentData struct {
	DaysAgo    int       `json:"days_ago"`
	Kind       risk.Kind `json:"kind"`
	Likelihood int       `json:"likelihood"`
	Impact     int       `json:"impact"`
}

func loadRiskData() ([]riskData, error) {
	var d struct {
		Risks []riskData `json:"risks"`
	}
	dec := json.NewDecoder(bytes.NewReader(risksJSON))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d); err != nil {
		return nil, fmt.Errorf("demo: data/risks.json: %w", err)
	}
	return d.Risks, nil
}

// riskStore is what the risk register is kept in: the database that runs
// the demo's transaction.
type riskStore interface {
	risk.Store
	audit.Store
}

// loadRisks fills the risk register, inside the demo's transaction, with
// a risk service of its own on the real clock: the history it records is
// back-dated from today.
func loadRisks(ctx context.Context, orgSvc *org.Service, t tx.Runner) error {
	st, ok := t.(riskStore)
	if !ok {
		return fmt.Errorf("demo: the risk register needs the database, not a %T", t)
	}
	clk := clock.Real{}
	svc := risk.NewService(st, t, audit.NewLog(st, t, clk), clk)
	return storeRisks(ctx, svc, orgSvc, clk.Now())
}

func storeRisks(ctx context.Context, svc *risk.Service, orgSvc *org.Service, now time.Time) error {
	data, err := loadRiskData()
	if err != nil {
		return err
	}
	units, err := orgSvc.Units(ctx)
	if err != nil {
		return err
	}
	unitID := map[string]int64{}
	for _, u := range units {
		unitID[u.Code] = u.ID
	}
	people, _, err := orgSvc.People(ctx, org.PeopleFilter{Limit: 500})
	if err != nil {
		return err
	}
	personID := map[string]int64{}
	for _, p := range people {
		personID[p.EmployeeNo] = p.ID
	}
	person := func(code, no string) (*int64, error) {
		if no == "" {
			return nil, nil
		}
		id, ok := personID[no]
		if !ok {
			return nil, fmt.Errorf("demo: risk %s: no person %s", code, no)
		}
		return &id, nil
	}
	day := func(days int) string { return now.AddDate(0, 0, days).Format(risk.DateLayout) }

	for _, d := range data {
		r := risk.Risk{Code: d.Code, Title: d.Title, TitleEn: d.TitleEn, Category: d.Category, Cause: d.Cause, Consequence: d.Consequence,
			Controls: d.Controls, Treatment: d.Treatment, Status: d.Status, ReviewDate: day(d.ReviewInDays), Actions: []risk.Action{}}
		var ok bool
		if r.UnitID, ok = unitID[d.Unit]; !ok {
			return fmt.Errorf("demo: risk %s: no unit %s", d.Code, d.Unit)
		}
		if r.OwnerID, err = person(d.Code, d.Owner); err != nil {
			return err
		}
		for _, a := range d.Actions {
			owner, err := person(d.Code, a.Owner)
			if err != nil {
				return err
			}
			r.Actions = append(r.Actions, risk.Action{Description: a.Description, OwnerID: owner, Due: day(a.DueInDays), Done: a.Done})
		}
		saved, err := svc.SaveRisk(ctx, r)
		if err != nil {
			return fmt.Errorf("demo: risk %s: %w", d.Code, err)
		}
		for i, h := range d.History {
			a := risk.Assessment{RiskID: saved.ID, MatrixID: d.Matrix, Kind: h.Kind, Likelihood: h.Likelihood, Impact: h.Impact,
				AssessedAt: now.AddDate(0, 0, -h.DaysAgo)}
			if i == 0 {
				a.Predictability = d.Predictability
				a.Note = "年度风险排查 / annual risk survey"
			}
			if _, err := svc.Assess(ctx, a); err != nil {
				return fmt.Errorf("demo: risk %s, assessment %d: %w", d.Code, i+1, err)
			}
		}
	}
	return nil
}
