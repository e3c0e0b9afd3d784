package api_test

import (
	"bytes"
	"strings"
	"testing"
)

func TestBIAReportAPI(t *testing.T) {
	t.Parallel()
	runScenarios(t, []scenario{
		{name: "report as HTML in Chinese", role: "viewer", method: "GET", url: "/bia-report?format=html&lang=zh-CN",
			setup: biaFixture, status: 200,
			contains: []string{"业务影响分析报告", "恢复目标", "BP-DSP 出库发运", "恢复时间目标可行性", "单点故障", "恢复顺序",
				"BP-DSP 出库发运 → APP-WMS 仓储管理系统"},
			excludes: []string{"<script"},
			check: func(t *testing.T, e *env, res response) {
				if cd := res.header.Get("Content-Disposition"); !strings.Contains(cd, "bia-report-") || !strings.Contains(cd, "-zh.html") {
					t.Errorf("Content-Disposition %q", cd)
				}
			}},
		{name: "report as DOCX in English", role: "viewer", method: "GET", url: "/bia-report?format=docx&lang=en", setup: biaFixture, status: 200,
			check: func(t *testing.T, e *env, res response) {
				doc := unzipped(t, res.body)["word/document.xml"]
				for _, want := range []string{"Business impact analysis report", "Recovery objectives", "BP-DSP Dispatch", "Single points of failure"} {
					if !bytes.Contains(doc, []byte(want)) {
						t.Errorf("document.xml lacks %q", want)
					}
				}
			}},
		{name: "report in a bad format", role: "viewer", method: "GET", url: "/bia-report?format=odt", status: 422,
			contains: []string{`"field":"query.format"`}},
		{name: "report anonymously", method: "GET", url: "/bia-report", status: 401},
	})
}
