package document_test

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/continuo-bcm/continuo/internal/document"
	"github.com/continuo-bcm/continuo/internal/i18n"
)

func Example() {
	d := document.New(i18n.ZH, "风险评估报告")
	d.Meta = document.Meta{Organisation: "星联物流集团", Version: "1.0", Date: time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)}
	d.Cover, d.TOC, d.NumberHeadings = true, true, true
	d.H1("概述")
	d.P("本报告汇总了 ", document.Bold("42"), " 项风险。")
	d.H2("重大风险")
	t := d.Table("风险", "等级").Widths(3, 1)
	t.Row(document.C("数据中心断电"), document.C("重大").Fill(document.LevelRed).Color(document.White))

	var docx, html bytes.Buffer
	if err := document.WriteDOCX(&docx, d); err != nil {
		fmt.Println(err)
	}
	if err := document.WriteHTML(&html, d); err != nil {
		fmt.Println(err)
	}
	fmt.Println(strings.Contains(html.String(), `<h2 id="h2">1.1  重大风险</h2>`))
	fmt.Println(bytes.HasPrefix(docx.Bytes(), []byte("PK")))
	// Output:
	// true
	// true
}
