package demo

import (
	"context"
	"fmt"

	"github.com/continuo-bcm/continuo/internal/audit"
	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/bia"
	"github.com/continuo-bcm/continuo/internal/clock"
	"github.com/continuo-bcm/continuo/internal/identity"
	"github.com/continuo-bcm/continuo/internal/org"
	"github.com/continuo-bcm/continuo/internal/plan"
	"github.com/continuo-bcm/continuo/internal/risk"
	"github.com/continuo-bcm/continuo/internal/tx"
)

// planStore is what the plan library is kept in: the database that runs
// the demo's transaction, which also holds the risks and processes the
// plans link to and the accounts that draft and approve them.
type planStore interface {
	plan.Store
	audit.Store
	UserByUsername(ctx context.Context, username string) (identity.User, error)
	RiskByCode(ctx context.Context, code string) (risk.Risk, error)
	ProcessByCode(ctx context.Context, code string) (bia.Process, error)
}

// loadPlans adds the group's plans to the library: the general emergency
// plan (综合应急预案) and the special plan for business disruptions whose
// playbooks adapt the manufacturer's procedures of seed 002 to the
// logistics group. Both are drafted by the crisis office (account
// "office"), approved by the committee chair (account "committee") and
// published, so the library opens with an approval record.
func loadPlans(ctx context.Context, orgSvc *org.Service, t tx.Runner) error {
	st, ok := t.(planStore)
	if !ok {
		return fmt.Errorf("demo: the plan library needs the database, not a %T", t)
	}
	clk := clock.Real{}
	svc := plan.NewService(st, t, audit.NewLog(st, t, clk), clk)
	r, err := newPlanRefs(ctx, orgSvc, st)
	if err != nil {
		return err
	}
	office, err := r.principal(ctx, st, "office")
	if err != nil {
		return err
	}
	chair, err := r.principal(ctx, st, "committee")
	if err != nil {
		return err
	}
	chairUser, err := st.UserByUsername(ctx, "committee")
	if err != nil {
		return err
	}
	for _, d := range []struct {
		p plan.Plan
		v plan.Version
	}{
		{plan.Plan{Code: "XL-YA-00", Kind: plan.General, UnitID: r.unit["XL"], OwnerID: r.person["XL0101"],
			Approvers: []plan.Approver{{UserID: chairUser.ID}}}, r.generalPlan()},
		{plan.Plan{Code: "XL-YA-ZX-01", Kind: plan.Special, UnitID: r.unit["XL"], OwnerID: r.person["XL0102"],
			Approvers: []plan.Approver{{Role: authz.Committee}}}, r.specialPlan()},
	} {
		p, v, err := svc.CreatePlan(office, d.p, d.v)
		if err != nil {
			return fmt.Errorf("demo: plan %s: %w", d.p.Code, err)
		}
		if _, err := svc.Submit(office, p.ID, v.Number); err != nil {
			return fmt.Errorf("demo: plan %s: %w", d.p.Code, err)
		}
		if _, err := svc.Decide(chair, p.ID, v.Number, plan.Approve, "经危机管理委员会审议，同意发布实施。"); err != nil {
			return fmt.Errorf("demo: plan %s: %w", d.p.Code, err)
		}
		if _, err := svc.Publish(office, p.ID, v.Number); err != nil {
			return fmt.Errorf("demo: plan %s: %w", d.p.Code, err)
		}
	}
	return nil
}

// planRefs resolves the demo's codes into ids.
type planRefs struct {
	unit, person, team map[string]int64 // unit code, employee number, team name
	risk, process      map[string]int64 // risk code, process code
}

func newPlanRefs(ctx context.Context, orgSvc *org.Service, st planStore) (*planRefs, error) {
	r := &planRefs{unit: map[string]int64{}, person: map[string]int64{}, team: map[string]int64{}, risk: map[string]int64{}, process: map[string]int64{}}
	units, err := orgSvc.Units(ctx)
	if err != nil {
		return nil, err
	}
	for _, u := range units {
		r.unit[u.Code] = u.ID
	}
	people, _, err := orgSvc.People(ctx, org.PeopleFilter{Limit: 500})
	if err != nil {
		return nil, err
	}
	for _, p := range people {
		r.person[p.EmployeeNo] = p.ID
	}
	teams, err := orgSvc.Teams(ctx)
	if err != nil {
		return nil, err
	}
	for _, t := range teams {
		r.team[t.Name] = t.ID
	}
	for _, code := range []string{"R-001", "R-002", "R-003", "R-004", "R-005", "R-006", "R-008", "R-009", "R-011", "R-012", "R-013",
		"R-016", "R-017", "R-018", "R-020", "R-021", "R-022", "R-023", "R-024", "R-025", "R-027", "R-029", "R-038", "R-039", "R-041"} {
		rk, err := st.RiskByCode(ctx, code)
		if err != nil {
			return nil, fmt.Errorf("demo: plans link risk %s: %w", code, err)
		}
		r.risk[code] = rk.ID
	}
	for i := 1; i <= 12; i++ {
		code := fmt.Sprintf("BP-%02d", i)
		p, err := st.ProcessByCode(ctx, code)
		if err != nil {
			return nil, fmt.Errorf("demo: plans link process %s: %w", code, err)
		}
		r.process[code] = p.ID
	}
	return r, nil
}

// principal acts as a demo account, with the unit paths of its grants.
func (r *planRefs) principal(ctx context.Context, st planStore, username string) (context.Context, error) {
	u, err := st.UserByUsername(ctx, username)
	if err != nil {
		return nil, fmt.Errorf("demo: account %s: %w", username, err)
	}
	p := u.Principal()
	for i := range p.Grants {
		unit, err := st.UnitByID(ctx, p.Grants[i].UnitID)
		if err != nil {
			return nil, err
		}
		p.Grants[i].UnitPath = unit.Path
	}
	return authz.WithPrincipal(ctx, p), nil
}

// Team names of the demo organisation.
const (
	committee   = "危机管理委员会"
	crisisOff   = "危机管理办公室"
	infoSec     = "信息安全专项小组"
	safetyTeam  = "安全生产专项小组"
	serviceTeam = "客户服务专项小组"
	opinionTeam = "舆情应对专项小组"
	transport   = "运输保障专项小组"
	onsite      = "现场应急指挥小组"
)

func (r *planRefs) seat(team string, role org.TeamRole) plan.Role {
	return plan.Role{TeamID: r.team[team], TeamRole: role}
}

func (r *planRefs) whole(team string) plan.Role { return plan.Role{TeamID: r.team[team]} }

func (r *planRefs) dept(code string) plan.Role { return plan.Role{UnitID: r.unit[code]} }

func (r *planRefs) who(no string) plan.Role { return plan.Role{PersonID: r.person[no]} }

func label(zh, en string) plan.Role { return plan.Role{Label: zh, LabelEn: en} }

func task(step, minutes int, who plan.Role, zh, en string) plan.Task {
	return plan.Task{Step: step, TimeLimit: minutes, Role: who, Title: zh, TitleEn: en}
}

func detailed(t plan.Task, zh, en string) plan.Task {
	t.Detail, t.DetailEn = zh, en
	return t
}

func msg(a plan.Audience, lang string, ch plan.Channel, from plan.Role, within int, subject, body string) plan.Message {
	return plan.Message{Audience: a, Lang: lang, Channel: ch, Sender: from, Within: within, Subject: subject, Body: body}
}

func minutes(m int) *int { return &m }

func (r *planRefs) target(code, zh, en string, rto int, rpo *int, mbco, mbcoEn string) plan.RecoveryTarget {
	return plan.RecoveryTarget{ProcessID: r.process[code], Name: zh, NameEn: en, RTO: rto, RPO: rpo, MBCO: mbco, MBCOEn: mbcoEn}
}

func (r *planRefs) risks(codes ...string) []int64 {
	out := make([]int64, len(codes))
	for i, c := range codes {
		out[i] = r.risk[c]
	}
	return out
}

// generalPlan is the group's general emergency plan (综合应急预案), in the
// chapters of GB/T 29639-2020, after the crisis-management system of seed
// 000.
func (r *planRefs) generalPlan() plan.Version {
	chair := r.seat(committee, org.RoleLeader)
	return plan.Version{
		Title:      "华东星链物流集团综合应急预案",
		TitleEn:    "Huadong Xinglian Logistics Group general emergency plan",
		ChangeNote: "依据《危机管理制度》和 GB/T 29639-2020 编制的首版综合应急预案。",
		Content: plan.Content{
			Purpose: plan.Section{
				Text: "## 编制目的\n为有效预防、应对集团运营过程中可能出现的各类危机事件，保障业务的连续性和稳定性，维护公司及客户、合作伙伴等相关方的合法权益，制定本预案。\n\n" +
					"## 适用范围\n本预案适用于集团总部、各分公司、星链仓储有限公司及与公司运营相关的合作伙伴，覆盖自然灾害、公共卫生事件、重大安全事故、网络信息安全事件、供应链中断、重大客户投诉和负面舆情等危机事件。\n\n" +
					"## 工作原则\n以人为本、预防为主；统一领导、分级负责；快速反应、协同应对；信息统一发布。",
				TextEn: "## Purpose\nTo prevent and respond to crises in the group's operations, keep the business running and protect the rights of the company, its customers and partners.\n\n" +
					"## Scope\nGroup headquarters, all branches, Xinglian Warehousing Co. and partners involved in operations; natural disasters, public-health events, major safety accidents, cyber incidents, supply-chain disruption, major customer complaints and negative public opinion.\n\n" +
					"## Principles\nPeople first and prevention first; unified leadership with responsibility by level; fast, coordinated response; one voice to the outside.",
			},
			Organisation: plan.Organisation{
				Text:   "集团设危机管理委员会、危机管理办公室（设在行政部）、各专项危机应对小组和现场应急指挥小组。各小组组长不在时，由其代理人按顺序履行职责。",
				TextEn: "The group has a crisis management committee, a crisis management office (within Administration), special response teams and an on-site command group. When a leader cannot be reached, their deputies act in order.",
				Teams: []plan.TeamDuty{
					{TeamID: r.team[committee], Duties: "全面领导和决策危机应对工作；决定预案启动和响应级别；统一调配公司内部人力、物力、财力；审批对外声明。",
						DutiesEn: "Leads and decides the response; activates plans and sets response levels; allocates people, materials and funds; approves public statements."},
					{TeamID: r.team[crisisOff], Duties: "负责危机管理日常工作；收集、核实并向委员会报告危机信息；统一对外信息发布；协调外部资源；组织演练。",
						DutiesEn: "Runs day-to-day crisis management; collects, verifies and reports information to the committee; speaks for the group; coordinates outside resources; organises drills."},
					{TeamID: r.team[onsite], Duties: "在现场指挥救援、抢险、疏散；评估损失；协调恢复计划的实施并督促各部门恢复进度。",
						DutiesEn: "Commands rescue, repair and evacuation on site; assesses losses; coordinates and drives recovery."},
					{TeamID: r.team[safetyTeam], Duties: "火灾、危化品泄漏、车辆事故等安全事故的处置与调查。", DutiesEn: "Handles and investigates fires, hazardous-material leaks, vehicle accidents."},
					{TeamID: r.team[infoSec], Duties: "信息系统故障、网络攻击与数据泄露的处置和恢复。", DutiesEn: "Handles IT failures, cyber attacks and data breaches, and recovers systems."},
					{TeamID: r.team[serviceTeam], Duties: "受影响订单的客户沟通、投诉处理与客户关系维护。", DutiesEn: "Talks to customers about affected orders, handles complaints, keeps customer relations."},
					{TeamID: r.team[transport], Duties: "运力调度、备用承运商和替代线路。", DutiesEn: "Dispatches capacity, backup carriers and alternative routes."},
					{TeamID: r.team[opinionTeam], Duties: "舆情监测、对外声明起草和媒体沟通。", DutiesEn: "Monitors public opinion, drafts statements, handles the media."},
				},
			},
			Risks: plan.RiskSummary{
				Text:    "依据风险排查与评估结果，集团面临的主要风险为：华东沿海台风与暴雨内涝、西南地区地震、仓库火灾、核心信息系统故障与网络攻击、分拨中心停电、燃油与包装耗材供应紧张、旺季人员短缺和大客户重大投诉。详见风险登记册。",
				TextEn:  "From the risk surveys and assessments the main risks are typhoons and urban flooding in coastal East China, earthquakes in the South-West, warehouse fires, failures of and attacks on core systems, power cuts at sorting centres, fuel and packaging shortages, peak-season staff shortages and major customer complaints. See the risk register.",
				RiskIDs: r.risks("R-001", "R-003", "R-004", "R-008", "R-009", "R-013", "R-016", "R-020", "R-021", "R-025", "R-027", "R-029"),
			},
			Warning: plan.WarningRules{
				Text:   "危机管理办公室根据风险评估结果设定预警指标，当监测指标达到或接近预警值时发布预警，明确预警级别、可能影响范围和应采取的防范措施，通过内部通讯系统、邮件、公告传达全体员工及相关合作伙伴。",
				TextEn: "The crisis office sets warning indicators from the risk assessment and issues a warning when an indicator reaches or nears its threshold, stating the level, the likely scope and the precautions, through internal messaging, email and notices to all staff and partners concerned.",
				Levels: []plan.WarningLevel{
					{Level: 1, Criteria: "气象部门发布台风或暴雨红色预警；或预计核心枢纽停运超过 48 小时", CriteriaEn: "Red typhoon or rainstorm warning; or a core hub expected down for more than 48 h",
						Measures: "委员会进入应急状态，停止受影响区域作业，人员撤离至安全区域", MeasuresEn: "Committee on emergency footing; stop work in the area; move people to safety"},
					{Level: 2, Criteria: "橙色预警；或预计枢纽停运 24—48 小时", CriteriaEn: "Orange warning; or a hub expected down for 24–48 h",
						Measures: "转移低层货物，调整线路和运力，客服提前告知客户", MeasuresEn: "Move goods off the ground floor, reroute, customer service informs customers in advance"},
					{Level: 3, Criteria: "黄色预警；或关键系统、设备中断预计超过 8 小时", CriteriaEn: "Yellow warning; or a key system or equipment expected down for more than 8 h",
						Measures: "各部门加强监控，检查应急物资，值班人员到岗", MeasuresEn: "Departments step up monitoring, check supplies, duty staff on post"},
					{Level: 4, Criteria: "蓝色预警；或监测指标接近预警值", CriteriaEn: "Blue warning; or an indicator near its threshold",
						Measures: "关注事态发展，做好应对准备", MeasuresEn: "Watch developments and get ready"},
				},
				Reporting: []plan.ReportingStep{
					{From: label("现场人员", "staff on the scene"), To: label("本部门负责人", "head of department"), Within: 15,
						Content: "事件发生的时间、地点、经过、现状", ContentEn: "time, place, course and current state"},
					{From: label("部门负责人", "head of department"), To: r.whole(crisisOff), Within: 30,
						Content: "补充影响范围和已采取的措施", ContentEn: "adds the impact scope and measures taken"},
					{From: r.seat(crisisOff, org.RoleLeader), To: chair, Within: 60,
						Content: "核实后的完整报告，并持续续报事件进展", ContentEn: "the verified report, followed by updates as the event develops"},
				},
			},
			ResponseLevels: plan.ResponseLevels{
				Text:   "响应分为四级。分级标准由集团依据自身业务确定，并在每年预案评审时复核。",
				TextEn: "Four response levels. The criteria are the group's own and are checked at each annual review.",
				Levels: []plan.ResponseLevel{
					{Level: 1, Criteria: "造成人员死亡或 3 人以上重伤；或全网 30% 以上订单无法履约超过 24 小时；或直接损失超过 1000 万元",
						CriteriaEn: "A death or 3+ seriously injured; or 30%+ of orders network-wide unfulfilled for over 24 h; or direct loss above ¥10M",
						Authority:  chair, Measures: "委员会主任委员指挥，全集团资源统一调配，启动对外统一发布", MeasuresEn: "The chair commands; all group resources pooled; public statements issued"},
					{Level: 2, Criteria: "一个枢纽或分拨中心停运超过 24 小时；或直接损失 200—1000 万元；或负面舆情在全国性媒体发酵",
						CriteriaEn: "A hub or sorting centre down for more than 24 h; or direct loss ¥2–10M; or negative coverage in national media",
						Authority:  r.seat(committee, org.RoleDeputyLeader), Measures: "成立现场应急指挥小组，启动相关专项预案", MeasuresEn: "On-site command group formed; special plans activated"},
					{Level: 3, Criteria: "关键系统或设备中断超过 8 小时影响交付；或重大客户投诉（金额损失 1 万元以上）", CriteriaEn: "A key system or equipment down for more than 8 h affecting deliveries; or a major customer complaint (loss ¥10,000+)",
						Authority: r.seat(crisisOff, org.RoleLeader), Measures: "危机管理办公室协调相关专项小组处置", MeasuresEn: "The crisis office coordinates the special teams"},
					{Level: 4, Criteria: "局部、短时影响，部门可自行处置", CriteriaEn: "Local, short disruption the department can handle",
						Authority: label("部门负责人", "head of department"), Measures: "部门处置并报危机管理办公室备案", MeasuresEn: "The department handles it and informs the crisis office"},
				},
			},
			Scenarios: plan.Section{
				Text:   "各类事件的具体处置流程见《业务中断专项应急预案》(XL-YA-ZX-01) 的情景处置流程；现场处置方案由各分公司按场所编制。",
				TextEn: "The playbooks of the special plan for business disruptions (XL-YA-ZX-01) give the procedure for each kind of event; branches keep on-site procedures for their sites.",
			},
			Recovery: plan.Recovery{
				Text:   "事件得到控制后，现场应急指挥小组组织清理现场、评估损失，按恢复优先级逐项恢复业务，并跟踪恢复时间目标。",
				TextEn: "Once the event is under control the on-site command group clears the site, assesses losses and restores processes by priority against their recovery time objectives.",
				Targets: []plan.RecoveryTarget{
					r.target("BP-01", "订单受理", "Order intake", 120, minutes(15), "人工接单，优先保障合同客户", "Manual order taking, contract customers first"),
					r.target("BP-04", "出库发运", "Warehouse dispatch", 480, minutes(60), "限时达订单优先出库", "Time-definite orders first"),
					r.target("BP-05", "干线运输", "Line-haul transport", 720, nil, "主干线路 60% 运力", "60% capacity on trunk routes"),
					r.target("BP-07", "客服热线", "Customer service hotline", 60, minutes(0), "热线接通率不低于 70%", "At least 70% of calls answered"),
					r.target("BP-12", "运输调度", "Transport dispatching", 240, minutes(30), "", ""),
				},
			},
			Communications: plan.Communications{
				Text:   "危机管理办公室统一对外信息发布，及时、准确地通报事件进展和应对措施，避免不实信息传播。对外声明须经委员会主任委员或其授权人批准。",
				TextEn: "The crisis office alone speaks for the group, promptly and accurately; statements need the approval of the chair or their delegate.",
				Audiences: []plan.AudiencePlan{
					{Audience: plan.Internal, Channels: []plan.Channel{plan.WeCom, plan.SMS, plan.Email, plan.Notice}, Owner: r.whole(crisisOff),
						Message: "发布预警和响应级别、停复工安排、人员安全注意事项", MessageEn: "Warnings and response levels, stop/resume arrangements, safety instructions"},
					{Audience: plan.Customers, Channels: []plan.Channel{plan.Phone, plan.SMS, plan.Email}, Owner: r.whole(serviceTeam),
						Message: "受影响订单、预计交付时间和补救措施；重点客户由客户经理电话通知", MessageEn: "Affected orders, expected delivery and remedies; key accounts called by their account manager"},
					{Audience: plan.Partners, Channels: []plan.Channel{plan.Phone, plan.Email}, Owner: r.whole(transport),
						Message: "与承运商、供应商协商调整运力和供货计划", MessageEn: "Agree changes of capacity and supply with carriers and suppliers"},
					{Audience: plan.Investors, Channels: []plan.Channel{plan.Email, plan.Website}, Owner: chair,
						Message: "重大事件影响经营时，向股东和贷款银行说明损失估计、应对措施和恢复预期", MessageEn: "When a major event affects the business, tell shareholders and lending banks the estimated loss, the response and the expected recovery"},
					{Audience: plan.Government, Channels: []plan.Channel{plan.Phone, plan.Letter}, Owner: r.seat(crisisOff, org.RoleLeader),
						Message: "按规定时限向应急管理、交通运输等主管部门报告", MessageEn: "Report to emergency-management and transport authorities within the legal deadlines"},
					{Audience: plan.Media, Channels: []plan.Channel{plan.Website, plan.WeChat, plan.Press}, Owner: r.seat(opinionTeam, org.RoleLeader),
						Message: "统一口径发布声明，回应关切，必要时召开新闻发布会", MessageEn: "One statement, answers to concerns, a press conference when needed"},
				},
			},
			Resources: plan.Resources{
				Text:   "应急物资由各场所行政人员管理，每季度检查一次，过期物资及时更换。应急资金由财务部按年度预算预留。",
				TextEn: "Site administrators keep the emergency supplies and check them quarterly; expired items are replaced. Finance sets aside an emergency fund in the annual budget.",
				Items: []plan.Resource{
					{Name: "防汛沙袋", NameEn: "Flood sandbags", Quantity: 2000, Unit: "袋", Location: "上海浦东枢纽仓", Owner: r.dept("SH-WH")},
					{Name: "移动排水泵", NameEn: "Portable drainage pumps", Quantity: 4, Unit: "台", Location: "上海浦东枢纽仓、杭州萧山分拨中心", Owner: r.dept("SH-WH")},
					{Name: "柴油发电机 200 kW", NameEn: "200 kW diesel generator", Quantity: 2, Unit: "台", Location: "嘉定数据中心", Owner: r.dept("XL-IT")},
					{Name: "急救箱", NameEn: "First-aid kits", Quantity: 60, Unit: "个", Location: "各场所", Owner: r.dept("XL-ADM")},
					{Name: "对讲机", NameEn: "Two-way radios", Quantity: 40, Unit: "部", Location: "各分拨中心", Owner: r.dept("XL-SEC")},
					{Name: "应急资金", NameEn: "Emergency fund", Quantity: 500, Unit: "万元", Owner: r.dept("XL-FIN")},
				},
			},
			Training: plan.Training{
				Text:   "危机管理办公室制定年度培训计划和演练计划，演练结束后进行总结评估，针对发现的问题修订预案。",
				TextEn: "The crisis office draws up the yearly training and drill programmes; every drill ends with an evaluation, and the findings revise the plan.",
				Drills: []plan.Drill{
					{Title: "综合应急预案桌面推演", TitleEn: "General plan tabletop exercise", Kind: plan.Tabletop, Frequency: plan.Yearly, Month: 3, Participants: "委员会、危机管理办公室、各专项小组组长"},
					{Title: "危机管理基础与预案解读培训", TitleEn: "Crisis management basics and plan briefing", Kind: plan.Course, Frequency: plan.Yearly, Month: 4, Participants: "全体员工"},
				},
			},
			Maintenance: plan.Section{
				Text:   "本预案由危机管理办公室负责解释和修订，每年至少评审一次；组织机构、重要业务、信息系统或设施发生重大变化，或演练、事件处置中发现问题时，及时修订。修订后的预案经委员会审批后发布实施。",
				TextEn: "The crisis office interprets and revises this plan and reviews it at least yearly, and revises it promptly after major changes of organisation, important business, systems or facilities, or when drills or incidents show problems. Revisions come into force once the committee approves them.",
			},
		},
	}
}

// specialPlan is the special plan for business disruptions: the special
// events of seed 002's manufacturer, as they happen to a logistics group.
func (r *planRefs) specialPlan() plan.Version {
	return plan.Version{
		Title:      "业务中断专项应急预案",
		TitleEn:    "Special emergency plan for business disruptions",
		ChangeNote: "首版：涵盖自然灾害、火灾和危化品、公用事业中断、人员短缺、关键设备故障、运输货损、物料燃油短缺、重大客户投诉和信息系统故障九类特别事件。",
		Content: plan.Content{
			Purpose: plan.Section{
				Text:   "为保证在地震、台风、洪水、火灾、危险化学品泄漏、公用事业供应中断、人员短缺、关键设备故障、运输货损、物料与燃油短缺、重大客户投诉和信息系统故障等特别事件下仍能满足客户的交付需求，制定本预案。",
				TextEn: "Keeps deliveries to customers going through earthquakes, typhoons, floods, fires, hazardous-material leaks, utility outages, staff shortages, key equipment failures, transit damage, material and fuel shortages, major complaints and IT failures.",
			},
			Organisation: plan.Organisation{
				Text:   "总经理负责组织实施本预案，不在时由分管运营副总经理代行；现场应急指挥小组负责清理现场、评估损失、协调恢复；各部门按各情景的分工执行。",
				TextEn: "The general manager runs this plan, the deputy GM for operations in their absence; the on-site command group clears the site, assesses losses and coordinates recovery; departments act as each playbook assigns.",
				Teams: []plan.TeamDuty{
					{TeamID: r.team[onsite], TeamRole: org.RoleLeader, Duties: "现场总指挥", DutiesEn: "Commander on site"},
					{TeamID: r.team[transport], Duties: "运力与线路保障", DutiesEn: "Capacity and routes"},
					{TeamID: r.team[serviceTeam], Duties: "受影响订单的客户沟通", DutiesEn: "Customer communication on affected orders"},
				},
			},
			Risks: plan.RiskSummary{
				Text: "本预案对应的风险见风险登记册。", TextEn: "The risks this plan answers are in the risk register.",
				RiskIDs: r.risks("R-001", "R-002", "R-004", "R-005", "R-008", "R-012", "R-011", "R-016", "R-017", "R-018", "R-020", "R-021",
					"R-022", "R-023", "R-024", "R-025", "R-027", "R-038", "R-039", "R-041"),
			},
			Scenarios: plan.Section{
				Text:   "以下情景处置流程中的时限自预案启动时起算。任何特别事件处置结束后，由责任部门组织总结，将结果及改进措施报总经理；需要时通知危机管理办公室修订本预案。",
				TextEn: "Time limits run from activation. After any special event the responsible department reviews it and reports the results and improvements to the general manager, and asks the crisis office to revise this plan where needed.",
			},
			Playbooks: []plan.Playbook{
				r.naturalDisaster(), r.fireHazmat(), r.utilityOutage(), r.labourShortage(), r.equipmentFailure(),
				r.transitDamage(), r.materialShortage(), r.majorComplaint(), r.itFailure(),
			},
			Training: plan.Training{
				Drills: []plan.Drill{
					{Title: "消防演习（含危化品泄漏）", TitleEn: "Fire drill including a chemical leak", Kind: plan.FullScale, Frequency: plan.Yearly, Month: 11,
						Participants: "各仓库和分拨中心全体员工", Playbook: "fire-hazmat"},
					{Title: "台风防汛演练", TitleEn: "Typhoon and flood drill", Kind: plan.Functional, Frequency: plan.Yearly, Month: 6,
						Participants: "上海、杭州枢纽及运输保障专项小组", Playbook: "natural-disaster"},
					{Title: "WMS 宕机切换桌面推演", TitleEn: "WMS outage tabletop", Kind: plan.Tabletop, Frequency: plan.HalfYearly,
						Participants: "信息安全专项小组、仓储运营部", Playbook: "it-failure"},
					{Title: "停电与备用发电机切换演练", TitleEn: "Power cut and generator switch-over drill", Kind: plan.Functional, Frequency: plan.Quarterly,
						Participants: "嘉定数据中心、各分拨中心行政人员", Playbook: "utility-outage"},
				},
			},
			Maintenance: plan.Section{
				Text:   "采购部每年复核关键物料的备用供应商（每种至少两家）；信息技术部每月检查备份；本预案每年评审一次。",
				TextEn: "Procurement re-checks the backup suppliers of key materials yearly (at least two for each); IT checks backups monthly; this plan is reviewed yearly.",
			},
		},
	}
}

func (r *planRefs) gm() plan.Activation {
	return plan.Activation{Authority: r.who("XL0002"), Deputy: r.seat(onsite, org.RoleLeader),
		Note: "总经理不在时由现场应急指挥小组组长（分管运营副总经理）代行", NoteEn: "When the GM is away the leader of the on-site command group (deputy GM for operations) acts"}
}

func (r *planRefs) naturalDisaster() plan.Playbook {
	cmd := r.seat(onsite, org.RoleLeader)
	return plan.Playbook{
		Key: "natural-disaster", Title: "地震、台风、洪水、泥石流", TitleEn: "Earthquake, typhoon, flood and landslide",
		Text:   "华东枢纽每年 7—9 月受台风和强降雨影响，成都双流分拨中心位于地震活跃区。此类灾害一旦发生，枢纽可能停运、干线中断。",
		TextEn: "The East China hubs face typhoons and heavy rain every July to September; the Chengdu sorting centre lies in an earthquake zone. Hubs may stop and trunk routes close.",
		Triggers: []plan.Trigger{
			{Kind: plan.OnWarning, IncidentType: risk.NaturalDisaster, WarningLevel: 2, Note: "台风、暴雨橙色及以上预警", NoteEn: "Orange or red typhoon or rainstorm warning"},
			{Kind: plan.OnIncident, IncidentType: risk.NaturalDisaster, Severity: 3, Note: "灾害造成场所受损或停运", NoteEn: "A site damaged or stopped by a disaster"},
			{Kind: plan.OnCondition, Metric: "rainfall_3h", Operator: plan.GTE, Value: 50, Unit: "mm", Note: "3 小时降雨量达 50 毫米（橙色暴雨标准）", NoteEn: "50 mm of rain in 3 h (orange rainstorm level)"},
		},
		Activation: r.gm(),
		Tasks: []plan.Task{
			detailed(task(1, 30, r.whole(crisisOff), "接到政府通知或预警信号后报告总经理，并通过电话、短信、企业微信、公告通知所有部门", "Report government notices or warning signals to the GM and inform all departments by phone, SMS, WeCom and notices"),
				"需要停止或调整作业的，第一时间报告。突发来袭时由第一发现人通知部门负责人，部门负责人通知分公司负责人和总经理。", "Report at once when work must stop or change. In a sudden event the first person on the scene tells their head of department, who tells the branch head and the GM."),
			task(1, 60, cmd, "成立现场应急指挥小组，各部门负责人随时待命", "Form the on-site command group; heads of department on standby"),
			task(2, 60, r.dept("XL-ADM"), "疏散人员、清点人数，必要时联系政府、消防或医院搜救受伤和被困人员", "Evacuate, count people, call government, fire brigade or hospital to rescue the injured and trapped"),
			task(2, 120, r.dept("SH-WH"), "转移低层货物至高位货架，封堵月台挡水板，启动排水泵", "Move goods off low racks, close the dock flood barriers, start the pumps"),
			task(2, 120, r.whole(serviceTeam), "联络客户，告知灾害信息、对交付的影响和预计恢复交付日期", "Tell customers about the disaster, its effect on deliveries and the expected date deliveries resume"),
			task(2, 180, r.whole(transport), "调整干线路线，启用备用承运商，暂停受影响区域的揽收", "Reroute trunk lines, engage backup carriers, pause pick-ups in the affected area"),
			task(3, 1440, cmd, "评估灾后现场，制订预防和纠正措施报总经理核准", "Assess the site after the disaster; propose preventive and corrective actions to the GM"),
			task(3, 1440, r.dept("XL-WH"), "清理受灾现场，整理设备、货架与工具，检验受影响货物并申请报废", "Clear the site, sort equipment, racks and tools, inspect affected goods and apply for write-off"),
			task(3, 1440, r.dept("XL-OPS"), "检修分拣设备、电气线路，申请配件并督促采购部采购", "Repair sorting equipment and wiring, request spare parts and chase procurement"),
			task(4, 2880, r.dept("XL-HR"), "通知员工返岗，尽快恢复作业和对客户供货", "Call staff back and resume work and deliveries as fast as possible"),
			task(5, 10080, r.dept("XL-OPS"), "组织事件总结，将结果和改进措施报总经理", "Review the event; report results and improvements to the GM"),
		},
		Resources: []plan.Resource{
			{Name: "防汛沙袋", NameEn: "Sandbags", Quantity: 2000, Unit: "袋", Location: "上海浦东枢纽仓", Owner: r.dept("SH-WH")},
			{Name: "移动排水泵", NameEn: "Portable pumps", Quantity: 4, Unit: "台", Location: "上海、杭州枢纽", Owner: r.dept("SH-WH")},
			{Name: "溢出仓储（嘉兴仓）", NameEn: "Overflow storage (Jiaxing warehouse)", Quantity: 5000, Unit: "m²", Location: "嘉兴", Owner: r.dept("XL-PUR")},
		},
		Communications: []plan.Message{
			msg(plan.Internal, "zh-CN", plan.WeCom, r.whole(crisisOff), 30, "【{level}预警】{hazard}", "各部门：气象部门已发布{hazard}{level}预警，{site}自{time}起暂停户外作业，低层货物转移至高位货架，请各部门负责人在岗待命。"),
			msg(plan.Internal, "en", plan.Email, r.whole(crisisOff), 30, "[{level} warning] {hazard}", "All departments: a {level} {hazard} warning is in force. Outdoor work at {site} stops from {time}; move goods off low racks; heads of department stay on call."),
			msg(plan.Customers, "zh-CN", plan.SMS, r.whole(serviceTeam), 120, "", "尊敬的客户：受{hazard}影响，{site}暂停作业，您的订单预计延迟至{eta}送达。我们将持续通报进展，给您带来不便敬请谅解。"),
			msg(plan.Customers, "en", plan.Email, r.whole(serviceTeam), 120, "Delivery delay: {hazard}", "Dear customer, {hazard} has stopped operations at {site}. We expect to deliver your orders by {eta} and will keep you informed. We apologise for the inconvenience."),
		},
		Recovery: []plan.RecoveryTarget{
			r.target("BP-04", "出库发运", "Warehouse dispatch", 1440, minutes(60), "限时达订单优先", "Time-definite orders first"),
			r.target("BP-05", "干线运输", "Line-haul transport", 2880, nil, "主干线路 60% 运力", "60% capacity on trunk routes"),
		},
	}
}

func (r *planRefs) fireHazmat() plan.Playbook {
	return plan.Playbook{
		Key: "fire-hazmat", Title: "火灾和危险化学品泄漏", TitleEn: "Fire and hazardous chemicals",
		Text:   "火灾、危险化学品泄漏等非预见性事件可能造成重大伤亡并使作业无法进行。以预防为主：每年由行政部组织消防演习，内容包括火灾和化学品泄漏；每个楼层张贴逃生路线图，设置消防应急灯、安全出口指示牌和地面逃生方向箭头。",
		TextEn: "Fires and chemical leaks can cause heavy casualties and stop work. Prevention comes first: Administration holds a fire drill every year covering fire and chemical leaks; every floor has escape maps, emergency lights, exit signs and floor arrows.",
		Triggers: []plan.Trigger{
			{Kind: plan.OnIncident, IncidentType: risk.SafetyAccident, Severity: 4, Note: "任何场所发生火情或危化品泄漏", NoteEn: "Any fire or chemical leak at a site"},
		},
		Activation: plan.Activation{Authority: r.seat(safetyTeam, org.RoleLeader), Deputy: r.seat(safetyTeam, org.RoleDeputyLeader),
			Note: "第一发现人立即报警并通知部门负责人，无需等待启动", NoteEn: "The first person on the scene raises the alarm and tells their head of department without waiting for activation"},
		Tasks: []plan.Task{
			task(1, 5, label("第一发现人", "first person on the scene"), "拨打 119 报警，按下手动报警按钮，通知本部门负责人", "Call 119, press the alarm, tell the head of department"),
			task(1, 10, r.seat(safetyTeam, org.RoleDeputyLeader), "组织初期扑救，切断电源，危化品泄漏时划定警戒区", "Fight the fire in its early stage, cut power, cordon off a chemical leak"),
			task(2, 15, r.dept("XL-ADM"), "按逃生路线疏散人员，在集合点清点人数", "Evacuate along the escape routes and count people at the assembly point"),
			task(2, 15, label("部门负责人", "head of department"), "通知分公司负责人和总经理，按自然灾害流程成立现场应急指挥小组", "Tell the branch head and the GM; form the on-site command group as for natural disasters"),
			task(3, 60, r.whole(onsite), "协调调用内外部资源，配合消防救援，保护未受损货物", "Pool internal and outside resources, support the fire brigade, protect undamaged goods"),
			task(4, 240, r.whole(serviceTeam), "事件影响客户品质、交期或数量时知会客户，取得客户批准与指示", "When quality, delivery dates or quantities are affected, inform customers and get their approval and instructions"),
			task(5, 4320, r.whole(safetyTeam), "调查起火原因，向总经理提交报告和整改措施", "Investigate the cause; report with corrective actions to the GM"),
		},
		Resources: []plan.Resource{
			{Name: "干粉灭火器", NameEn: "Dry-powder extinguishers", Quantity: 300, Unit: "具", Location: "各仓库", Owner: r.dept("XL-SEC")},
			{Name: "化学品泄漏应急处置箱", NameEn: "Chemical spill kits", Quantity: 12, Unit: "套", Location: "危险品暂存区", Owner: r.dept("WHC-SEC")},
		},
		Communications: []plan.Message{
			msg(plan.Government, "zh-CN", plan.Phone, r.seat(crisisOff, org.RoleLeader), 60, "", "{site}于{time}发生火情，现场已疏散{people}人，伤亡情况：{casualties}，已采取措施：{measures}。"),
			msg(plan.Media, "zh-CN", plan.WeChat, r.seat(opinionTeam, org.RoleLeader), 240, "关于{site}火情的情况说明", "{time}，我司{site}发生火情，现场人员已全部安全撤离，消防部门已控制火势。事故原因正在调查，我们将及时公布进展。"),
			msg(plan.Media, "en", plan.Website, r.seat(opinionTeam, org.RoleLeader), 240, "Statement on the fire at {site}", "At {time} a fire broke out at our {site}. Everyone on site was evacuated safely and the fire brigade has the fire under control. The cause is under investigation; we will publish updates."),
		},
		Recovery: []plan.RecoveryTarget{r.target("BP-03", "仓内拣货", "Warehouse picking", 2880, minutes(60), "由昆山仓储园区承接", "Taken over by the Kunshan park")},
	}
}

func (r *planRefs) utilityOutage() plan.Playbook {
	return plan.Playbook{
		Key: "utility-outage", Title: "公用事业供应中断（水、电、气）", TitleEn: "Utility outage (power, water, gas)",
		Text:   "行政部负责水、电、气的日常管理和维护，对各关键点有效管理。分拨中心停电将使分拣线、冷库和信息系统停止运行。",
		TextEn: "Administration maintains power, water and gas and watches every critical point. A power cut stops the sorters, the cold store and IT systems.",
		Triggers: []plan.Trigger{
			{Kind: plan.OnCondition, Metric: "power_supply", Operator: plan.EQ, Value: 0, Duration: 480, Note: "停电超过 8 小时", NoteEn: "Power out for more than 8 h"},
			{Kind: plan.OnCondition, Metric: "water_supply", Operator: plan.EQ, Value: 0, Duration: 480, Note: "停水超过 8 小时", NoteEn: "Water out for more than 8 h"},
			{Kind: plan.OnCondition, Metric: "repair_estimate", Operator: plan.GT, Value: 8, Unit: "h", Note: "修理预计超过 8 小时并影响交货", NoteEn: "Repair expected to take over 8 h and affect deliveries"},
		},
		Activation: plan.Activation{Authority: r.seat(crisisOff, org.RoleLeader), Deputy: r.seat(crisisOff, org.RoleDeputyLeader)},
		Tasks: []plan.Task{
			task(1, 15, label("各部门负责人", "heads of department"), "发现水、电、气中断立即联络行政部", "Report the outage to Administration at once"),
			task(2, 30, r.dept("XL-ADM"), "确认中断范围，联系供电、供水公司，判断修理时间", "Confirm the extent, call the utility, estimate the repair time"),
			task(2, 30, r.dept("XL-IT"), "数据中心切换 UPS 和柴油发电机供电", "Switch the data centre to UPS and diesel generators"),
			task(3, 60, label("相关部门负责人", "heads of the departments affected"), "修理需 8 小时以上且影响交货时，立即通知客服部", "If repair takes 8 h or more and affects deliveries, tell customer service at once"),
			task(4, 120, r.whole(serviceTeam), "联络客户协商对应办法（改期、分批或转仓发货）", "Agree with customers what to do (new date, split delivery, ship from another warehouse)"),
			task(4, 240, r.whole(transport), "将受影响订单转至邻近分拨中心处理", "Move affected orders to a neighbouring sorting centre"),
		},
		Resources: []plan.Resource{
			{Name: "柴油发电机 200 kW", NameEn: "200 kW diesel generator", Quantity: 2, Unit: "台", Location: "嘉定数据中心", Owner: r.dept("XL-IT")},
			{Name: "柴油储备", NameEn: "Diesel reserve", Quantity: 2000, Unit: "L", Location: "嘉定数据中心", Owner: r.dept("XL-ADM")},
		},
		Communications: []plan.Message{
			msg(plan.Customers, "zh-CN", plan.SMS, r.whole(serviceTeam), 120, "", "尊敬的客户：因{site}停电，预计{eta}恢复，您的订单将改由{alternative}发出或延迟至{eta}送达。"),
			msg(plan.Customers, "en", plan.Email, r.whole(serviceTeam), 120, "Power cut at {site}", "Dear customer, a power cut at {site} is expected to last until {eta}. Your orders will ship from {alternative} or arrive by {eta}."),
			msg(plan.Partners, "zh-CN", plan.Phone, r.dept("XL-ADM"), 30, "", "{site}自{time}停电，请告知预计恢复时间并优先抢修。"),
		},
		Recovery: []plan.RecoveryTarget{
			r.target("BP-04", "出库发运", "Warehouse dispatch", 480, minutes(60), "", ""),
			r.target("BP-10", "冷链温控监测", "Cold-chain monitoring", 30, minutes(5), "冷库温度不超出 2—8 ℃", "Cold store kept at 2–8 °C"),
		},
	}
}

func (r *planRefs) labourShortage() plan.Playbook {
	return plan.Playbook{
		Key: "labour-shortage", Title: "人员短缺", TitleEn: "Labour shortage",
		Text:   "人员短缺指现有人员不能满足正常作业需要，常见于春节前后和“双 11”等旺季的司机和分拣工短缺。",
		TextEn: "Too few people for normal operations, typically drivers and sorters around Spring Festival and in peak seasons such as Double 11.",
		Triggers: []plan.Trigger{
			{Kind: plan.OnCondition, Metric: "staffing_rate", Operator: plan.LT, Value: 85, Unit: "%", Duration: 1440, Note: "到岗率连续 24 小时低于 85%", NoteEn: "Attendance below 85% for 24 h"},
		},
		Activation: plan.Activation{Authority: r.seat(committee, org.RoleDeputyLeader), Deputy: r.seat(onsite, org.RoleLeader)},
		Tasks: []plan.Task{
			task(1, 480, label("相关部门负责人", "heads of the departments affected"), "依据《人力资源管理程序》提出用人申请，部门主管确认", "Request staff under the HR procedure; the department head confirms"),
			task(2, 1440, r.who("XL0002"), "总经理核准用人申请", "The GM approves the request"),
			task(3, 4320, r.dept("XL-HR"), "招聘临时分拣工和外协司机", "Recruit temporary sorters and contract drivers"),
			task(3, 1440, r.dept("XL-OPS"), "招聘无法满足时在部门间调剂人员，现场培训后从事打包、装箱等简单工作", "If recruiting falls short, move staff between departments, train them on site for packing and loading"),
			task(4, 2880, r.whole(serviceTeam), "仍不能满足时联系客户，经客户同意后外包部分业务或更改交期", "If still short, ask customers' consent to outsource part of the work or change delivery dates"),
			task(4, 2880, r.dept("XL-PUR"), "委托合作承运商和外包仓承接业务；客户要求资料时要求外包方提供", "Hand work to partner carriers and outsourced warehouses; get their records when customers ask"),
		},
		Communications: []plan.Message{
			msg(plan.Customers, "zh-CN", plan.Phone, r.seat(serviceTeam, org.RoleDeputyLeader), 2880, "", "因旺季人员紧张，贵司{orders}订单拟由合作伙伴{partner}承运（或延期至{eta}），请确认是否同意。"),
			msg(plan.Customers, "en", plan.Email, r.seat(serviceTeam, org.RoleDeputyLeader), 2880, "Request for consent: {orders}", "Due to peak-season staffing we propose that {partner} carries your orders {orders} (or that delivery moves to {eta}). Please confirm whether you agree."),
		},
		Recovery: []plan.RecoveryTarget{r.target("BP-03", "仓内拣货", "Warehouse picking", 2880, nil, "旺季产能 80%", "80% of peak capacity")},
	}
}

func (r *planRefs) equipmentFailure() plan.Playbook {
	return plan.Playbook{
		Key: "equipment-failure", Title: "关键设备故障", TitleEn: "Key equipment failure",
		Text:   "关键设备故障指交叉带分拣机、冷库机组、叉车等严重损坏，无法短时间内修复的情况。",
		TextEn: "Cross-belt sorters, cold-store units, forklifts and the like badly damaged and not repairable in a short time.",
		Triggers: []plan.Trigger{
			{Kind: plan.OnCondition, Metric: "sorter_down", Operator: plan.EQ, Value: 1, Duration: 240, Note: "分拣线停机超过 4 小时", NoteEn: "Sorter down for more than 4 h"},
		},
		Activation: plan.Activation{Authority: r.seat(onsite, org.RoleLeader), Deputy: r.seat(onsite, org.RoleDeputyLeader)},
		Tasks: []plan.Task{
			task(1, 30, label("发现人员", "whoever finds it"), "发现设备严重损坏立即向上级汇报", "Report serious damage to the supervisor at once"),
			task(2, 60, r.dept("XL-OPS"), "联络设备厂商维修；能由其他设备替代的，由部门经理协调替代作业", "Call the manufacturer; where other equipment can do the work, the manager arranges it"),
			task(2, 240, r.dept("XL-PUR"), "无库存备件时紧急采购，联系供应商提供现场维修服务", "Buy missing spare parts urgently; get the supplier's field service"),
			task(3, 480, r.dept("XL-PUR"), "影响订单交期且为单一设备时，立即启用外协分拣或转仓处理", "If deliveries are at risk and it is the only machine, use outsourced sorting or another warehouse at once"),
			task(3, 480, r.whole(serviceTeam), "通知受影响客户预计发货时间", "Tell affected customers the expected dispatch time"),
		},
		Resources: []plan.Resource{
			{Name: "分拣机关键备件（小车、驱动板）", NameEn: "Sorter spares (carriers, drive boards)", Quantity: 20, Unit: "套", Location: "上海浦东枢纽仓", Owner: r.dept("SH-OPS")},
		},
		Communications: []plan.Message{
			msg(plan.Customers, "zh-CN", plan.SMS, r.whole(serviceTeam), 480, "", "尊敬的客户：{site}分拣设备故障，您的订单预计于{eta}发出。"),
			msg(plan.Customers, "en", plan.Email, r.whole(serviceTeam), 480, "Dispatch delay at {site}", "Dear customer, a sorting equipment failure at {site} delays dispatch; your orders are expected to ship at {eta}."),
		},
		Recovery: []plan.RecoveryTarget{r.target("BP-03", "仓内拣货", "Warehouse picking", 720, nil, "人工分拣，产能 40%", "Manual sorting at 40% capacity")},
	}
}

func (r *planRefs) transitDamage() plan.Playbook {
	return plan.Playbook{
		Key: "transit-damage", Title: "运输交付过程货损", TitleEn: "Damage in transit",
		Text:   "货物在运输过程中出现碰撞、跌落、淋雨、翻车等状况。",
		TextEn: "Goods hit, dropped, soaked or overturned in transit.",
		Triggers: []plan.Trigger{
			{Kind: plan.OnCondition, Metric: "transit_damage_reports", Operator: plan.GTE, Value: 1, Note: "司机或收货方报告货损", NoteEn: "A driver or consignee reports damage"},
			{Kind: plan.OnIncident, IncidentType: risk.SafetyAccident, Severity: 4, Note: "运输车辆事故", NoteEn: "A vehicle accident"},
		},
		Activation: plan.Activation{Authority: r.seat(transport, org.RoleLeader), Deputy: r.seat(transport, org.RoleDeputyLeader)},
		Tasks: []plan.Task{
			task(1, 60, label("押运司机", "driver"), "报告调度并拍照留证，车辆事故时先报警并救助伤员", "Report to dispatch with photos; in an accident call the police and help the injured first"),
			task(2, 240, r.seat(transport, org.RoleDeputyLeader), "将受损货物运回，通知客服部和仓储部", "Bring the goods back; inform customer service and warehousing"),
			task(3, 480, r.dept("XL-WH"), "再次检查货物，确认无问题后方可交付客户", "Re-inspect; deliver only goods found sound"),
			task(3, 480, r.whole(serviceTeam), "与客户沟通交期与数量，确保交付正常与客户满意", "Agree dates and quantities with the customer"),
		},
		Communications: []plan.Message{
			msg(plan.Customers, "zh-CN", plan.Phone, r.whole(serviceTeam), 480, "", "您的货物{waybill}在运输途中受损，我们已安排复检，合格货物将于{eta}送达，其余将于{eta2}补发。"),
			msg(plan.Customers, "en", plan.Email, r.whole(serviceTeam), 480, "Shipment {waybill} damaged in transit", "Your shipment {waybill} was damaged in transit. Sound goods will arrive by {eta}; replacements follow by {eta2}."),
		},
		Recovery: []plan.RecoveryTarget{r.target("BP-06", "末端配送", "Last-mile delivery", 1440, nil, "", "")},
	}
}

func (r *planRefs) materialShortage() plan.Playbook {
	return plan.Playbook{
		Key: "material-shortage", Title: "燃油与物料短缺", TitleEn: "Fuel and material shortage",
		Text:   "物料短缺指无预警情况下供应商的燃油、包装耗材等不能及时到达而使作业无法正常进行。采购部为关键物料寻找两家或以上供应商作为备用供应商。",
		TextEn: "Fuel or packaging does not arrive without warning and work cannot go on. Procurement keeps two or more suppliers for every key material.",
		Triggers: []plan.Trigger{
			{Kind: plan.OnCondition, Metric: "fuel_stock_days", Operator: plan.LT, Value: 3, Unit: "d", Note: "燃油库存低于 3 天用量", NoteEn: "Fuel stock below 3 days of use"},
			{Kind: plan.OnCondition, Metric: "packaging_stock_days", Operator: plan.LT, Value: 5, Unit: "d", Note: "包装耗材库存低于 5 天用量", NoteEn: "Packaging stock below 5 days of use"},
		},
		Activation: plan.Activation{Authority: r.who("XL1201"), Deputy: r.who("XL1202")},
		Tasks: []plan.Task{
			task(1, 240, r.dept("XL-PUR"), "确认供应中断原因和持续时间", "Confirm why supply stopped and for how long"),
			task(2, 480, r.dept("XL-PUR"), "启用备用供应商，确保供应及时", "Switch to the backup suppliers"),
			task(2, 480, r.whole(transport), "优先保障干线车辆加油，调整非紧急线路", "Fuel trunk vehicles first; defer non-urgent routes"),
			task(3, 1440, r.dept("XL-FIN"), "审批应急采购资金", "Approve emergency purchasing funds"),
		},
		Resources: []plan.Resource{
			{Name: "备用燃油供应商", NameEn: "Backup fuel suppliers", Quantity: 2, Unit: "家", Owner: r.dept("XL-PUR")},
			{Name: "备用包装耗材供应商", NameEn: "Backup packaging suppliers", Quantity: 2, Unit: "家", Owner: r.dept("XL-PUR")},
		},
		Communications: []plan.Message{
			msg(plan.Partners, "zh-CN", plan.Phone, r.dept("XL-PUR"), 480, "", "因主供应商供货中断，现启用贵司备用供货协议，请于{time}前送达{quantity}至{site}。"),
			msg(plan.Partners, "en", plan.Email, r.dept("XL-PUR"), 480, "Backup supply order", "Our main supplier has stopped deliveries. Under our backup agreement please deliver {quantity} to {site} by {time}."),
		},
		Recovery: []plan.RecoveryTarget{r.target("BP-05", "干线运输", "Line-haul transport", 1440, nil, "", "")},
	}
}

func (r *planRefs) majorComplaint() plan.Playbook {
	return plan.Playbook{
		Key: "major-complaint", Title: "重大客户投诉或退货", TitleEn: "Major customer complaint or return",
		Text:   "重大客户投诉指给客户造成停线、金额损失 1 万元以上或需到客户处返工的投诉。",
		TextEn: "A complaint where the customer's line stopped, the loss is ¥10,000 or more, or rework at the customer's site is needed.",
		Triggers: []plan.Trigger{
			{Kind: plan.OnCondition, Metric: "complaint_loss", Operator: plan.GTE, Value: 10000, Unit: "CNY", Note: "客户损失 1 万元以上", NoteEn: "Customer loss of ¥10,000 or more"},
			{Kind: plan.OnCondition, Metric: "customer_line_stopped", Operator: plan.EQ, Value: 1, Note: "造成客户停线", NoteEn: "The customer's line stopped"},
			{Kind: plan.OnIncident, IncidentType: risk.CustomerComplaint, Severity: 3},
		},
		Activation: plan.Activation{Authority: r.seat(serviceTeam, org.RoleLeader), Deputy: r.seat(serviceTeam, org.RoleDeputyLeader)},
		Tasks: []plan.Task{
			task(1, 60, r.seat(serviceTeam, org.RoleDeputyLeader), "立即与客户沟通，受理投诉并致歉", "Call the customer, take the complaint, apologise"),
			task(2, 240, r.whole(serviceTeam), "与客户协商一致，尽快安排补货或派人到客户处选别", "Agree with the customer: replacement goods or sorting at their site"),
			task(2, 480, r.dept("XL-OPS"), "调查原因并与客户沟通其他方面的要求", "Investigate the cause and discuss the customer's other requests"),
			task(3, 1440, r.dept("XL-LEG"), "评估索赔责任并审核赔付方案", "Assess liability and review the settlement"),
			task(4, 4320, r.whole(serviceTeam), "回访客户，制定整改措施", "Follow up with the customer; set corrective actions"),
		},
		Communications: []plan.Message{
			msg(plan.Customers, "zh-CN", plan.Phone, r.seat(serviceTeam, org.RoleLeader), 60, "", "{customer}您好，关于{issue}我们深表歉意，已安排{remedy}，将于{eta}前完成，并由专人跟进。"),
			msg(plan.Customers, "en", plan.Email, r.seat(serviceTeam, org.RoleLeader), 60, "About {issue}", "Dear {customer}, we are sorry about {issue}. We have arranged {remedy}, to be completed by {eta}, and {owner} follows it up personally."),
			msg(plan.Media, "zh-CN", plan.WeChat, r.seat(opinionTeam, org.RoleLeader), 480, "", "针对网传{issue}，我司高度重视，已与客户沟通并安排处理，后续进展将及时公布。"),
		},
		Recovery: []plan.RecoveryTarget{r.target("BP-07", "客服热线", "Customer service hotline", 60, minutes(0), "", "")},
	}
}

func (r *planRefs) itFailure() plan.Playbook {
	return plan.Playbook{
		Key: "it-failure", Title: "信息系统故障", TitleEn: "IT system failure",
		Text:   "信息系统故障指电话、网络连接不上，WMS、TMS、OMS 等应用软件和数据损坏或丢失，电脑系统性中毒无法操作等。信息技术部负责日常管理和维护，由运维人员对线路、网络地址和服务器进行日常管理；重要电子记录和数据至少每月备份一次。",
		TextEn: "Phones or networks down, WMS, TMS, OMS or their data damaged or lost, widespread malware. IT maintains lines, addresses and servers; important records and data are backed up at least monthly.",
		Triggers: []plan.Trigger{
			{Kind: plan.OnIncident, IncidentType: risk.ITFailure, Severity: 4},
			{Kind: plan.OnIncident, IncidentType: risk.CyberSecurity, Severity: 3, Note: "勒索软件或大面积中毒", NoteEn: "Ransomware or widespread malware"},
			{Kind: plan.OnCondition, Metric: "system_outage", Operator: plan.EQ, Value: 1, Duration: 480, Note: "修复需 8 小时以上", NoteEn: "Repair needs more than 8 h"},
		},
		Activation: plan.Activation{Authority: r.seat(infoSec, org.RoleLeader), Deputy: r.seat(infoSec, org.RoleDeputyLeader)},
		Tasks: []plan.Task{
			task(1, 15, label("各部门责任人", "department contacts"), "立即向信息技术部报告故障现象", "Report the symptoms to IT at once"),
			task(2, 30, r.who("XL0603"), "确认故障范围；疑似攻击时隔离受影响网段", "Confirm the scope; isolate affected network segments if an attack is suspected"),
			task(2, 60, r.who("XL0605"), "核查最近一次有效备份，准备恢复", "Check the latest good backup and prepare the restore"),
			task(3, 120, r.whole(infoSec), "修理需 8 小时以上时通知各部门负责人和客服部，启用手工单据流程", "If repair needs 8 h or more, tell department heads and customer service; switch to paper forms"),
			task(4, 240, r.whole(serviceTeam), "通知客户并协商对应方法", "Inform customers and agree what to do"),
			task(5, 480, r.whole(infoSec), "按恢复顺序恢复系统和数据，核对数据完整性", "Restore systems and data in recovery order and check integrity"),
		},
		Resources: []plan.Resource{
			{Name: "异地备份（嘉定—杭州）", NameEn: "Off-site backup (Jiading–Hangzhou)", Location: "杭州萧山分拨中心机房", Owner: r.dept("XL-IT")},
			{Name: "手工收发货单据", NameEn: "Paper receiving and dispatch forms", Quantity: 5000, Unit: "份", Location: "各仓库", Owner: r.dept("XL-WH")},
		},
		Communications: []plan.Message{
			msg(plan.Internal, "zh-CN", plan.SMS, r.whole(infoSec), 60, "", "{system}故障，预计{eta}恢复。恢复前各仓库改用手工单据，请勿重复录入。"),
			msg(plan.Internal, "en", plan.Email, r.whole(infoSec), 60, "{system} outage", "{system} is down until about {eta}. Warehouses use paper forms meanwhile; do not key data twice."),
			msg(plan.Customers, "zh-CN", plan.SMS, r.whole(serviceTeam), 240, "", "尊敬的客户：因系统升级维护，订单查询暂不可用，预计{eta}恢复，您的货物正常运输中。"),
			msg(plan.Government, "zh-CN", plan.Letter, r.who("XL0902"), 4320, "个人信息安全事件报告", "按《个人信息保护法》要求，报告{time}发生的数据安全事件、涉及的个人信息种类和数量、已采取的补救措施。"),
		},
		Recovery: []plan.RecoveryTarget{
			r.target("BP-01", "订单受理", "Order intake", 120, minutes(15), "人工接单", "Manual order taking"),
			r.target("BP-12", "运输调度", "Transport dispatching", 240, minutes(30), "电话调度", "Dispatch by phone"),
			r.target("BP-08", "账单结算", "Billing and settlement", 2880, minutes(1440), "", ""),
		},
	}
}
