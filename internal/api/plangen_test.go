package api_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/continuo-bcm/continuo/internal/plan"
)

func TestPlanGeneratorAPI(t *testing.T) {
	runScenarios(t, []scenario{
		{name: "options list the knowledge base with bilingual names", role: "viewer", method: "GET", url: "/plans/generator/options",
			status: http.StatusOK, contains: []string{`"id":"ecommerce"`, `"name":"电子商务/零售"`, `"id":"north-america"`, `"languages":["zh-CN","en"]`}},
		{name: "unknown industry is a 422 naming the field", role: "manager", method: "POST", url: "/plans/generate",
			body:   `{"industry": "piracy", "size": "small", "region": "cn-east", "language": "zh"}`,
			status: http.StatusUnprocessableEntity, contains: []string{`"field":"body.industry"`, `unknown industry \"piracy\"; known: banking, ecommerce`}},
		{name: "bad size, region and date are named together", role: "manager", method: "POST", url: "/plans/generate",
			body:   `{"industry": "ecommerce", "size": "huge", "region": "mars", "as_of": "30.11.2026"}`,
			status: http.StatusUnprocessableEntity, contains: []string{`"field":"body.as_of"`}},
		{name: "bad size and region", role: "manager", method: "POST", url: "/plans/generate",
			body:   `{"industry": "ecommerce", "size": "huge", "region": "mars"}`,
			status: http.StatusUnprocessableEntity, contains: []string{`"field":"body.size"`, `"field":"body.region"`, "micro, small, medium, large"}},
		{name: "a viewer may not generate", role: "viewer", method: "POST", url: "/plans/generate",
			body: `{"industry": "ecommerce", "size": "small", "region": "cn-east"}`, status: http.StatusForbidden},
		{name: "anonymous may not generate", method: "POST", url: "/plans/generate",
			body: `{"industry": "ecommerce", "size": "small", "region": "cn-east"}`, status: http.StatusUnauthorized},
		{name: "a department lead lacks plan.write", role: "lead", method: "POST", url: "/plans/generate",
			body: `{"industry": "ecommerce", "size": "small", "region": "cn-east", "unit_id": {east}}`, status: http.StatusForbidden},
		{name: "the manager drafts the small e-commerce plan", role: "manager", method: "POST", url: "/plans/generate",
			body:   `{"industry": "ecommerce", "size": "small", "region": "cn-east", "language": "zh", "as_of": "2026-11-30", "code": "BCP-EC", "payment_providers": ["支付宝", "微信支付"]}`,
			status: http.StatusCreated, contains: []string{`"risks_created":14`, `"title_en":"Business continuity and emergency plan: e-commerce`, `"plan_url":"/api/v1/plans/`, `"drills":4`},
			check: func(t *testing.T, e *env, res response) {
				var r struct {
					PlanID  int64   `json:"plan_id"`
					RiskIDs []int64 `json:"risk_ids"`
					Teams   []struct {
						Kind    string `json:"kind"`
						TeamID  int64  `json:"team_id"`
						Created bool   `json:"created"`
					} `json:"teams"`
				}
				if err := json.Unmarshal(res.body, &r); err != nil {
					t.Fatal(err)
				}
				// The fixture's crisis committee is used; the three groups are created.
				if len(r.Teams) != 4 || r.Teams[0].Kind != "committee" || r.Teams[0].TeamID != e.ids["team"] || r.Teams[0].Created || !r.Teams[1].Created {
					t.Errorf("teams = %+v", r.Teams)
				}
				var pv plan.Version
				e.json("viewer", "GET", "/plans/"+itoa(r.PlanID)+"/versions/1", "", http.StatusOK, &pv)
				if pv.Status != plan.Draft || len(pv.Content.Risks.RiskIDs) != len(r.RiskIDs) || len(pv.Content.Playbooks) == 0 ||
					len(pv.Content.Recovery.Targets) == 0 || pv.Content.Purpose.TextEn == "" {
					t.Errorf("stored version = %+v", pv.Summary())
				}
				var rk struct {
					Title    string `json:"title"`
					Inherent struct {
						MatrixID string `json:"matrix_id"`
						Score    int    `json:"score"`
					} `json:"inherent"`
				}
				e.json("viewer", "GET", "/risks/"+itoa(r.RiskIDs[0]), "", http.StatusOK, &rk)
				if rk.Inherent.MatrixID != "5x5" || rk.Inherent.Score == 0 {
					t.Errorf("first risk = %+v", rk)
				}
			}},
		{name: "the same code again is a conflict and stores nothing", role: "manager", method: "POST", url: "/plans/generate",
			body:   `{"industry": "banking", "size": "large", "region": "europe", "code": "BCP-EC"}`,
			status: http.StatusConflict, contains: []string{`"field":"body.code"`},
			check: func(t *testing.T, e *env, _ response) {
				var page struct {
					Total int `json:"total"`
				}
				e.json("viewer", "GET", "/plans", "", http.StatusOK, &page)
				if page.Total != 1 {
					t.Errorf("%d plans after the conflict, want 1", page.Total)
				}
			}},
	})
}
