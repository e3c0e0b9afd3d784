package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/continuo-bcm/continuo/internal/risk"
	"github.com/continuo-bcm/continuo/internal/risksurvey"
)

// launchSurvey returns a setup that launches the built-in department
// checklist to East Operations and the West branch as the manager and names
// the campaign "survey", the checklist "tpl" and the first two answers of
// East Operations "a0" and "a1".
func launchSurvey(t *testing.T, e *env) {
	var ts struct{ Items []risksurvey.Template }
	e.json("viewer", http.MethodGet, "/risk-survey-templates", "", http.StatusOK, &ts)
	e.ids["tpl"] = ts.Items[0].ID
	var c risksurvey.Campaign
	e.json("manager", http.MethodPost, "/risk-surveys", e.expand(`{"title": "2025年度风险排查", "template_id": {tpl}, "matrix_id": "5x5",
		"due": "2025-03-31", "unit_ids": [{eastops}, {west}]}`), http.StatusCreated, &c)
	e.ids["survey"] = c.ID
	var sh risksurvey.Sheet
	e.json("lead", http.MethodGet, "/risk-surveys/"+itoa(c.ID)+"/units/"+itoa(e.ids["eastops"]), "", http.StatusOK, &sh)
	e.ids["a0"], e.ids["a1"] = sh.Answers[0].ID, sh.Answers[1].ID
}

// sheetAnswers answers every question of a sheet no, except the first (yes,
// with the given likelihood).
func sheetAnswers(t *testing.T, e *env, likelihood string) string {
	var sh risksurvey.Sheet
	e.json("lead", http.MethodGet, "/risk-surveys/"+itoa(e.ids["survey"])+"/units/"+itoa(e.ids["eastops"]), "", http.StatusOK, &sh)
	var parts []string
	for i, a := range sh.Answers {
		if i == 0 {
			parts = append(parts, `{"id": `+itoa(a.ID)+`, "present": "yes", "title": "台风导致仓库进水", "controls": "沙袋", "likelihood": `+likelihood+`, "impact": 4}`)
			continue
		}
		parts = append(parts, `{"id": `+itoa(a.ID)+`, "present": "no"}`)
	}
	return `{"answers": [` + strings.Join(parts, ", ") + `], "submit": true}`
}

func TestRiskSurveys(t *testing.T) {
	t.Parallel()
	sheet := "/risk-surveys/{survey}/units/{eastops}"
	runScenarios(t, []scenario{
		{name: "checklists", role: "viewer", method: "GET", url: "/risk-survey-templates",
			status: 200, contains: []string{`"code":"department"`, `"code":"special_events"`, `"name":"部门风险排查清单"`, `"text_en":"Are the department's sites exposed to typhoons, rainstorms, floods or earthquakes?"`}},
		{name: "a lead cannot add a checklist", role: "lead", method: "POST", url: "/risk-survey-templates",
			body: `{"name": "x", "questions": [{"category": "other", "text": "?"}]}`, status: 403},
		{name: "a checklist with a bad question", role: "manager", method: "POST", url: "/risk-survey-templates",
			body: `{"name": "仓库", "questions": [{"category": "weather", "text": "?"}]}`, status: 422, contains: []string{`"field":"body.questions[0].category"`}},
		{name: "add a checklist", role: "manager", method: "POST", url: "/risk-survey-templates",
			body: `{"name": "仓库专项", "questions": [{"category": "safety_accident", "text": "货架是否超载?"}]}`, status: 201,
			contains: []string{`"key":"q01"`, `"builtin":false`}},

		{name: "launch needs risk.manage", role: "lead", method: "POST", url: "/risk-surveys",
			body: `{"title": "x", "template_id": 1, "matrix_id": "5x5", "due": "2025-03-31", "unit_ids": [{eastops}]}`, status: 403,
			check: func(t *testing.T, e *env, _ response) { noSurveys(t, e) }},
		{name: "launch with a past due date", role: "manager", method: "POST", url: "/risk-surveys",
			body: `{"title": "x", "template_id": 1, "matrix_id": "5x5", "due": "2025-03-01", "unit_ids": [{eastops}]}`, status: 422,
			contains: []string{`"field":"body.due"`}, check: func(t *testing.T, e *env, _ response) { noSurveys(t, e) }},
		{name: "launch with an unknown matrix", role: "manager", method: "POST", url: "/risk-surveys",
			body: `{"title": "x", "template_id": 1, "matrix_id": "7x7", "due": "2025-03-31", "unit_ids": [{eastops}]}`, status: 422,
			contains: []string{`"field":"body.matrix_id"`}, check: func(t *testing.T, e *env, _ response) { noSurveys(t, e) }},

		{name: "the lead of East cannot answer for West", role: "lead", method: "PUT", url: "/risk-surveys/{survey}/units/{west}", setup: launchSurvey,
			body: `{"answers": []}`, status: 403},
		{name: "a draft", role: "lead", method: "PUT", url: sheet,
			body: `{"answers": [{"id": {a0}, "present": "yes", "title": "台风", "likelihood": 2}]}`, status: 200,
			contains: []string{`"status":"draft"`, `"answered":1`}},
		{name: "a proposal out of the matrix", role: "lead", method: "PUT", url: sheet,
			body: `{"answers": [{"id": {a0}, "present": "yes", "title": "台风", "likelihood": 6}]}`, status: 422,
			contains: []string{`"field":"body.answers[0].likelihood"`, "between 1 and 5"},
			check: func(t *testing.T, e *env, _ response) {
				var sh risksurvey.Sheet
				e.json("lead", "GET", e.expand("/risk-surveys/{survey}/units/{eastops}"), "", 200, &sh)
				if sh.Answers[0].Likelihood != 2 {
					t.Errorf("a refused save changed the answer: %+v", sh.Answers[0])
				}
			}},
		{name: "submit with unanswered questions", role: "lead", method: "PUT", url: sheet,
			body: `{"answers": [], "submit": true}`, status: 422, contains: []string{`.present"`, "answer yes or no before submitting"}},
	})
}

func noSurveys(t *testing.T, e *env) {
	t.Helper()
	cs, err := e.app.Survey.Campaigns(sys())
	if err != nil || len(cs) != 0 {
		t.Errorf("a refused launch stored %d campaigns (%v)", len(cs), err)
	}
}

// TestRiskSurveyReview submits answers and reviews them through the API.
func TestRiskSurveyReview(t *testing.T) {
	t.Parallel()
	for _, engine := range engines() {
		t.Run(string(engine), func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, engine)
			launchSurvey(t, e)
			url := e.expand("/risk-surveys/{survey}/units/{eastops}")
			e.json("lead", "PUT", url, sheetAnswers(t, e, "4"), 200, nil)
			res := e.json("lead", "PUT", url, `{"answers": []}`, 409, nil)
			if !contains(res.body, "review") {
				t.Errorf("changing a submitted sheet: %s", res.body)
			}
			a0 := itoa(e.ids["a0"])
			e.json("lead", "POST", "/risk-survey-answers/"+a0+"/accept", `{}`, 403, nil)
			e.json("manager", "POST", "/risk-survey-answers/"+a0+"/return", `{"comment": ""}`, 422, nil)
			// Out of range at acceptance: nothing stored.
			before := len(e.registerOf(t))
			res = e.json("manager", "POST", "/risk-survey-answers/"+a0+"/accept", `{"impact": 9}`, 422, nil)
			if !contains(res.body, `"field":"body.impact"`) || len(e.registerOf(t)) != before {
				t.Fatalf("accept out of range: %s", res.body)
			}
			var acc struct {
				Answer risksurvey.Answer
				Risk   risk.Risk
			}
			e.json("manager", "POST", "/risk-survey-answers/"+a0+"/accept", `{"likelihood": 5}`, 200, &acc)
			if acc.Risk.Title != "台风导致仓库进水" || acc.Risk.UnitID != e.ids["eastops"] || acc.Risk.Inherent == nil || acc.Risk.Inherent.Score != 20 {
				t.Fatalf("accepted risk: %+v", acc.Risk)
			}
			e.json("manager", "POST", "/risk-survey-answers/"+a0+"/accept", `{}`, 409, nil)
			var c struct {
				risksurvey.Campaign
				Counts risksurvey.Counts
			}
			e.json("viewer", "GET", e.expand("/risk-surveys/{survey}"), "", 200, &c)
			if c.Counts.Completed != 1 || c.Counts.Units != 2 {
				t.Fatalf("counts: %+v", c.Counts)
			}
			rs := e.registerOf(t)
			if len(rs) != before+1 {
				t.Fatalf("register: %d risks, want %d", len(rs), before+1)
			}
			// Reminders: after the due date West is late, but nobody
			// holds risk.write on it.
			e.json("lead", "POST", e.expand("/risk-surveys/{survey}/remind"), "", 403, nil)
			var rr risksurvey.RemindResult
			e.json("manager", "POST", e.expand("/risk-surveys/{survey}/remind"), "", 200, &rr)
			if rr.Sent != 0 || len(rr.NoRecipients) != 0 {
				t.Fatalf("remind before the due date: %+v", rr)
			}
		})
	}
}

func (e *env) registerOf(t *testing.T) []risk.Risk {
	var page struct{ Items []risk.Risk }
	e.json("viewer", "GET", "/risks?limit=500", "", 200, &page)
	return page.Items
}

func TestRiskMatrixEditing(t *testing.T) {
	t.Parallel()
	six := `{"id": "3x2", "name": "简易矩阵", "name_en": "Simple matrix",
		"likelihood": [{"value": 1, "label": "低", "label_en": "Low"}, {"value": 2, "label": "中", "label_en": "Medium"}, {"value": 3, "label": "高", "label_en": "High"}],
		"impact": [{"value": 1, "label": "轻", "label_en": "Minor"}, {"value": 2, "label": "重", "label_en": "Major"}],
		"bands": [{"min": 1, "max": 2, "level": "low", "color": "#2f7ed8"}, {"min": 3, "max": 4, "level": "medium", "color": "#f2c12e"}, {"min": 5, "max": 6, "level": "critical", "color": "#d9342b"}]}`
	runScenarios(t, []scenario{
		{name: "a lead cannot add a matrix", role: "lead", method: "POST", url: "/risk-matrices", body: six, status: 403},
		{name: "bands with a gap", role: "manager", method: "POST", url: "/risk-matrices",
			body: strings.Replace(six, `"min": 3, "max": 4`, `"min": 4, "max": 4`, 1), status: 422,
			contains: []string{`"field":"body.bands[1].min"`},
			check:    func(t *testing.T, e *env, _ response) { e.json("viewer", "GET", "/risk-matrices/3x2", "", 404, nil) }},
		{name: "a scale without English labels", role: "manager", method: "POST", url: "/risk-matrices",
			body: strings.Replace(six, `"label_en": "Minor"`, `"label_en": ""`, 1), status: 422, contains: []string{`"field":"body.impact[0].label_en"`}},
		{name: "add a matrix", role: "manager", method: "POST", url: "/risk-matrices", body: six, status: 201,
			contains: []string{`"id":"3x2"`, `"label":"重大"`, `"builtin":false`}},
		{name: "add it twice", role: "manager", method: "POST", url: "/risk-matrices", body: six, status: 409},
		{name: "built-in matrices do not change", role: "manager", method: "PUT", url: "/risk-matrices/5x5",
			body: strings.Replace(six, `"id": "3x2", `, "", 1), status: 409},
		{name: "rename it", role: "manager", method: "PUT", url: "/risk-matrices/3x2",
			body: strings.Replace(strings.Replace(six, `"id": "3x2", `, "", 1), "简易矩阵", "三乘二矩阵", 1), status: 200, contains: []string{"三乘二矩阵"}},
		{name: "a matrix in use keeps its bands", role: "manager", method: "PUT", url: "/risk-matrices/3x2",
			setup: func(t *testing.T, e *env) {
				var r risk.Risk
				e.json("manager", "POST", "/risks", e.expand(`{"title": "x", "category": "other", "unit_id": {east}}`), 201, &r)
				e.json("manager", "POST", "/risks/"+itoa(r.ID)+"/assessments", `{"matrix_id": "3x2", "kind": "inherent", "likelihood": 3, "impact": 2}`, 201, nil)
			},
			body:   strings.Replace(strings.Replace(six, `"id": "3x2", `, "", 1), `"level": "critical"`, `"level": "high"`, 1),
			status: 422, contains: []string{`"field":"body.bands"`}},
		{name: "a matrix in use cannot be deleted", role: "manager", method: "DELETE", url: "/risk-matrices/3x2", status: 409},
		{name: "a built-in matrix cannot be deleted", role: "admin", method: "DELETE", url: "/risk-matrices/3x3", status: 409},
	})
}
