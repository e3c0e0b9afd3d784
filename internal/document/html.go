package document

import (
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"strings"
)

// WriteHTML writes d as one self-contained HTML page: styles inline,
// images as data URLs, no scripts and no external references, so it opens
// from a USB stick in any browser and prints on A4 (the header row of a
// table repeats on each printed page).
func WriteHTML(w io.Writer, d *Document) error {
	v := htmlDoc{Lang: string(d.Lang), Title: clean(d.Title), Subtitle: clean(d.Subtitle), Cover: d.Cover, T: textsFor(d.Lang)}
	if v.Lang == "" {
		v.Lang = "en"
	}
	v.Meta = d.coverRows(v.T)
	v.MetaLine = d.metaLine(v.T)
	outline := d.outline()
	if d.TOC {
		for _, e := range outline {
			if e.Level <= tocLevels {
				v.TOC = append(v.TOC, e)
			}
		}
	}
	h := 0
	for _, blk := range d.Blocks {
		var b htmlBlock
		switch x := blk.(type) {
		case *Heading:
			b = htmlBlock{Kind: "h", Heading: outline[h]}
			h++
		case *Paragraph:
			b = htmlBlock{Kind: "p", Runs: htmlRuns(x.Runs), Style: alignCSS(x.Align)}
		case *List:
			b = htmlBlock{Kind: "ul", Ordered: x.Ordered}
			for _, it := range x.Items {
				b.Items = append(b.Items, htmlRuns(it))
			}
		case *Table:
			b = htmlTable(x)
		case *KeyValue:
			b = htmlBlock{Kind: "kv"}
			for _, p := range x.Pairs {
				b.Pairs = append(b.Pairs, KV{clean(p.Key), clean(p.Value)})
			}
		case *Note:
			b = htmlBlock{Kind: "note", Title: clean(x.Title), Runs: htmlRuns(x.Runs), Class: "info"}
			if x.Kind == Warning {
				b.Class = "warning"
			}
		case *Image:
			px, py, err := imageSize(x.PNG)
			if err != nil {
				return err
			}
			wd, _ := imageBox(x, px, py)
			b = htmlBlock{Kind: "img", Title: clean(x.Caption),
				Src:   template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(x.PNG)),
				Style: template.CSS(fmt.Sprintf("width:%.0f%%", 100*wd/textWidthPt))}
		case PageBreak:
			b = htmlBlock{Kind: "break"}
		case nil:
			continue
		default:
			return fmt.Errorf("document: unknown block %T", blk)
		}
		v.Blocks = append(v.Blocks, b)
	}
	return htmlTemplate.Execute(w, v)
}

type htmlDoc struct {
	Lang, Title, Subtitle string
	MetaLine              string
	Cover                 bool
	Meta                  []KV
	TOC                   []entry
	Blocks                []htmlBlock
	T                     texts
}

type htmlRun struct {
	Lines        []string
	Bold, Italic bool
}

type htmlCell struct {
	Runs  []htmlRun
	Style template.CSS
	Width template.CSS
}

type htmlBlock struct {
	Kind    string
	Heading entry
	Runs    []htmlRun
	Style   template.CSS
	Ordered bool
	Items   [][]htmlRun
	Caption string
	Header  []htmlCell
	Rows    [][]htmlCell
	Cols    []template.CSS
	Pairs   []KV
	Title   string
	Class   string
	Src     template.URL
}

func htmlRuns(rs []Run) []htmlRun {
	out := make([]htmlRun, len(rs))
	for i, r := range rs {
		out[i] = htmlRun{Lines: strings.Split(clean(r.Text), "\n"), Bold: r.Bold, Italic: r.Italic}
	}
	return out
}

func alignCSS(a Align) template.CSS {
	switch a {
	case Center:
		return "text-align:center"
	case Right:
		return "text-align:right"
	}
	return ""
}

func htmlTable(t *Table) htmlBlock {
	b := htmlBlock{Kind: "table", Caption: clean(t.Caption)}
	n := t.columns()
	for _, f := range t.fractions() {
		b.Cols = append(b.Cols, template.CSS(fmt.Sprintf("width:%.2f%%", 100*f)))
	}
	cell := func(c Cell, header bool) htmlCell {
		var st []string
		if s := alignCSS(c.Align); s != "" {
			st = append(st, string(s))
		}
		if h := c.FillColor.hex(); h != "" {
			st = append(st, "background:#"+h)
		}
		if h := c.TextColor.hex(); h != "" {
			st = append(st, "color:#"+h)
		}
		if c.Bold && !header {
			st = append(st, "font-weight:bold")
		}
		return htmlCell{Runs: htmlRuns([]Run{Text(c.Text)}), Style: template.CSS(strings.Join(st, ";"))}
	}
	if len(t.Header) > 0 {
		for i := 0; i < n; i++ {
			b.Header = append(b.Header, cell(t.cell(t.Header, i), true))
		}
	}
	for _, r := range t.Rows {
		row := make([]htmlCell, n)
		for i := range row {
			row[i] = cell(t.cell(r, i), false)
		}
		b.Rows = append(b.Rows, row)
	}
	return b
}

var htmlTemplate = template.Must(template.New("doc").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
@page { size: A4; margin: 25mm 23mm;
  @top-right { content: "{{.Title}}"; font-size: 8.5pt; color: #7F7F7F; }
  @bottom-center { content: "{{.T.PageBefore}}" counter(page) "{{.T.PageMiddle}}" counter(pages) "{{.T.PageAfter}}"; font-size: 8.5pt; color: #7F7F7F; } }
{{- if .Cover}}
@page :first { @top-right { content: none; } @bottom-center { content: none; } }
{{- end}}
html { font-family: "Microsoft YaHei", "PingFang SC", "Hiragino Sans GB", "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", system-ui, sans-serif; font-size: 10.5pt; line-height: 1.6; color: #111; background: #fff; }
body { margin: 0; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
main { max-width: 170mm; margin: 0 auto; padding: 16px; }
h1, h2, h3 { color: #1F3864; line-height: 1.3; break-after: avoid; page-break-after: avoid; }
h1 { font-size: 16pt; border-bottom: 1px solid #8EA9DB; padding-bottom: 2px; margin: 1.4em 0 .5em; }
h2 { font-size: 13.5pt; margin: 1.2em 0 .4em; }
h3 { font-size: 11.5pt; margin: 1em 0 .3em; }
p { margin: 0 0 .5em; }
.cover { padding: 12vh 0 8vh; display: flex; flex-direction: column; justify-content: center; text-align: center; break-after: page; page-break-after: always; }
.cover h1.title { font-size: 24pt; border: 0; }
.cover .subtitle { font-size: 15pt; color: #404040; }
.cover dl { display: grid; grid-template-columns: auto auto; gap: 4px 12px; justify-content: center; margin-top: 3em; text-align: left; font-size: 12pt; }
.cover dt { font-weight: bold; color: #404040; text-align: right; }
.cover dd { margin: 0; }
h1.title { font-size: 20pt; border: 0; margin-bottom: .2em; }
header .subtitle { font-size: 13pt; color: #404040; margin: 0; }
header .meta { font-size: 9pt; color: #595959; border-bottom: 1px solid #8EA9DB; padding-bottom: 4px; }
nav.toc { break-after: page; page-break-after: always; }
nav.toc ul { list-style: none; padding: 0; }
nav.toc li.l1 { font-weight: bold; margin-top: .3em; }
nav.toc li.l2 { padding-left: 1.5em; }
nav.toc a { color: inherit; text-decoration: none; }
nav.toc a:hover { text-decoration: underline; }
ul, ol { margin: 0 0 .6em; padding-left: 2em; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; margin: 0 0 .8em; font-size: 9.5pt; }
caption { text-align: left; font-weight: bold; color: #404040; padding: 2px 0; }
th, td { border: 1px solid #808080; padding: 3px 5px; vertical-align: middle; text-align: left; overflow-wrap: anywhere; }
th { background: #DCE6F1; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
table.kv td:first-child { background: #F2F2F2; font-weight: bold; width: 30%; }
.note { border-left: 4px solid #4A8FE0; background: #EAF2FB; padding: 6px 10px; margin: 0 0 .8em; break-inside: avoid; }
.note.warning { border-left-color: #F08C2E; background: #FDF0E1; }
.note strong.title { display: block; }
figure { margin: 0 0 .8em; text-align: center; break-inside: avoid; }
figure img { max-width: 100%; height: auto; }
figcaption { font-weight: bold; font-size: 9.5pt; color: #404040; }
hr.break { border: 0; break-after: page; page-break-after: always; margin: 0; }
@media print { .cover { min-height: 230mm; padding: 0; } main { max-width: none; padding: 0; } }
@media screen { nav.toc { border-bottom: 1px solid #ccc; margin-bottom: 1.5em; } hr.break { border-top: 1px dashed #ccc; margin: 2em 0; } }
</style>
</head>
<body>
<main>
{{- if .Cover}}
<section class="cover">
<h1 class="title">{{.Title}}</h1>
{{- if .Subtitle}}<p class="subtitle">{{.Subtitle}}</p>{{end}}
{{- if .Meta}}<dl>{{range .Meta}}<dt>{{.Key}}</dt><dd>{{.Value}}</dd>{{end}}</dl>{{end}}
</section>
{{- else}}
<header><h1 class="title">{{.Title}}</h1>{{if .Subtitle}}<p class="subtitle">{{.Subtitle}}</p>{{end}}{{with .MetaLine}}<p class="meta">{{.}}</p>{{end}}</header>
{{- end}}
{{- if .TOC}}
<nav class="toc"><h2>{{.T.Contents}}</h2><ul>
{{- range .TOC}}<li class="l{{.Level}}"><a href="#{{.ID}}">{{.Label}}</a></li>{{end}}
</ul></nav>
{{- end}}
{{- range .Blocks}}
{{- if eq .Kind "h"}}
{{- if eq .Heading.Level 1}}<h1 id="{{.Heading.ID}}">{{.Heading.Label}}</h1>{{else if eq .Heading.Level 2}}<h2 id="{{.Heading.ID}}">{{.Heading.Label}}</h2>{{else}}<h3 id="{{.Heading.ID}}">{{.Heading.Label}}</h3>{{end}}
{{- else if eq .Kind "p"}}
<p{{with .Style}} style="{{.}}"{{end}}>{{template "runs" .Runs}}</p>
{{- else if eq .Kind "ul"}}
{{if .Ordered}}<ol>{{else}}<ul>{{end}}{{range .Items}}<li>{{template "runs" .}}</li>{{end}}{{if .Ordered}}</ol>{{else}}</ul>{{end}}
{{- else if eq .Kind "table"}}
<table>{{with .Caption}}<caption>{{.}}</caption>{{end}}<colgroup>{{range .Cols}}<col style="{{.}}">{{end}}</colgroup>
{{- with .Header}}<thead><tr>{{range .}}<th{{with .Style}} style="{{.}}"{{end}}>{{template "runs" .Runs}}</th>{{end}}</tr></thead>{{end}}
<tbody>{{range .Rows}}<tr>{{range .}}<td{{with .Style}} style="{{.}}"{{end}}>{{template "runs" .Runs}}</td>{{end}}</tr>{{end}}</tbody></table>
{{- else if eq .Kind "kv"}}
<table class="kv"><tbody>{{range .Pairs}}<tr><td>{{.Key}}</td><td>{{.Value}}</td></tr>{{end}}</tbody></table>
{{- else if eq .Kind "note"}}
<div class="note {{.Class}}">{{with .Title}}<strong class="title">{{.}}</strong>{{end}}{{template "runs" .Runs}}</div>
{{- else if eq .Kind "img"}}
<figure><img src="{{.Src}}" style="{{.Style}}" alt="{{.Title}}">{{with .Title}}<figcaption>{{.}}</figcaption>{{end}}</figure>
{{- else if eq .Kind "break"}}
<hr class="break">
{{- end}}
{{- end}}
</main>
</body>
</html>
{{define "runs"}}{{range .}}{{if .Bold}}<strong>{{end}}{{if .Italic}}<em>{{end}}{{range $i, $l := .Lines}}{{if $i}}<br>{{end}}{{$l}}{{end}}{{if .Italic}}</em>{{end}}{{if .Bold}}</strong>{{end}}{{end}}{{end}}`))
