// Command planexport measures the plan export on a plan of about 100 pages:
// a general emergency plan with 8 teams, Ⅰ–Ⅳ warning and response levels
// and 50 scenario playbooks (triggers, activation, 14 tasks each, resources,
// message templates, recovery targets). It times Build plus the writer for
// DOCX, PDF and HTML and prints the median; the target is under 2 s each for
// DOCX and PDF.
//
// Usage: go run ./bench/planexport [-runs 5] [-playbooks 50] [-out DIR]
package main

import (
	"bytes"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"time"

	"github.com/continuo-bcm/continuo/internal/document"
	"github.com/continuo-bcm/continuo/internal/i18n"
	"github.com/continuo-bcm/continuo/internal/org"
	"github.com/continuo-bcm/continuo/internal/plan"
	"github.com/continuo-bcm/continuo/internal/planexport"
	"github.com/continuo-bcm/continuo/internal/risk"
)

func main() {
	runs := flag.Int("runs", 5, "timed runs per format")
	playbooks := flag.Int("playbooks", 50, "scenario playbooks in the plan")
	out := flag.String("out", "", "directory to keep the files")
	font := flag.String("font", os.Getenv("CONTINUO_PDF_FONT"), "PDF font (default: search)")
	flag.Parse()
	log.SetFlags(0)

	p, v, lk := fixture(*playbooks)
	t0 := time.Now()
	fonts, err := document.LoadFonts(*font)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("font loaded in %v\n", time.Since(t0).Round(time.Millisecond))
	fmt.Printf("plan: %d playbooks, %d tasks\n", len(v.Content.Playbooks), len(v.Content.Playbooks)*14)
	for _, f := range planexport.Formats {
		var times []time.Duration
		var buf bytes.Buffer
		for range *runs {
			buf.Reset()
			start := time.Now()
			if err := planexport.Write(&buf, f, p, v, lk, i18n.ZH, fonts); err != nil {
				log.Fatal(err)
			}
			times = append(times, time.Since(start))
		}
		slices.Sort(times)
		pages := ""
		if f == planexport.PDF {
			pages = pdfPages(buf.Bytes())
		}
		fmt.Printf("%-4s %8d bytes %s fastest %v median %v slowest %v\n", f, buf.Len(), pages,
			times[0].Round(time.Millisecond), times[len(times)/2].Round(time.Millisecond), times[len(times)-1].Round(time.Millisecond))
		if *out != "" {
			if err := os.WriteFile(filepath.Join(*out, "plan."+string(f)), buf.Bytes(), 0o644); err != nil {
				log.Fatal(err)
			}
		}
	}
}

// pdfPages counts pages with pdfinfo when it is installed.
func pdfPages(pdf []byte) string {
	f, err := os.CreateTemp("", "plan-*.pdf")
	if err != nil {
		return ""
	}
	defer os.Remove(f.Name())
	f.Write(pdf)
	f.Close()
	b, err := exec.Command("pdfinfo", f.Name()).Output()
	if err != nil {
		return ""
	}
	if m := regexp.MustCompile(`Pages:\s+(\d+)`).FindSubmatch(b); m != nil {
		return string(m[1]) + " pages"
	}
	return ""
}

const para = "发生突发事件后，现场人员应立即报告值班负责人，并在确保自身安全的前提下采取先期处置措施，防止事态扩大。" +
	"应急办公室接报后核实情况，按照分级响应原则提出响应级别建议，报应急指挥部决定。"

func fixture(n int) (plan.Plan, plan.Version, *planexport.Lookup) {
	lk := &planexport.Lookup{Organisation: "星联物流集团", OrganisationEn: "Xinglian Logistics Group",
		Teams: map[int64]org.Team{}, Units: map[int64]org.Unit{1: {ID: 1, Name: "星联物流集团"}}, People: map[int64]org.Person{}, Risks: map[int64]risk.Risk{}}
	var pid int64
	person := func() int64 {
		pid++
		lk.People[pid] = org.Person{ID: pid, Name: "员工" + strconv.FormatInt(pid, 10), Title: "经理", UnitID: 1,
			Contacts: []org.ContactMethod{{Kind: org.ContactMobile, Value: fmt.Sprintf("+86 139 0000 %04d", pid)}}}
		return pid
	}
	var c plan.Content
	c.Purpose.Text = para + "\n\n- 适用范围：集团及各分子公司\n- 工作原则：以人为本、统一指挥、分级负责\n\n" + para
	for t := int64(1); t <= 8; t++ {
		team := org.Team{ID: t, Kind: org.TeamSpecial, Name: "专项应急小组" + strconv.FormatInt(t, 10), UnitID: 1, Duties: para}
		for m := 0; m < 6; m++ {
			role := org.RoleMember
			if m == 0 {
				role = org.RoleLeader
			}
			team.Members = append(team.Members, org.Member{PersonID: person(), Role: role, Deputies: []int64{person(), person()}, SortOrder: m})
		}
		lk.Teams[t] = team
		c.Organisation.Teams = append(c.Organisation.Teams, plan.TeamDuty{TeamID: t, Duties: para})
	}
	for l := 1; l <= 4; l++ {
		c.Warning.Levels = append(c.Warning.Levels, plan.WarningLevel{Level: l, Criteria: para, Measures: para})
		c.ResponseLevels.Levels = append(c.ResponseLevels.Levels, plan.ResponseLevel{Level: l, Criteria: para,
			Authority: plan.Role{TeamID: 1, TeamRole: org.RoleLeader}, Measures: para})
	}
	c.Warning.Text = para
	for i := 0; i < n; i++ {
		pb := plan.Playbook{Key: "pb-" + strconv.Itoa(i), Title: fmt.Sprintf("情景 %d 突发事件处置", i+1), Text: para + "\n\n" + para,
			Triggers:   []plan.Trigger{{Kind: plan.OnIncident, Severity: 3}, {Kind: plan.OnCondition, Metric: "power_supply", Operator: plan.EQ, Unit: "kW", Duration: 480, Note: "市电中断超过 8 小时"}},
			Activation: plan.Activation{Authority: plan.Role{TeamID: 1, TeamRole: org.RoleLeader}, Deputy: plan.Role{TeamID: 2, TeamRole: org.RoleLeader}}}
		for k := 1; k <= 14; k++ {
			pb.Tasks = append(pb.Tasks, plan.Task{Step: (k + 1) / 2, Title: "执行处置任务并报告进展情况", Detail: "核实现场情况，组织人员疏散，做好记录。",
				Role: plan.Role{TeamID: int64(k%8 + 1), TeamRole: org.RoleLeader}, TimeLimit: 15 * k})
		}
		pb.Resources = []plan.Resource{{Name: "柴油发电机", Quantity: 2, Unit: "台", Location: "一号仓库", Owner: plan.Role{TeamID: 3}}}
		pb.Communications = []plan.Message{{Audience: plan.Customers, Lang: "zh-CN", Channel: plan.SMS, Within: 60, Body: "尊敬的客户：因突发事件，{site} 的服务暂时受到影响，预计 {eta} 恢复。"}}
		rpo := 30
		pb.Recovery = []plan.RecoveryTarget{{Name: "订单处理", RTO: 240, RPO: &rpo, MBCO: "人工接单"}}
		c.Playbooks = append(c.Playbooks, pb)
	}
	for _, a := range plan.Audiences {
		c.Communications.Audiences = append(c.Communications.Audiences, plan.AudiencePlan{Audience: a, Channels: []plan.Channel{plan.Phone, plan.Email}, Message: para})
	}
	for i := 0; i < 30; i++ {
		c.Resources.Items = append(c.Resources.Items, plan.Resource{Name: "应急物资", Quantity: float64(i + 1), Unit: "箱", Location: "仓库"})
		rpo := i * 10
		c.Recovery.Targets = append(c.Recovery.Targets, plan.RecoveryTarget{Name: "业务流程 " + strconv.Itoa(i+1), RTO: 60 * (i + 1), RPO: &rpo})
	}
	c.Training.Drills = []plan.Drill{{Title: "年度综合演练", Kind: plan.FullScale, Frequency: plan.Yearly, Month: 6}}
	c.Maintenance.Text = para
	now := time.Now()
	p := plan.Plan{ID: 1, Code: "XL-YA-00", Kind: plan.General, UnitID: 1}
	v := plan.Version{Number: 3, Status: plan.Published, Title: "星联物流集团 生产安全事故综合应急预案", Content: c, ApprovedAt: &now, PublishedAt: &now, AuthorName: "刘晓梅"}
	return p, v, lk
}
