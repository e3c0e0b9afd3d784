package plangen

import (
	"fmt"
	"strconv"
	"strings"
)

// The chapter texts of a stored plan, written from one draft in its
// language (l: 0 Chinese, 1 English) as Markdown.

// tr picks the Chinese or the English wording.
type tr [2]string

func (t tr) in(l int) string { return t[l] }

func cell(s string) string {
	s = strings.ReplaceAll(s, "|", "/")
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r", ""), "\n", " ")
}

func table(b *strings.Builder, head []string, rows [][]string) {
	b.WriteString("| " + strings.Join(head, " | ") + " |\n|")
	for range head {
		b.WriteString("---|")
	}
	b.WriteString("\n")
	for _, r := range rows {
		for i := range r {
			r[i] = cell(r[i])
		}
		b.WriteString("| " + strings.Join(r, " | ") + " |\n")
	}
	b.WriteString("\n")
}

func listSep(l int) string { return tr{"、", ", "}.in(l) }

func purposeText(d *Draft, l int) string {
	var b strings.Builder
	b.WriteString(d.Summary + "\n\n" + d.Approach + "\n\n")
	fmt.Fprintf(&b, tr{"**适用范围**:%s;%s;%s(%s)。\n\n", "**Scope**: %s; %s; %s (%s).\n\n"}.in(l),
		d.Industry.Name, d.Size.Name, d.Region.Name, d.Jurisdiction.Name)
	b.WriteString("### " + tr{"编制依据", "Regulations and standards"}.in(l) + "\n\n")
	for _, r := range d.Regulations {
		fmt.Fprintf(&b, "- **%s**%s%s\n", r.Name, tr{":", ": "}.in(l), r.Requirement)
	}
	b.WriteString("\n**" + tr{"监管机构", "Regulators"}.in(l) + "**" + tr{":", ": "}.in(l) + strings.Join(d.Regulators, listSep(l)) + "\n\n")
	b.WriteString("**" + tr{"紧急电话", "Emergency numbers"}.in(l) + "**" + tr{":", ": "}.in(l) + d.EmergencyNumbers + "\n\n")
	b.WriteString("### " + tr{"行业与地区特定考量", "Industry and regional considerations"}.in(l) + "\n\n")
	for _, n := range d.Considerations {
		fmt.Fprintf(&b, "- **%s**%s%s\n", n.Title, tr{":", ": "}.in(l), n.Body)
	}
	return b.String()
}

func organisationText(d *Draft, l int) string {
	var b strings.Builder
	b.WriteString(d.Approach + "\n\n")
	var rows [][]string
	for _, t := range d.Organisation.Teams {
		var members []string
		for _, m := range t.Members {
			members = append(members, m.Name)
		}
		rows = append(rows, []string{t.Name, t.KindName, t.Leader.Name, strings.Join(members, listSep(l)), t.Duties})
	}
	table(&b, []string{tr{"小组", "Team"}.in(l), tr{"类别", "Kind"}.in(l), tr{"组长", "Leader"}.in(l), tr{"成员", "Members"}.in(l), tr{"职责", "Duties"}.in(l)}, rows)
	teams := pairs(d.Organisation.Teams, func(t Team) string { return t.Key })
	rows = nil
	for _, r := range d.Organisation.Roles {
		var in, covers []string
		for _, k := range r.Teams {
			in = append(in, teams[k].Name)
		}
		for _, c := range r.Covers {
			covers = append(covers, c.Name)
		}
		rows = append(rows, []string{r.Name, r.Duties, strings.Join(in, listSep(l)), strings.Join(covers, listSep(l))})
	}
	table(&b, []string{tr{"角色", "Role"}.in(l), tr{"职责", "Duties"}.in(l), tr{"所在小组", "Teams"}.in(l), tr{"兼任", "Also holds"}.in(l)}, rows)
	return b.String()
}

func months(ms []int, l int) string {
	if len(ms) == 0 {
		return tr{"全年", "all year"}.in(l)
	}
	parts := make([]string, len(ms))
	for i, m := range ms {
		parts[i] = strconv.Itoa(m)
	}
	return strings.Join(parts, ",") + tr{"月", ""}.in(l)
}

func risksText(d *Draft, l int) string {
	var b strings.Builder
	var rows [][]string
	for i, r := range d.Risks {
		rows = append(rows, []string{strconv.Itoa(i + 1), r.Title, r.CategoryName, r.ScopeName, r.Cause, r.Consequence,
			strconv.Itoa(r.Likelihood), strconv.Itoa(r.Impact), strconv.Itoa(r.Score), r.LevelName, r.Owner.Name, months(r.Months, l)})
	}
	table(&b, []string{"#", tr{"风险", "Risk"}.in(l), tr{"类别", "Category"}.in(l), tr{"范围", "Scope"}.in(l), tr{"原因", "Cause"}.in(l),
		tr{"后果", "Consequence"}.in(l), tr{"可能性", "Likelihood"}.in(l), tr{"影响", "Impact"}.in(l), tr{"分值", "Score"}.in(l),
		tr{"等级", "Level"}.in(l), tr{"责任角色", "Owner"}.in(l), tr{"季节", "Season"}.in(l)}, rows)
	b.WriteString("### " + tr{"风险优先级矩阵(5×5)", "Priority matrix (5×5)"}.in(l) + "\n\n")
	titles := pairs(d.Risks, func(r Risk) string { return r.Key })
	for _, band := range d.Matrix.Bands {
		var names []string
		for _, k := range band.Risks {
			names = append(names, titles[k].Title)
		}
		if len(names) == 0 {
			names = append(names, tr{"无", "none"}.in(l))
		}
		fmt.Fprintf(&b, "- **%s(%d–%d)**%s%s%s%s\n", band.Name, band.MinScore, band.MaxScore, tr{":", ": "}.in(l),
			strings.Join(names, listSep(l)), tr{"。", ". "}.in(l), band.Action)
	}
	b.WriteString("\n### " + tr{"常见风险与缓解措施", "Common risks and mitigations"}.in(l) + "\n\n")
	rows = nil
	for _, c := range d.CommonRisks {
		rows = append(rows, []string{c.Risk, c.Scenario, c.Consequence, c.Mitigation})
	}
	table(&b, []string{tr{"风险", "Risk"}.in(l), tr{"情景", "Scenario"}.in(l), tr{"后果", "Consequence"}.in(l), tr{"缓解措施", "Mitigation"}.in(l)}, rows)
	return b.String()
}

func warningText(d *Draft, l int) string {
	var b strings.Builder
	b.WriteString(tr{"预警信息来自气象、地震、卫生、网信等政府部门和监管机构的发布,以及本单位对系统、供应商和舆情的监测。收到预警后按下列分级采取措施,并按逐级上报时限报告。季节性风险须在其季节前完成准备:",
		"Warnings come from the public weather, seismic, health and cyber authorities and regulators, and from our own monitoring of systems, suppliers and public opinion. On a warning, take the measures of its level below and report up the chain within the time limits. Prepare for seasonal risks before their season:"}.in(l))
	var seasonal []string
	for _, r := range d.Risks {
		if len(r.Months) > 0 {
			seasonal = append(seasonal, r.Title+tr{"(", " ("}.in(l)+months(r.Months, l)+tr{")", ")"}.in(l))
		}
	}
	if len(seasonal) == 0 {
		seasonal = append(seasonal, tr{"无", "none"}.in(l))
	}
	b.WriteString(tr{"", " "}.in(l) + strings.Join(seasonal, listSep(l)) + tr{"。", "."}.in(l))
	return b.String()
}

// warningLevels are the four warning levels, red (Ⅰ) first.
var warningLevels = []struct{ criteria, measures tr }{
	{tr{"红色(Ⅰ级):预计将发生特别重大突发事件,或事件已威胁人员生命安全、多项关键业务将中断超过最大可容忍中断时间", "Red (level I): a catastrophic incident is expected, or lives are at risk and several critical functions will be down beyond their maximum tolerable period of disruption"},
		tr{"总指挥启动最高级别响应,全员待命,停止非必要作业,启用备用场所和系统,每2小时通报一次", "The head activates the highest response, all staff stand by, non-essential work stops, alternate sites and systems are brought up, updates every 2 hours"}},
	{tr{"橙色(Ⅱ级):预计将发生重大突发事件,或关键业务可能中断超过恢复时间目标(RTO)", "Orange (level II): a major incident is expected, or a critical function may be down beyond its recovery time objective (RTO)"},
		tr{"应急指挥机构到岗,准备启动相关处置流程,检查备用系统、物资和人员,暂停高风险作业", "The response organisation assembles, prepares to activate the playbooks concerned, checks backup systems, supplies and people, and stops high-risk work"}},
	{tr{"黄色(Ⅲ级):预计将发生较大突发事件,或外部黄色预警覆盖经营场所", "Yellow (level III): a significant incident is expected, or a public yellow warning covers one of our sites"},
		tr{"危机管理办公室组织研判,通知相关小组做好准备,加强监测,每4小时报告一次", "The crisis office assesses the situation, alerts the teams concerned, steps up monitoring and reports every 4 hours"}},
	{tr{"蓝色(Ⅳ级):可能发生一般突发事件,影响限于单个部门或场所", "Blue (level IV): a minor incident is possible, limited to one department or site"},
		tr{"相关部门加强监测和巡查,核对联系方式和物资,及时报告变化", "The departments concerned step up monitoring and checks, verify contact details and supplies, and report any change"}},
}

var responseIntro = tr{"应急响应分为四级。分级标准为可编辑的默认值,须按本单位业务影响分析确定,不宜照搬安全生产事故等级。",
	"Response has four levels. The criteria are editable defaults to be set from your own business impact analysis, not copied from accident grades."}

// responseLevels are the four response levels, Ⅰ first, with the roles
// that declare them (the first the organisation has).
var responseLevels = []struct {
	criteria, measures tr
	authority          []string
}{
	{tr{"特别重大(Ⅰ级):人员伤亡,或多项关键业务中断超过最大可容忍中断时间,或引发全国性舆情、监管处罚风险", "Catastrophic (level I): casualties, or several critical functions down beyond their maximum tolerable period of disruption, or nationwide public attention or regulatory sanctions at stake"},
		tr{"决策层全体到岗,启动全部相关处置流程和备用场所,统一对外发布,向监管机构和政府报告", "The whole decision body convenes, all playbooks concerned and alternate sites are activated, one voice speaks outside, regulators and authorities are informed"}, []string{"head"}},
	{tr{"重大(Ⅱ级):一项关键业务中断超过恢复时间目标(RTO),或影响大量客户", "Major (level II): a critical function is down beyond its RTO, or many customers are affected"},
		tr{"总指挥主持应急指挥,启动相关处置流程,按沟通策略通知客户、合作伙伴和监管机构", "The head leads the response, activates the playbooks concerned and informs customers, partners and regulators as the communication plan says"}, []string{"head"}},
	{tr{"较大(Ⅲ级):关键业务受影响但预计在RTO内恢复,或影响多个部门", "Significant (level III): a critical function is affected but expected back within its RTO, or several departments are affected"},
		tr{"危机管理办公室协调相关小组处置,每4小时向总指挥报告", "The crisis office coordinates the teams concerned and reports to the head every 4 hours"}, []string{"office_director", "ops_lead"}},
	{tr{"一般(Ⅳ级):影响限于单个部门或场所,关键业务未中断", "Minor (level IV): limited to one department or site; no critical function is down"},
		tr{"现场负责人组织处置并报告危机管理办公室", "The person in charge on site handles it and reports to the crisis office"}, []string{"site_commander", "ops_lead"}},
}

func scenariosText(d *Draft, l int) string {
	var b strings.Builder
	b.WriteString(tr{"以下情景处置流程针对排序最高的风险,每个流程写明触发条件、启动权限、各角色的行动及时限(自启动起计)。",
		"The playbooks below answer the highest-ranked risks; each gives its trigger, who may activate it, and what each role does by when (counted from activation)."}.in(l) + "\n\n")
	for _, p := range d.Playbooks {
		fmt.Fprintf(&b, "- **%s**%s%s%s%s\n", p.Title, tr{":", ": "}.in(l), p.Trigger, tr{";启动:", "; activated by "}.in(l), p.Activation.Name)
	}
	return b.String()
}

func recoveryText(d *Draft, l int) string {
	var b strings.Builder
	var rows [][]string
	for _, r := range d.Recovery {
		rows = append(rows, []string{r.Function.Name, r.RTOLabel, r.RPOLabel, r.MTPDLabel, r.MBCO, r.Strategy, r.Basis})
	}
	table(&b, []string{tr{"关键业务", "Critical function"}.in(l), "RTO", "RPO", "MTPD", "MBCO", tr{"恢复策略", "Strategy"}.in(l), tr{"依据", "Basis"}.in(l)}, rows)
	b.WriteString("### " + tr{"影响评估", "Impact assessment"}.in(l) + "\n\n")
	head := []string{tr{"关键业务", "Critical function"}.in(l), tr{"影响类别", "Impact"}.in(l)}
	head = append(head, d.Impact.TimeLabels...)
	rows = nil
	cats := pairs(d.Impact.Categories, func(r Ref) string { return r.Key })
	for _, r := range d.Impact.Rows {
		for _, c := range r.Cells {
			row := []string{r.Function.Name, cats[c.Category].Name}
			for _, lv := range c.Levels {
				row = append(row, strconv.Itoa(lv))
			}
			rows = append(rows, row)
		}
	}
	table(&b, head, rows)
	var names []string
	for i, n := range d.Impact.LevelNames {
		names = append(names, strconv.Itoa(i+1)+" "+n)
	}
	b.WriteString(tr{"影响等级:", "Impact levels: "}.in(l) + strings.Join(names, listSep(l)) + "\n")
	return b.String()
}

func communicationText(d *Draft, l int) string {
	var b strings.Builder
	var rows [][]string
	for _, c := range d.Communication {
		var ch []string
		for _, x := range c.Channels {
			ch = append(ch, x.Name)
		}
		rows = append(rows, []string{c.Audience.Name, c.Owner.Name, strings.Join(ch, listSep(l)), c.WithinLabel, c.Cadence, c.Subject})
	}
	table(&b, []string{tr{"对象", "Audience"}.in(l), tr{"负责人", "Owner"}.in(l), tr{"渠道", "Channels"}.in(l),
		tr{"首次通报", "First message"}.in(l), tr{"更新频率", "Cadence"}.in(l), tr{"主题", "Subject"}.in(l)}, rows)
	b.WriteString(tr{"各情景处置流程附有按对象、渠道和语言的消息模板,花括号中的字段在发送时填写。",
		"Each playbook carries message templates per audience, channel and language; the fields in braces are filled in when a message is sent."}.in(l))
	return b.String()
}

func resourcesText(d *Draft, l int) string {
	var b strings.Builder
	var rows [][]string
	for _, r := range d.Resources {
		rows = append(rows, []string{r.KindName, r.Item, r.Quantity, r.Owner.Name})
	}
	table(&b, []string{tr{"类别", "Kind"}.in(l), tr{"资源", "Resource"}.in(l), tr{"数量与要求", "Quantity"}.in(l), tr{"负责人", "Owner"}.in(l)}, rows)
	b.WriteString("### " + tr{"技术支撑", "Technology"}.in(l) + "\n\n")
	for _, n := range d.Technology {
		fmt.Fprintf(&b, "- **%s**%s%s\n", n.Title, tr{":", ": "}.in(l), n.Body)
	}
	return b.String()
}

func trainingText(d *Draft, l int) string {
	var b strings.Builder
	b.WriteString("### " + tr{"演练日程", "Drill calendar"}.in(l) + "\n\n")
	var rows [][]string
	for _, x := range d.Maintenance.Drills {
		rows = append(rows, []string{x.Month, x.KindName, x.Title, x.Scope})
	}
	table(&b, []string{tr{"月份", "Month"}.in(l), tr{"形式", "Kind"}.in(l), tr{"演练", "Exercise"}.in(l), tr{"内容", "Scope"}.in(l)}, rows)
	b.WriteString("### " + tr{"培训计划", "Training plan"}.in(l) + "\n\n")
	rows = nil
	for _, t := range d.Training {
		rows = append(rows, []string{t.Audience, t.Topic, t.Format, t.Frequency, strconv.Itoa(t.Hours)})
	}
	table(&b, []string{tr{"对象", "Audience"}.in(l), tr{"内容", "Topic"}.in(l), tr{"形式", "Format"}.in(l), tr{"频次", "Frequency"}.in(l), tr{"学时", "Hours"}.in(l)}, rows)
	return b.String()
}

func maintenanceText(d *Draft, l int) string {
	var b strings.Builder
	fmt.Fprintf(&b, tr{"本计划%s,下次评审:%s。出现下列情况之一时提前修订:\n\n", "This plan is %s; next review: %s. Revise it earlier when:\n\n"}.in(l),
		d.Maintenance.ReviewCadence, d.Maintenance.NextReview)
	for _, t := range d.Maintenance.ReviewTriggers {
		b.WriteString("- " + t + "\n")
	}
	fmt.Fprintf(&b, tr{"\n初稿依据:行业 `%s`,规模 `%s`,地区 `%s`,知识库版本 `%s`,基准日 %s。\n", "\nDrafted from industry `%s`, size `%s`, region `%s`, knowledge base `%s`, as of %s.\n"}.in(l),
		d.Input.Industry, d.Input.Size, d.Input.Region, d.KBVersion, d.AsOf)
	return b.String()
}
