package plangen

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/continuo-bcm/continuo/internal/plan"
	"github.com/continuo-bcm/continuo/internal/risk"
)

// BuildContent turns the Chinese and English drafts of one input into the
// content of a plan version: every chapter's text in both languages and
// its records (teams and duties, linked risks, warning levels and the
// reporting chain, response levels, playbooks with triggers, activation,
// tasks and message templates, recovery targets, communication per
// audience, resources, drills and training). teamIDs maps the draft's team
// keys to org teams and riskIDs its risk keys to register risks.
func BuildContent(zh, en *Draft, teamIDs, riskIDs map[string]int64) plan.Content {
	b := &builder{d: [2]*Draft{zh, en}, teamIDs: teamIDs}
	var c plan.Content
	c.Purpose.Text, c.Purpose.TextEn = b.each(purposeText)
	c.Organisation.Text, c.Organisation.TextEn = b.each(organisationText)
	enTeams := pairs(en.Organisation.Teams, func(t Team) string { return t.Key })
	enRoles := pairs(en.Organisation.Roles, func(r Role) string { return r.Key })
	zhRoles := pairs(zh.Organisation.Roles, func(r Role) string { return r.Key })
	for _, t := range zh.Organisation.Teams {
		id := teamIDs[t.Key]
		if id == 0 {
			continue
		}
		c.Organisation.Teams = append(c.Organisation.Teams, plan.TeamDuty{TeamID: id, Duties: t.Duties, DutiesEn: enTeams[t.Key].Duties})
		if r, ok := zhRoles[t.Leader.Key]; ok {
			c.Organisation.Teams = append(c.Organisation.Teams, plan.TeamDuty{TeamID: id, TeamRole: "leader",
				Duties: r.Name + ":" + r.Duties, DutiesEn: enRoles[r.Key].Name + ": " + enRoles[r.Key].Duties})
		}
	}

	c.Risks.Text, c.Risks.TextEn = b.each(risksText)
	for _, r := range zh.Risks {
		if id := riskIDs[r.Key]; id > 0 && !slices.Contains(c.Risks.RiskIDs, id) {
			c.Risks.RiskIDs = append(c.Risks.RiskIDs, id)
		}
	}

	c.Warning.Text, c.Warning.TextEn = b.each(warningText)
	for i, l := range warningLevels {
		c.Warning.Levels = append(c.Warning.Levels, plan.WarningLevel{Level: i + 1, Criteria: l.criteria[0], CriteriaEn: l.criteria[1],
			Measures: l.measures[0], MeasuresEn: l.measures[1]})
	}
	c.Warning.Reporting = b.reportingChain()

	c.ResponseLevels.Text, c.ResponseLevels.TextEn = responseIntro[0], responseIntro[1]
	for i, l := range responseLevels {
		c.ResponseLevels.Levels = append(c.ResponseLevels.Levels, plan.ResponseLevel{Level: i + 1,
			Criteria: l.criteria[0], CriteriaEn: l.criteria[1], Authority: b.role(l.authority...),
			Measures: l.measures[0], MeasuresEn: l.measures[1]})
	}

	c.Scenarios.Text, c.Scenarios.TextEn = b.each(scenariosText)
	c.Playbooks = b.playbooks()

	c.Recovery.Text, c.Recovery.TextEn = b.each(recoveryText)
	enRec := pairs(en.Recovery, func(r RecoveryTarget) string { return r.Function.Key })
	for _, r := range zh.Recovery {
		rpo := r.RPO
		c.Recovery.Targets = append(c.Recovery.Targets, plan.RecoveryTarget{Name: r.Function.Name, NameEn: enRec[r.Function.Key].Function.Name,
			RTO: r.RTO, RPO: &rpo, MBCO: r.MBCO, MBCOEn: enRec[r.Function.Key].MBCO})
	}

	c.Communications.Text, c.Communications.TextEn = b.each(communicationText)
	c.Communications.Audiences = b.audiences()

	c.Resources.Text, c.Resources.TextEn = b.each(resourcesText)
	enRes := pairs(en.Resources, func(r Resource) string { return r.Key })
	for _, r := range zh.Resources {
		e := enRes[r.Key]
		c.Resources.Items = append(c.Resources.Items, plan.Resource{Name: r.Item, NameEn: e.Item, Owner: b.role(r.Owner.Key),
			Note: r.KindName + ":" + r.Quantity, NoteEn: capitalise(e.KindName) + ": " + e.Quantity})
	}

	c.Training.Text, c.Training.TextEn = b.each(trainingText)
	enDrills := pairs(en.Maintenance.Drills, func(d Drill) string { return d.Key })
	for _, d := range zh.Maintenance.Drills {
		month, _ := strconv.Atoi(d.Month[strings.IndexByte(d.Month, '-')+1:])
		c.Training.Drills = append(c.Training.Drills, plan.Drill{Title: d.Title, TitleEn: enDrills[d.Key].Title,
			Kind: plan.DrillKind(d.Kind), Frequency: plan.Yearly, Month: month, Participants: b.participants(d.Playbook),
			Playbook: playbookKey(d.Playbook)})
	}
	enCourses := pairs(en.Training, func(t Training) string { return t.Key })
	for _, t := range zh.Training {
		c.Training.Drills = append(c.Training.Drills, plan.Drill{Title: t.Topic, TitleEn: enCourses[t.Key].Topic,
			Kind: plan.Course, Frequency: plan.Yearly, Participants: t.Audience})
	}
	c.Maintenance.Text, c.Maintenance.TextEn = b.each(maintenanceText)
	return c
}

// builder holds the two drafts (Chinese first) while content is built.
type builder struct {
	d       [2]*Draft
	teamIDs map[string]int64
}

// each writes a text from each draft.
func (b *builder) each(f func(d *Draft, l int) string) (zh, en string) {
	return f(b.d[0], 0), f(b.d[1], 1)
}

// findRole returns the draft role with the key, or the role that holds it
// because the organisation is too small to staff it apart.
func findRole(d *Draft, key string) (Role, bool) {
	for _, r := range d.Organisation.Roles {
		if r.Key == key {
			return r, true
		}
	}
	for _, r := range d.Organisation.Roles {
		for _, c := range r.Covers {
			if c.Key == key {
				return r, true
			}
		}
	}
	return Role{}, false
}

// role maps the first of the role keys the organisation has to a plan
// role: the team it leads (or the first team it sits in) with the role's
// name as its label.
func (b *builder) role(keys ...string) plan.Role {
	for _, key := range keys {
		zr, ok := findRole(b.d[0], key)
		if !ok {
			continue
		}
		er, _ := findRole(b.d[1], zr.Key)
		out := plan.Role{Label: zr.Name, LabelEn: er.Name}
		for _, t := range b.d[0].Organisation.Teams {
			if t.Leader.Key == zr.Key && b.teamIDs[t.Key] > 0 {
				out.TeamID, out.TeamRole = b.teamIDs[t.Key], "leader"
				return out
			}
		}
		for _, tk := range zr.Teams {
			if id := b.teamIDs[tk]; id > 0 {
				out.TeamID = id
				return out
			}
		}
		return out
	}
	return plan.Role{}
}

func (b *builder) roleKey(keys ...string) string {
	for _, key := range keys {
		if r, ok := findRole(b.d[0], key); ok {
			return r.Key
		}
	}
	return ""
}

// participants names, in Chinese, the roles that act in a playbook.
func (b *builder) participants(playbook string) string {
	for _, p := range b.d[0].Playbooks {
		if p.Key != playbook {
			continue
		}
		var names []string
		for _, a := range p.Actions {
			if !slices.Contains(names, a.Owner.Name) {
				names = append(names, a.Owner.Name)
			}
		}
		return truncate(strings.Join(names, "、"), 1000)
	}
	return ""
}

// reportingChain is the tiered reporting chain (逐级上报): whoever finds
// the event → on-site command → crisis office → the head, skipping tiers
// a small organisation does not staff apart.
func (b *builder) reportingChain() []plan.ReportingStep {
	content := [2]string{"时间、地点、经过、现状、影响范围、已采取的措施和需要的支持",
		"Time, place, what happened, current status, impact, measures taken and support needed"}
	tiers := []struct {
		keys   []string
		within int
	}{
		{[]string{"site_commander", "ops_lead"}, 15},
		{[]string{"office_director", "ops_lead"}, 30},
		{[]string{"head"}, 60},
	}
	from := plan.Role{Label: "第一发现人", LabelEn: "first person on the scene"}
	fromKey := ""
	var out []plan.ReportingStep
	for _, t := range tiers {
		key := b.roleKey(t.keys...)
		if key == "" || key == fromKey {
			continue
		}
		to := b.role(key)
		out = append(out, plan.ReportingStep{From: from, To: to, Within: t.within, Content: content[0], ContentEn: content[1]})
		from, fromKey = to, key
	}
	return out
}

var fieldRe = regexp.MustCompile(`\[([^\[\]\n]{1,40})\]`)

// messageFields maps the fill-in fields of the knowledge base's message
// templates, in both languages, to the names of the placeholders plan
// messages use.
var messageFields = map[string]string{
	"时间": "time", "time": "time",
	"事件": "event", "event": "event",
	"事件简述": "event_summary", "brief description": "event_summary",
	"原因": "cause", "cause": "cause",
	"影响": "impact", "影响范围": "impact", "impact": "impact",
	"地点": "site", "place": "site",
	"预计恢复时间": "eta", "expected time": "eta",
	"联系方式": "contact", "contact": "contact",
	"姓名,电话": "contact_person", "name, phone": "contact_person",
	"单位名称": "organisation", "name": "organisation",
	"电话": "phone", "phone": "phone",
	"措施": "measures", "已采取措施": "measures", "measures": "measures", "measures taken": "measures",
	"经过": "course", "course": "course",
	"现状": "status", "status": "status",
	"计划": "next_steps", "后续安排": "next_steps", "plan": "next_steps", "next steps": "next_steps",
	"下次通报时间": "next_update", "next update": "next_update",
	"工作安排": "instructions", "instructions": "instructions",
	"受影响服务": "affected_service", "affected service": "affected_service", "affected services": "affected_service",
	"服务": "affected_service", "service": "affected_service",
	"受影响业务": "affected_business", "affected business": "affected_business", "业务": "affected_business", "business": "affected_business",
	"受影响功能和客户范围": "affected_scope", "features and customers": "affected_scope",
	"补救措施": "remedy", "remedy": "remedy",
	"合作伙伴名称": "partner", "partner": "partner",
	"协助事项": "requests", "requests": "requests",
	"金额": "amount", "amount": "amount",
	"比例": "share", "share": "share",
	"热线": "hotline", "客服热线": "hotline", "hotline": "hotline",
	"客服渠道": "support_channel", "support channel": "support_channel",
	"可用渠道": "channels", "available channels": "channels",
	"状态页地址": "status_page", "status page": "status_page", "link": "status_page",
	"补偿方式": "compensation", "compensation": "compensation",
	"进展": "progress", "progress": "progress",
	"安排": "arrangements", "安排方式": "arrangements", "方式": "arrangements", "arrangement": "arrangements", "arrangements": "arrangements",
	"接送安排": "pickup", "pick-up arrangements": "pickup",
	"安置或替代安排": "relocation", "relocation or alternative arrangements": "relocation",
	"替代办理方式": "alternatives", "alternative ways to apply": "alternatives",
	"中断/降级": "service_state", "down/degraded": "service_state",
	"停课/调整安排": "class_arrangements", "suspend classes / change arrangements": "class_arrangements",
}

var slugRe = regexp.MustCompile(`[^a-z0-9]+`)

// placeholders rewrites the square-bracket fill-in fields of a template
// ([时间], [time]) as the brace placeholders of plan messages ({time}). In
// a body every bracketed field is one; in a subject only the known ones,
// as a subject may open with a bracketed tag such as [Emergency notice].
func placeholders(s string, subject bool) string {
	return fieldRe.ReplaceAllStringFunc(s, func(m string) string {
		f := m[1 : len(m)-1]
		if name, ok := messageFields[strings.ToLower(strings.TrimSpace(f))]; ok {
			return "{" + name + "}"
		}
		if subject {
			return m
		}
		if slug := strings.Trim(slugRe.ReplaceAllString(strings.ToLower(f), "_"), "_"); slug != "" && isASCII(f) {
			return "{" + slug + "}"
		}
		return "{" + strings.TrimSpace(f) + "}"
	})
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// audienceOf maps the generator's audiences to the plan's.
func audienceOf(key string) plan.Audience {
	switch key {
	case "staff":
		return plan.Internal
	case "customers":
		return plan.Customers
	case "partners":
		return plan.Partners
	case "investors":
		return plan.Investors
	case "regulators":
		return plan.Government
	case "media":
		return plan.Media
	}
	if a := plan.Audience(key); slices.Contains(plan.Audiences, a) {
		return a
	}
	return plan.Partners
}

// channelOf maps the knowledge base's channels to the plan's.
func channelOf(key string) (plan.Channel, bool) {
	switch key {
	case "wechat", "wechat_official":
		return plan.WeChat, true
	case "whatsapp", "line":
		return plan.Messenger, true
	case "weibo":
		return plan.Social, true
	case "hotline":
		return plan.Phone, true
	case "regulator_report":
		return plan.Letter, true
	case "investor":
		return plan.Website, true
	}
	c := plan.Channel(key)
	return c, slices.Contains(plan.Channels, c)
}

func channels(refs []Ref) []plan.Channel {
	var out []plan.Channel
	for _, r := range refs {
		if c, ok := channelOf(r.Key); ok && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		out = append(out, plan.Email)
	}
	return out
}

// audiences is the communication plan per audience: owner, channels, and
// what is said when, in both languages.
func (b *builder) audiences() []plan.AudiencePlan {
	var out []plan.AudiencePlan
	index := map[plan.Audience]int{}
	en := pairs(b.d[1].Communication, func(c Communication) string { return c.Audience.Key })
	for _, c := range b.d[0].Communication {
		a := audienceOf(c.Audience.Key)
		e := en[c.Audience.Key]
		msg, msgEn := audienceMessage(c, 0), audienceMessage(e, 1)
		if i, ok := index[a]; ok {
			p := &out[i]
			p.Message += "\n\n" + msg
			p.MessageEn += "\n\n" + msgEn
			for _, ch := range channels(c.Channels) {
				if !slices.Contains(p.Channels, ch) {
					p.Channels = append(p.Channels, ch)
				}
			}
			continue
		}
		index[a] = len(out)
		out = append(out, plan.AudiencePlan{Audience: a, Channels: channels(c.Channels), Owner: b.role(c.Owner.Key),
			Message: msg, MessageEn: msgEn})
	}
	return out
}

func audienceMessage(c Communication, l int) string {
	var names []string
	for _, ch := range c.Channels {
		names = append(names, ch.Name)
	}
	if l == 0 {
		return fmt.Sprintf("**%s**:%s内首次通报,%s。渠道:%s。", c.Audience.Name, c.WithinLabel, c.Cadence, strings.Join(names, "、"))
	}
	return fmt.Sprintf("**%s**: first message by %s; %s. Channels: %s.", capitalise(c.Audience.Name), c.WithinLabel,
		lowerFirst(c.Cadence), strings.Join(names, ", "))
}

// playbooks turns the draft's playbooks into plan playbooks: triggers
// from the categories of the risks each answers, activation authority,
// tasks in order with owner roles and time limits, and a message template
// per audience, channel and language.
func (b *builder) playbooks() []plan.Playbook {
	zhRisks := pairs(b.d[0].Risks, func(r Risk) string { return r.Key })
	enRisks := pairs(b.d[1].Risks, func(r Risk) string { return r.Key })
	enBooks := pairs(b.d[1].Playbooks, func(p Playbook) string { return p.Key })
	enComm := pairs(b.d[1].Communication, func(c Communication) string { return c.Audience.Key })
	var out []plan.Playbook
	for _, p := range b.d[0].Playbooks {
		e := enBooks[p.Key]
		pb := plan.Playbook{Key: playbookKey(p.Key), Title: truncate(p.Title, 300), TitleEn: truncate(e.Title, 300)}
		var zt, et []string
		var cats []risk.Category
		for _, k := range p.Risks {
			r := zhRisks[k]
			zt, et = append(zt, r.Title), append(et, enRisks[k].Title)
			if r.Category != "" && !slices.Contains(cats, r.Category) {
				cats = append(cats, r.Category)
			}
		}
		pb.Text = "**触发条件**:" + p.Trigger + "\n\n**应对的风险**:" + strings.Join(zt, "、")
		pb.TextEn = "**Trigger**: " + e.Trigger + "\n\n**Risks it answers**: " + strings.Join(et, ", ")
		for _, c := range cats {
			pb.Triggers = append(pb.Triggers, plan.Trigger{Kind: plan.OnIncident, IncidentType: c, Severity: plan.MaxLevel})
			if c == risk.NaturalDisaster || c == risk.PublicHealth {
				pb.Triggers = append(pb.Triggers, plan.Trigger{Kind: plan.OnWarning, IncidentType: c, WarningLevel: 3})
			}
		}
		if len(pb.Triggers) == 0 {
			pb.Triggers = append(pb.Triggers, plan.Trigger{Kind: plan.OnIncident, Severity: plan.MaxLevel})
		}
		pb.Triggers[0].Note, pb.Triggers[0].NoteEn = truncate(p.Trigger, 1000), truncate(e.Trigger, 1000)
		pb.Activation = plan.Activation{Authority: b.role(p.Activation.Key), Note: truncate(p.Trigger, 2000), NoteEn: truncate(e.Trigger, 2000)}
		if auth := b.roleKey(p.Activation.Key); auth == "head" {
			if dep := b.roleKey("ops_lead"); dep != "" && dep != auth {
				pb.Activation.Deputy = b.role(dep)
			}
		}
		for i, a := range p.Actions {
			ea := Action{}
			if i < len(e.Actions) {
				ea = e.Actions[i]
			}
			t := plan.Task{Step: a.Step, Title: truncate(a.Text, 300), TitleEn: truncate(ea.Text, 300), Role: b.role(a.Owner.Key), TimeLimit: a.Within}
			if len([]rune(a.Text)) > 300 || len([]rune(ea.Text)) > 300 {
				t.Detail, t.DetailEn = a.Text, ea.Text
			}
			pb.Tasks = append(pb.Tasks, t)
		}
		for _, c := range b.d[0].Communication {
			ec := enComm[c.Audience.Key]
			sender := b.role(c.Owner.Key)
			for _, ch := range channels(c.Channels) {
				pb.Communications = append(pb.Communications,
					plan.Message{Audience: audienceOf(c.Audience.Key), Lang: LangZh, Channel: ch, Sender: sender, Within: c.Within,
						Subject: truncate(placeholders(c.Subject, true), 300), Body: placeholders(c.Message, false)},
					plan.Message{Audience: audienceOf(c.Audience.Key), Lang: LangEn, Channel: ch, Sender: sender, Within: ec.Within,
						Subject: truncate(placeholders(ec.Subject, true), 300), Body: placeholders(ec.Message, false)})
			}
		}
		if len(pb.Communications) > 100 {
			pb.Communications = pb.Communications[:100]
		}
		out = append(out, pb)
	}
	return out
}

// playbookKey writes a knowledge-base id as a plan playbook key (lower-case
// letters, digits and dashes).
func playbookKey(id string) string {
	if id == "" {
		return ""
	}
	k := strings.Trim(slugRe.ReplaceAllString(strings.ToLower(id), "-"), "-")
	if len(k) > 63 {
		k = k[:63]
	}
	return k
}

func truncate(s string, n int) string {
	r := []rune(strings.TrimSpace(s))
	if len(r) <= n {
		return string(r)
	}
	return string(r[:n-1]) + "…"
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func lowerFirst(s string) string {
	if len(s) > 1 && s[0] >= 'A' && s[0] <= 'Z' && !(s[1] >= 'A' && s[1] <= 'Z') {
		return strings.ToLower(s[:1]) + s[1:]
	}
	return s
}
