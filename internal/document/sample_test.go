package document

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"strings"
	"time"

	"github.com/continuo-bcm/continuo/internal/i18n"
)

// heatmapPNG draws a 5×5 risk matrix as a small picture.
func heatmapPNG() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 250, 250))
	cols := []color.RGBA{{0x4A, 0x8F, 0xE0, 255}, {0xF5, 0xD0, 0x4C, 255}, {0xF0, 0x8C, 0x2E, 255}, {0xD9, 0x36, 0x3E, 255}}
	for y := 0; y < 250; y++ {
		for x := 0; x < 250; x++ {
			l, i := x/50+1, 5-y/50
			s := l * i
			c := cols[0]
			switch {
			case s >= 15:
				c = cols[3]
			case s >= 9:
				c = cols[2]
			case s >= 4:
				c = cols[1]
			}
			if x%50 == 0 || y%50 == 0 {
				c = color.RGBA{255, 255, 255, 255}
			}
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	png.Encode(&b, img)
	return b.Bytes()
}

// sample builds a bilingual document with every kind of block.
func sample(lang i18n.Lang) *Document {
	d := New(lang, "星联物流集团 风险评估报告")
	d.Subtitle = "Risk assessment report 2026"
	d.Meta = Meta{Organisation: "星联物流集团 Xinglian Logistics", Version: "1.2", Status: "已发布 Published",
		Date: time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC), Classification: "内部 Internal", Owner: "危机管理办公室"}
	d.Cover, d.TOC, d.NumberHeadings = true, true, true
	d.H1("概述 Overview")
	d.P("本报告依据 GB/T 30146-2023 第 8.2 条，对集团各部门的风险进行识别、分析和评价。",
		Bold("共识别风险 42 项"), "，其中重大风险 3 项。", Italic("This report covers all business units."))
	d.P(strings.Repeat("The crisis office reviews every risk at least once a year and after each major incident. ", 8))
	d.H2("评估方法 Method")
	d.Numbered("风险识别 Identification", "风险分析 Analysis (likelihood × impact)", "风险评价 Evaluation")
	d.Bullets("自然灾害 Natural disasters", "信息安全 Cyber security", "供应链中断 Supply-chain disruption")
	d.H3("风险矩阵 Risk matrix")
	t := d.Table("可能性 \\ 影响", "1 轻微", "2 较小", "3 中等", "4 严重", "5 灾难").Widths(2, 1, 1, 1, 1, 1).Titled("表 1 5×5 风险矩阵 Risk matrix")
	for l := 5; l >= 1; l-- {
		row := []Cell{C(string(rune('0'+l)) + " 级").B()}
		for i := 1; i <= 5; i++ {
			s := l * i
			fill, col := LevelBlue, White
			switch {
			case s >= 15:
				fill = LevelRed
			case s >= 9:
				fill = LevelOrange
			case s >= 4:
				fill, col = LevelYellow, Black
			}
			row = append(row, C(string(rune('0'+s/10))+string(rune('0'+s%10))).Fill(fill).Color(col).Aligned(Center))
		}
		t.Row(row...)
	}
	d.Image(heatmapPNG(), 60, "图 1 风险热力图 Heatmap")
	d.H1("重大风险 Major risks")
	d.KV("风险负责人 Owner", "王伟", "复核日期 Review date", "2027-03-31")
	rt := d.Table("业务流程 Process", "RTO", "RPO", "说明 Notes").Widths(3, 1, 1, 4).Align(Left, Center, Center, Left)
	for i := 0; i < 40; i++ {
		rt.TextRow("订单处理 Order processing "+string(rune('A'+i%26)), "4 h", "30 min", "依赖仓储管理系统 WMS 与运输管理系统 TMS；备用站点位于武汉。")
	}
	d.Warn("注意 Attention", "重大风险须在 30 日内制定处置措施 <script>&amp;</script>")
	d.PageBreak()
	d.H1("附录 Appendix")
	d.P("End of report. 报告结束。")
	return d
}
