//go:build unix

// Command document measures the document engine on a plan of about 100
// pages (Chinese and English, numbered chapters, many tables and lists):
// time to write DOCX, PDF and HTML, page count and size. The target is under
// 2 s each for DOCX and PDF.
//
// Usage: go run ./bench/document [-runs 5] [-out DIR] [-soffice] [-cpuprofile FILE]
//
// -out keeps the files; -soffice converts the DOCX with LibreOffice to count
// its pages (not timed).
package main

import (
	"bytes"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"syscall"
	"time"

	"github.com/continuo-bcm/continuo/internal/document"
	"github.com/continuo-bcm/continuo/internal/i18n"
)

func main() {
	runs := flag.Int("runs", 5, "timed runs per format")
	out := flag.String("out", "", "directory to keep plan.docx, plan.pdf and plan.html")
	soffice := flag.Bool("soffice", false, "count the DOCX pages by converting it with LibreOffice")
	font := flag.String("font", os.Getenv("CONTINUO_PDF_FONT"), "PDF font (default: search)")
	profile := flag.String("cpuprofile", "", "write a CPU profile of the timed runs to this file")
	flag.Parse()
	log.SetFlags(0)

	t0 := time.Now()
	d := plan()
	build := time.Since(t0)

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	t0 = time.Now()
	fonts, err := document.LoadFonts(*font)
	if err != nil {
		log.Fatal(err)
	}
	fontLoad := time.Since(t0)
	runtime.GC()
	runtime.ReadMemStats(&after)
	fontHeap := int64(after.HeapAlloc) - int64(before.HeapAlloc)

	type result struct {
		name       string
		times, cpu []time.Duration
		data       []byte
	}
	formats := []struct {
		name  string
		write func(*bytes.Buffer) error
	}{
		{"DOCX", func(b *bytes.Buffer) error { return document.WriteDOCX(b, d) }},
		{"PDF", func(b *bytes.Buffer) error { return document.WritePDF(b, d, fonts) }},
		{"HTML", func(b *bytes.Buffer) error { return document.WriteHTML(b, d) }},
	}
	if *profile != "" {
		pf, err := os.Create(*profile)
		if err != nil {
			log.Fatal(err)
		}
		if err := pprof.StartCPUProfile(pf); err != nil {
			log.Fatal(err)
		}
		defer pprof.StopCPUProfile()
	}
	var results []result
	for _, f := range formats {
		r := result{name: f.name}
		for i := 0; i < *runs; i++ {
			var b bytes.Buffer
			runtime.GC()
			c, t := cpuTime(), time.Now()
			if err := f.write(&b); err != nil {
				log.Fatalf("%s: %v", f.name, err)
			}
			r.times = append(r.times, time.Since(t))
			r.cpu = append(r.cpu, cpuTime()-c)
			r.data = b.Bytes()
		}
		slices.Sort(r.times)
		slices.Sort(r.cpu)
		results = append(results, r)
	}

	dir := *out
	if dir == "" {
		dir, err = os.MkdirTemp("", "continuo-doc-bench-")
		if err != nil {
			log.Fatal(err)
		}
		defer os.RemoveAll(dir)
	}
	ext := map[string]string{"DOCX": "docx", "PDF": "pdf", "HTML": "html"}
	for _, r := range results {
		if err := os.WriteFile(filepath.Join(dir, "plan."+ext[r.name]), r.data, 0o644); err != nil {
			log.Fatal(err)
		}
	}
	pages := map[string]string{"PDF": pdfPages(filepath.Join(dir, "plan.pdf")), "DOCX": "–", "HTML": "–"}
	if *soffice {
		profile := filepath.Join(dir, "lo-profile")
		cmd := exec.Command("soffice", "-env:UserInstallation=file://"+profile, "--headless", "--convert-to", "pdf",
			"--outdir", filepath.Join(dir, "lo"), filepath.Join(dir, "plan.docx"))
		if outb, err := cmd.CombinedOutput(); err != nil {
			log.Fatalf("soffice: %v\n%s", err, outb)
		}
		pages["DOCX"] = pdfPages(filepath.Join(dir, "lo", "plan.pdf")) + " (LibreOffice)"
	}

	fmt.Printf("document benchmark, %s, %d CPU, GOMAXPROCS %d, %s\n\n", time.Now().UTC().Format("2006-01-02"), runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.Version())
	fmt.Printf("plan: %d blocks, built in %v; font %s loaded in %v, holding %.1f MB of heap\n\n", len(d.Blocks),
		build.Round(time.Millisecond), fonts.Path, fontLoad.Round(time.Millisecond), float64(fontHeap)/(1<<20))
	fmt.Println("| format | pages | size | fastest | median | slowest | CPU time (median) |")
	fmt.Println("|---|---|---|---|---|---|---|")
	for _, r := range results {
		fmt.Printf("| %s | %s | %d KB | %v | %v | %v | %v |\n", r.name, pages[r.name], len(r.data)/1024,
			r.times[0].Round(time.Millisecond), r.times[len(r.times)/2].Round(time.Millisecond), r.times[len(r.times)-1].Round(time.Millisecond),
			r.cpu[len(r.cpu)/2].Round(time.Millisecond))
	}
	if *out != "" {
		fmt.Printf("\nfiles kept in %s\n", dir)
	}
}

// cpuTime is the user and system time this process has used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func pdfPages(path string) string {
	if outb, err := exec.Command("pdfinfo", path).Output(); err == nil {
		if m := regexp.MustCompile(`Pages:\s+(\d+)`).FindSubmatch(outb); m != nil {
			return string(m[1])
		}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return "?"
	}
	return strconv.Itoa(len(regexp.MustCompile(`/Type /Page\s`).FindAll(data, -1)))
}

// plan builds a general emergency plan (综合应急预案) of about 100 pages.
func plan() *document.Document {
	d := document.New(i18n.ZH, "星联物流集团 综合应急预案")
	d.Subtitle = "General emergency plan · 2026 edition"
	d.Meta = document.Meta{Organisation: "星联物流集团有限公司 Xinglian Logistics Group", Version: "3.1", Status: "已发布 Published",
		Date: time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC), Classification: "内部 Internal", Owner: "危机管理办公室 Crisis office"}
	d.Cover, d.TOC, d.NumberHeadings = true, true, true

	para := "为规范集团突发事件的应急管理和应急响应程序，及时有效地实施应急救援工作，最大程度地减少人员伤亡、财产损失和对业务连续性的影响，" +
		"维护社会稳定，依据《中华人民共和国突发事件应对法》《生产安全事故应急条例》和 GB/T 29639-2020，结合集团实际，制定本预案。"
	en := "This plan applies to every branch, warehouse and transport hub of the group. It sets out who decides, who acts and how the " +
		"group communicates with customers, partners, government and the media when a disruption occurs, and how critical processes " +
		"are recovered within their recovery time objectives."

	d.H1("总则 General provisions")
	for _, s := range []string{"编制目的 Purpose", "编制依据 Basis", "适用范围 Scope", "工作原则 Principles"} {
		d.H2(s)
		d.P(para)
		d.P(en)
		d.Bullets("以人为本，安全第一 People first", "统一领导，分级负责 Unified command, tiered responsibility",
			"预防为主，平战结合 Prevention first", "快速反应，协同应对 Rapid, coordinated response")
	}

	d.H1("组织机构及职责 Organisation and duties")
	d.P(para)
	teams := d.Table("小组 Team", "职务 Role", "姓名 Name", "电话 Phone", "职责 Duties").Widths(2, 2, 1.5, 2, 5)
	for i := 0; i < 60; i++ {
		teams.TextRow(fmt.Sprintf("专项小组 %d Team %d", i/6+1, i/6+1), []string{"组长 Lead", "副组长 Deputy", "成员 Member"}[i%3],
			fmt.Sprintf("成员%02d", i), fmt.Sprintf("138-0000-%04d", i),
			"负责现场指挥、信息报送、资源调度和对外沟通；组长缺位时由副组长代行职责。Leads on-site command and reporting.")
	}
	d.Note("代理规则 Deputies", "任何岗位负责人不在岗时，由其指定代理人行使职责，并在 30 分钟内告知危机管理办公室。")

	d.H1("风险评估 Risk assessment")
	d.P(para)
	d.H2("风险矩阵 Risk matrix")
	m := d.Table("可能性 \\ 影响", "1", "2", "3", "4", "5").Widths(2, 1, 1, 1, 1, 1)
	for l := 5; l >= 1; l-- {
		row := []document.Cell{document.C(fmt.Sprintf("%d 级", l)).B()}
		for i := 1; i <= 5; i++ {
			s := l * i
			fill, col := document.LevelBlue, document.White
			switch {
			case s >= 15:
				fill = document.LevelRed
			case s >= 9:
				fill = document.LevelOrange
			case s >= 4:
				fill, col = document.LevelYellow, document.Black
			}
			row = append(row, document.C(strconv.Itoa(s)).Fill(fill).Color(col).Aligned(document.Center))
		}
		m.Row(row...)
	}
	d.Image(heatmap(), 70, "图 1 风险热力图 Risk heatmap")
	d.H2("风险清单 Risk register")
	reg := d.Table("编号 ID", "风险 Risk", "类别 Category", "可能性 L", "影响 I", "等级 Level", "负责人 Owner").
		Widths(1, 4, 2, 1, 1, 1.2, 1.5).Align(document.Left, document.Left, document.Left, document.Center, document.Center, document.Center, document.Left)
	cats := []string{"自然灾害", "信息安全", "供应链", "公用设施", "安全事故", "舆情", "人员"}
	for i := 0; i < 300; i++ {
		l, im := i%5+1, (i*7)%5+1
		lvl, fill := "低", document.LevelBlue
		switch s := l * im; {
		case s >= 15:
			lvl, fill = "重大", document.LevelRed
		case s >= 9:
			lvl, fill = "较大", document.LevelOrange
		case s >= 4:
			lvl, fill = "一般", document.LevelYellow
		}
		reg.Row(document.C(fmt.Sprintf("R-%03d", i+1)), document.C(fmt.Sprintf("华东分拨中心第 %d 号风险：暴雨导致仓库进水，货物受损 Warehouse flooding", i+1)),
			document.C(cats[i%len(cats)]), document.C(strconv.Itoa(l)), document.C(strconv.Itoa(im)), document.C(lvl).Fill(fill), document.C("王伟"))
	}

	d.H1("预警与信息报告 Warning and reporting")
	d.P(para)
	w := d.Table("级别 Level", "颜色 Colour", "条件 Condition", "发布 Issued by").Widths(1, 1, 4, 2)
	for i, c := range []document.Color{document.LevelRed, document.LevelOrange, document.LevelYellow, document.LevelBlue} {
		w.Row(document.C([]string{"Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ"}[i]).Aligned(document.Center), document.C([]string{"红", "橙", "黄", "蓝"}[i]).Fill(c).Color(document.White),
			document.C("3 小时内降雨量将达 100 毫米以上，或已达 100 毫米以上且降雨可能持续。"), document.C("危机管理委员会"))
	}
	d.Numbered("现场人员发现事件后立即报告部门负责人 On-site staff report at once",
		"部门负责人 15 分钟内报告危机管理办公室 Department head within 15 min",
		"危机管理办公室 30 分钟内报告委员会 Crisis office within 30 min",
		"书面报告 12 小时内提交 Written report within 12 h")

	scenarios := []string{"地震、台风、洪水 Earthquake, typhoon, flood", "火灾与危险化学品 Fire and chemicals", "公用设施中断 Utility outage",
		"劳动力短缺 Labour shortage", "关键设备故障 Key equipment failure", "运输损坏 Transport damage", "物料短缺 Material shortage",
		"重大客户投诉 Major customer complaint", "信息系统故障 IT failure", "公共卫生事件 Public health event"}
	d.H1("应急响应 Response")
	for _, s := range scenarios {
		d.H2(s)
		d.H3("触发条件 Trigger")
		d.P(para)
		d.P(en)
		d.P(para)
		d.H3("处置任务 Tasks")
		tasks := d.Table("序号 No.", "任务 Task", "角色 Role", "时限 Time limit").Widths(0.8, 6, 2, 1.5).Align(document.Center, document.Left, document.Left, document.Center)
		for i := 0; i < 24; i++ {
			tasks.TextRow(strconv.Itoa(i+1), "确认人员安全，清点人数，疏散至集合点；关闭电源和燃气阀门；向危机管理办公室报告现场情况。Confirm everyone is safe and report.",
				"现场指挥 On-site lead", fmt.Sprintf("%d 分钟", (i+1)*15))
		}
		d.H3("沟通 Communications")
		d.KV("客户 Customers", "2 小时内通过客服系统通知受影响客户", "媒体 Media", "统一由品牌部发布，未经批准不得接受采访",
			"政府 Government", "按属地要求报告应急管理局")
		d.Bullets("通知内部员工 Staff", "通知合作伙伴 Partners", "更新官网公告 Website notice")
	}

	d.H1("恢复 Recovery")
	d.P(para)
	rr := d.Table("业务流程 Process", "RTO", "RPO", "MTPD", "依赖 Dependencies").Widths(3, 1, 1, 1, 4).Align(document.Left, document.Center, document.Center, document.Center, document.Left)
	for i := 0; i < 220; i++ {
		rr.TextRow(fmt.Sprintf("订单处理 %02d Order processing", i+1), "4 h", "30 min", "24 h", "仓储管理系统 WMS、运输管理系统 TMS、华东数据中心；备用站点：武汉")
	}

	d.H1("附件 Annexes")
	d.H2("应急通讯录 Emergency contacts")
	ct := d.Table("单位 Unit", "联系人 Contact", "电话 Phone", "备用 Backup").Widths(3, 2, 2, 2)
	for i := 0; i < 900; i++ {
		ct.TextRow(fmt.Sprintf("分公司 %03d Branch", i+1), fmt.Sprintf("联络员 %03d", i+1), fmt.Sprintf("021-6000-%04d", i), fmt.Sprintf("139-1000-%04d", i))
	}
	d.H2("修订记录 Revisions")
	d.P(en)
	return d
}

func heatmap() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 500, 500))
	for y := 0; y < 500; y++ {
		for x := 0; x < 500; x++ {
			s := (x/100 + 1) * (5 - y/100)
			c := color.RGBA{0x4A, 0x8F, 0xE0, 255}
			switch {
			case s >= 15:
				c = color.RGBA{0xD9, 0x36, 0x3E, 255}
			case s >= 9:
				c = color.RGBA{0xF0, 0x8C, 0x2E, 255}
			case s >= 4:
				c = color.RGBA{0xF5, 0xD0, 0x4C, 255}
			}
			if x%100 < 2 || y%100 < 2 {
				c = color.RGBA{255, 255, 255, 255}
			}
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	png.Encode(&b, img)
	return b.Bytes()
}
