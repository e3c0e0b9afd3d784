package plangen

import (
	"regexp"
	"strings"
	"testing"

	"github.com/continuo-bcm/continuo/internal/plan"
)

// fakeIDs numbers the draft's teams and risks as a store would.
func fakeIDs(d *Draft) (teams, risks map[string]int64) {
	teams, risks = map[string]int64{}, map[string]int64{}
	for i, t := range d.Organisation.Teams {
		teams[t.Key] = int64(100 + i)
	}
	for i, r := range d.Risks {
		risks[r.Key] = int64(1 + i)
	}
	return teams, risks
}

var bracketField = regexp.MustCompile(`\[[^\]]+\]`)

// Every combination of the grid gives plan content the plan library
// accepts, with every chapter filled in both languages.
func TestGridBuildsValidPlanContent(t *testing.T) {
	kb, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for _, ind := range kb.Industries {
		for _, size := range kb.Sizes {
			for _, reg := range kb.Regions {
				_, zh, en, err := GeneratePair(kb, Input{Industry: ind.ID, Size: size.ID, Region: reg.ID, Language: LangZh, AsOf: asOf})
				if err != nil {
					t.Fatal(err)
				}
				teams, risks := fakeIDs(zh)
				c := BuildContent(zh, en, teams, risks)
				name := ind.ID + "/" + size.ID + "/" + reg.ID
				if err := c.Validate(); err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				checkContent(t, name, zh, &c)
			}
		}
	}
}

func checkContent(t *testing.T, name string, zh *Draft, c *plan.Content) {
	t.Helper()
	// Every plan speaks to staff, customers, partners, government and
	// media; listed financial firms also to investors.
	want := 5
	for _, cm := range zh.Communication {
		if cm.Audience.Key == "investors" {
			want = 6
		}
	}
	for field, s := range map[string][2]string{
		"purpose": {c.Purpose.Text, c.Purpose.TextEn}, "organisation": {c.Organisation.Text, c.Organisation.TextEn},
		"risks": {c.Risks.Text, c.Risks.TextEn}, "warning": {c.Warning.Text, c.Warning.TextEn},
		"response_levels": {c.ResponseLevels.Text, c.ResponseLevels.TextEn}, "scenarios": {c.Scenarios.Text, c.Scenarios.TextEn},
		"recovery": {c.Recovery.Text, c.Recovery.TextEn}, "communications": {c.Communications.Text, c.Communications.TextEn},
		"resources": {c.Resources.Text, c.Resources.TextEn}, "training": {c.Training.Text, c.Training.TextEn},
		"maintenance": {c.Maintenance.Text, c.Maintenance.TextEn},
	} {
		if s[0] == "" || s[1] == "" {
			t.Fatalf("%s: %s text is empty in a language", name, field)
		}
		if hasHan(s[1]) && field != "purpose" {
			// Only names the user gave (regulators, systems) may stay in Chinese in English text.
			t.Errorf("%s: English %s text holds Chinese: %.200s", name, field, s[1])
		}
	}
	if len(c.Risks.RiskIDs) != len(zh.Risks) || len(c.Playbooks) != len(zh.Playbooks) ||
		len(c.Recovery.Targets) != len(zh.Recovery) || len(c.Resources.Items) != len(zh.Resources) ||
		len(c.Training.Drills) != len(zh.Maintenance.Drills)+len(zh.Training) {
		t.Fatalf("%s: records lost: %d/%d risks, %d/%d playbooks, %d/%d targets", name, len(c.Risks.RiskIDs), len(zh.Risks),
			len(c.Playbooks), len(zh.Playbooks), len(c.Recovery.Targets), len(zh.Recovery))
	}
	if len(c.Warning.Levels) != 4 || len(c.ResponseLevels.Levels) != 4 || len(c.Warning.Reporting) == 0 {
		t.Fatalf("%s: warning and response levels incomplete", name)
	}
	for _, l := range c.ResponseLevels.Levels {
		if l.Authority.IsZero() {
			t.Errorf("%s: response level %d has no authority", name, l.Level)
		}
	}
	for i, p := range c.Playbooks {
		if len(p.Triggers) == 0 || p.Activation.Authority.IsZero() || len(p.Tasks) < 3 || p.TitleEn == "" {
			t.Fatalf("%s: playbook %s incomplete", name, p.Key)
		}
		for _, task := range p.Tasks {
			if task.Role.TeamID == 0 && task.Role.Label == "" || task.TitleEn == "" || task.TimeLimit < 0 {
				t.Fatalf("%s: playbook %s task %+v", name, p.Key, task)
			}
		}
		audiences := map[plan.Audience]bool{}
		for _, m := range p.Communications {
			audiences[m.Audience] = true
			if bracketField.MatchString(m.Body) {
				t.Fatalf("%s: playbook %d message keeps a square-bracket field: %s", name, i, m.Body)
			}
			if !strings.Contains(m.Body, "{") {
				t.Fatalf("%s: message without fill-in fields: %s", name, m.Body)
			}
		}
		if len(audiences) != want {
			t.Fatalf("%s: playbook %s has messages for %d audiences, want %d", name, p.Key, len(audiences), want)
		}
	}
	if len(c.Communications.Audiences) != want {
		t.Fatalf("%s: %d audiences, want %d", name, len(c.Communications.Audiences), want)
	}
}

func hasHan(s string) bool {
	for _, r := range s {
		if r >= 0x4e00 && r <= 0x9fff {
			return true
		}
	}
	return false
}

func TestPlaceholders(t *testing.T) {
	for in, want := range map[string]string{
		"各位同事:[时间]发生[事件],影响[影响范围]。":                          "各位同事:{time}发生{event},影响{impact}。",
		"At [time] [event] occurred; contact [name, phone].": "At {time} {event} occurred; contact {contact_person}.",
		"Open [the new portal] now":                          "Open {the_new_portal} now",
		"前往[新门户]":                                            "前往{新门户}",
	} {
		if got := placeholders(in, false); got != want {
			t.Errorf("placeholders(%q) = %q, want %q", in, got, want)
		}
	}
	if got := placeholders("[Emergency notice] [event] update", true); got != "[Emergency notice] {event} update" {
		t.Errorf("subject: %q", got)
	}
}
