package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/continuo-bcm/continuo/internal/audit"
	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/clock"
	"github.com/continuo-bcm/continuo/internal/org"
	"github.com/continuo-bcm/continuo/internal/risk"
	"github.com/continuo-bcm/continuo/internal/risksurvey"
	"github.com/continuo-bcm/continuo/internal/tx"
)

// The demo's finished risk survey （风险排查）: launched by the crisis
// management office to four departments with the built-in department
// checklist about two and a half months ago, answered, reviewed (one
// answer returned once and corrected) and closed. The risks the
// departments reported went into the register, where the office then
// completed them with a code, an English title, an owner and a review
// date.

// surveyRisk is a risk a department reports: on a checklist question
// (Key) or added by itself (Key empty, with its category).
type surveyRisk struct {
	Key         string
	Category    risk.Category
	Title       string
	TitleEn     string
	Cause       string
	Consequence string
	Controls    string
	Likelihood  int
	Impact      int
	// Returned is the office's comment when the first answer came back.
	Returned string
	// Then, once accepted, the office completes the register entry.
	Code   string
	Owner  string // employee number
	Review int    // review in days from today
}

type surveyUnit struct {
	Unit     string // unit code
	Answerer string // who answers for the department
	Risks    []surveyRisk
}

var demoSurvey = []surveyUnit{
	{Unit: "SH-WH", Answerer: "方晓丽", Risks: []surveyRisk{
		{Key: "natural", Title: "浦东枢纽仓装卸平台暴雨积水", TitleEn: "Rainwater on the loading docks of the Pudong hub",
			Cause: "仓库地势低洼，装卸平台排水沟容量不足", Consequence: "暴雨时装卸暂停，货物受潮", Controls: "沙袋、两台移动排水泵",
			Likelihood: 3, Impact: 3, Code: "R-046", Owner: "SH0302", Review: 150},
		{Key: "safety", Title: "夜班叉车与行人混行", TitleEn: "Forklifts and pedestrians mixing on the night shift",
			Cause: "夜班分拣区未划分人车通道", Consequence: "人员伤亡", Controls: "叉车限速、反光背心",
			Likelihood: 3, Impact: 4, Returned: "请写明现有控制措施是否包括分区和照明。", Code: "R-047", Owner: "SH0301", Review: 90},
		{Key: "utilities", Title: "冷库备用发电机仅能支撑4小时", TitleEn: "Cold-store backup generator lasts only 4 hours",
			Cause: "柴油储备不足", Consequence: "长时间停电时冷链货物损毁", Controls: "一台备用发电机，储油 800 升",
			Likelihood: 2, Impact: 4, Code: "R-048", Owner: "SH0302", Review: 120},
	}},
	{Unit: "HZ-OPS", Answerer: "魏琳", Risks: []surveyRisk{
		{Key: "supply", Title: "旺季外包运力依赖单一承运商", TitleEn: "Peak-season capacity depends on one carrier",
			Cause: "外包干线运力 70% 来自一家承运商", Consequence: "承运商违约时大面积延误", Controls: "框架合同含违约条款",
			Likelihood: 3, Impact: 3, Code: "R-049", Owner: "HZ0101", Review: 60},
		{Key: "complaint", Title: "大促期间时效延误集中投诉", TitleEn: "Complaints about delays during sales promotions",
			Cause: "分拨中心处理能力不足", Consequence: "重点客户投诉、赔付", Controls: "临时增派人员、客服统一答复口径",
			Likelihood: 4, Impact: 2, Code: "R-050", Owner: "HZ0102", Review: 45},
	}},
	{Unit: "XL-IT", Answerer: "曹磊", Risks: []surveyRisk{
		{Key: "cyber", Title: "供应商远程运维账号未启用多因素认证", TitleEn: "Vendor remote-maintenance accounts without MFA",
			Cause: "WMS 供应商通过 VPN 远程运维，仅用口令", Consequence: "账号被盗用导致勒索软件入侵", Controls: "VPN 访问日志审计",
			Likelihood: 3, Impact: 5, Code: "R-051", Owner: "XL0602", Review: 30},
		{Key: "it", Title: "TMS 数据库备份未做恢复演练", TitleEn: "TMS database backups never restored in a test",
			Cause: "备份每日执行，但从未验证可恢复", Consequence: "故障时无法在恢复时间目标内恢复", Controls: "每日全量备份，异地保存",
			Likelihood: 2, Impact: 4, Code: "R-052", Owner: "XL0605", Review: 60},
		{Category: risk.Utilities, Title: "嘉定数据中心精密空调单台运行", TitleEn: "Single precision air conditioner at the Jiading data centre",
			Cause: "备用空调故障待修", Consequence: "机房过热导致服务器停机", Controls: "温度告警、临时风扇",
			Likelihood: 2, Impact: 4, Code: "R-053", Owner: "XL0606", Review: 20},
	}},
	{Unit: "CD-TRN", Answerer: "邹强", Risks: []surveyRisk{
		{Key: "natural", Title: "汛期山区线路塌方中断", TitleEn: "Landslides cutting mountain routes in the rainy season",
			Cause: "成都至阿坝线路汛期易发塌方", Consequence: "线路中断、车辆滞留", Controls: "关注气象预警，备选绕行线路",
			Likelihood: 2, Impact: 4, Code: "R-054", Owner: "CD0201", Review: 100},
		{Key: "personnel", Title: "春节前后司机返乡导致运力短缺", TitleEn: "Drivers going home around Spring Festival",
			Cause: "外地司机占比高", Consequence: "节后一周运力下降三成", Controls: "节前加班补贴，临时租车",
			Likelihood: 4, Impact: 3, Code: "R-055", Owner: "CD0202", Review: 75},
	}},
}

// surveyStore is what the survey is kept in: the database that runs the
// demo's transaction.
type surveyStore interface {
	risksurvey.Store
	risk.Store
	audit.Store
}

// loadSurvey runs the demo survey from launch to close, on a clock that
// starts 75 days ago, inside the demo's transaction.
func loadSurvey(ctx context.Context, orgSvc *org.Service, t tx.Runner) error {
	st, ok := t.(surveyStore)
	if !ok {
		return fmt.Errorf("demo: the risk survey needs the database, not a %T", t)
	}
	return storeSurvey(ctx, st, t, orgSvc, clock.Real{}.Now())
}

func storeSurvey(ctx context.Context, st surveyStore, t tx.Runner, orgSvc *org.Service, now time.Time) error {
	start := now.AddDate(0, 0, -75).Truncate(24 * time.Hour).Add(9 * time.Hour)
	clk := clock.NewFake(start)
	log := audit.NewLog(st, t, clk)
	risks := risk.NewService(st, t, log, clk)
	surveys := risksurvey.NewService(st, t, log, clk, risks)

	units, err := orgSvc.Units(ctx)
	if err != nil {
		return err
	}
	unitID := map[string]int64{}
	var root org.Unit
	for _, u := range units {
		unitID[u.Code] = u.ID
		if u.ParentID == nil {
			root = u
		}
	}
	people, _, err := orgSvc.People(ctx, org.PeopleFilter{Limit: 500})
	if err != nil {
		return err
	}
	personID := map[string]int64{}
	for _, p := range people {
		personID[p.EmployeeNo] = p.ID
	}
	office := authz.WithPrincipal(ctx, authz.Principal{Name: "刘晓梅",
		Grants: []authz.Grant{{Role: authz.BCMManager, UnitID: root.ID, UnitPath: root.Path}}})
	templates, err := surveys.Templates(office)
	if err != nil {
		return err
	}
	var tpl risksurvey.Template
	for _, x := range templates {
		if x.Code == "department" {
			tpl = x
		}
	}
	if tpl.ID == 0 {
		return fmt.Errorf("demo: the built-in department checklist is missing")
	}
	launch := risksurvey.Launch{Title: fmt.Sprintf("%d年第%d季度部门风险排查", start.Year(), (int(start.Month())-1)/3+1),
		TitleEn:     fmt.Sprintf("Department risk survey, Q%d %d", (int(start.Month())-1)/3+1, start.Year()),
		Description: "请各部门对照清单逐项排查本部门业务范围内的危机风险，存在的风险写明现有控制措施并提出可能性和影响程度的初步评估。",
		TemplateID:  tpl.ID, MatrixID: "5x5", Due: start.AddDate(0, 0, 21).Format(risk.DateLayout)}
	for _, u := range demoSurvey {
		id, ok := unitID[u.Unit]
		if !ok {
			return fmt.Errorf("demo: survey: no unit %s", u.Unit)
		}
		launch.UnitIDs = append(launch.UnitIDs, id)
	}
	c, err := surveys.Launch(office, launch)
	if err != nil {
		return fmt.Errorf("demo: launch survey: %w", err)
	}

	// The departments answer, a few days apart.
	type pending struct {
		answerID int64
		data     surveyRisk
	}
	var toReview []pending
	for i, u := range demoSurvey {
		clk.Set(start.AddDate(0, 0, 6+3*i))
		dept := authz.WithPrincipal(ctx, authz.Principal{Name: u.Answerer, System: true})
		sh, err := surveys.Sheet(dept, c.ID, unitID[u.Unit])
		if err != nil {
			return err
		}
		var in []risksurvey.AnswerInput
		byKey := map[string]surveyRisk{}
		for _, r := range u.Risks {
			if r.Key != "" {
				byKey[r.Key] = r
			}
		}
		for _, a := range sh.Answers {
			r, yes := byKey[a.QuestionKey]
			if !yes {
				in = append(in, risksurvey.AnswerInput{ID: a.ID, Present: risksurvey.No})
				continue
			}
			in = append(in, answerInput(a.ID, r))
		}
		for _, r := range u.Risks {
			if r.Key == "" {
				in = append(in, answerInput(0, r))
			}
		}
		if sh, err = surveys.SaveSheet(dept, c.ID, unitID[u.Unit], in, true); err != nil {
			return fmt.Errorf("demo: survey answers of %s: %w", u.Unit, err)
		}
		for _, a := range sh.Answers {
			if !a.NeedsReview() {
				continue
			}
			for _, r := range u.Risks {
				if r.Title == a.Title {
					toReview = append(toReview, pending{a.ID, r})
				}
			}
		}
	}

	// The office reviews: one answer goes back once, the department
	// corrects it; every risk is then accepted and completed.
	clk.Set(start.AddDate(0, 0, 18))
	for _, p := range toReview {
		if p.data.Returned == "" {
			continue
		}
		a, err := surveys.Return(office, p.answerID, p.data.Returned)
		if err != nil {
			return err
		}
		clk.Advance(24 * time.Hour)
		u := demoSurvey[0]
		for _, x := range demoSurvey {
			if unitID[x.Unit] == a.UnitID {
				u = x
			}
		}
		fixed := answerInput(a.ID, p.data)
		fixed.Controls += "、叉车作业区与人行通道已用黄线分隔，夜班照明 200 lx"
		dept := authz.WithPrincipal(ctx, authz.Principal{Name: u.Answerer, System: true})
		if _, err := surveys.SaveSheet(dept, a.CampaignID, a.UnitID, []risksurvey.AnswerInput{fixed}, true); err != nil {
			return fmt.Errorf("demo: corrected answer: %w", err)
		}
	}
	clk.Set(start.AddDate(0, 0, 24))
	for _, p := range toReview {
		clk.Advance(20 * time.Minute)
		_, r, err := surveys.Accept(office, p.answerID, risksurvey.Acceptance{})
		if err != nil {
			return fmt.Errorf("demo: accept %s: %w", p.data.Title, err)
		}
		owner, ok := personID[p.data.Owner]
		if !ok {
			return fmt.Errorf("demo: survey risk %s: no person %s", p.data.Code, p.data.Owner)
		}
		r.Code, r.TitleEn, r.OwnerID = p.data.Code, p.data.TitleEn, &owner
		r.Treatment, r.ReviewDate = risk.Reduce, now.AddDate(0, 0, p.data.Review).Format(risk.DateLayout)
		if _, err := risks.SaveRisk(office, r); err != nil {
			return fmt.Errorf("demo: complete %s: %w", p.data.Code, err)
		}
	}
	clk.Set(start.AddDate(0, 0, 30))
	if _, err := surveys.Close(office, c.ID); err != nil {
		return err
	}
	return nil
}

func answerInput(id int64, r surveyRisk) risksurvey.AnswerInput {
	return risksurvey.AnswerInput{ID: id, Present: risksurvey.Yes, Title: r.Title, Category: r.Category, Cause: r.Cause,
		Consequence: r.Consequence, Controls: r.Controls, Likelihood: r.Likelihood, Impact: r.Impact}
}
