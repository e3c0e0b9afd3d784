package risk

import (
	"fmt"
	"strconv"

	"github.com/continuo-bcm/continuo/internal/errs"
)

// Level is the grade of a rated risk. Chinese enterprises grade risks as
// 重大/较大/一般/低 and colour them 红/橙/黄/蓝; they map onto critical, high,
// medium and low.
type Level string

// The risk levels, lowest first.
const (
	Low      Level = "low"
	Medium   Level = "medium"
	High     Level = "high"
	Critical Level = "critical"
)

// Levels lists the levels, lowest first.
var Levels = []Level{Low, Medium, High, Critical}

// Rank orders levels for ranking: 1 for low up to 4 for critical, 0 for
// an unknown or empty level (a risk not yet assessed).
func (l Level) Rank() int {
	for i, x := range Levels {
		if x == l {
			return i + 1
		}
	}
	return 0
}

// Valid reports whether l is a known level.
func (l Level) Valid() bool { return l.Rank() > 0 }

// LevelLabel returns the Chinese enterprise grade and the English name of
// a level.
func LevelLabel(l Level) (zh, en string) {
	switch l {
	case Low:
		return "低", "Low"
	case Medium:
		return "一般", "Medium"
	case High:
		return "较大", "High"
	case Critical:
		return "重大", "Critical"
	}
	return "", ""
}

// ScaleLevel is one step of a likelihood or impact scale. Value is its
// position from 1; the score of a rating is likelihood value × impact value.
type ScaleLevel struct {
	Value         int    `json:"value"`
	Label         string `json:"label" doc:"label in Chinese"`
	LabelEn       string `json:"label_en" doc:"label in English"`
	Description   string `json:"description,omitempty" doc:"what the step means, in Chinese"`
	DescriptionEn string `json:"description_en,omitempty" doc:"what the step means, in English"`
}

// Band maps a range of scores, both ends included, to a level and the
// colour it is shown in.
type Band struct {
	Min     int    `json:"min"`
	Max     int    `json:"max"`
	Level   Level  `json:"level" enum:"low,medium,high,critical"`
	Label   string `json:"label" doc:"the grade in Chinese, e.g. 重大"`
	LabelEn string `json:"label_en"`
	Color   string `json:"color" doc:"CSS colour of the heatmap cells in this band"`
}

// Matrix is an assessment matrix: a likelihood scale, an impact scale and
// the bands that turn their product into a level. ID is a short, stable
// code ("3x3", "4x4", "5x5") so that imports and links can name it.
type Matrix struct {
	ID         string       `json:"id"`
	Name       string       `json:"name"`
	NameEn     string       `json:"name_en"`
	Likelihood []ScaleLevel `json:"likelihood" doc:"the likelihood scale, lowest first"`
	Impact     []ScaleLevel `json:"impact" doc:"the impact scale, lowest first"`
	Bands      []Band       `json:"bands" doc:"score ranges to levels, lowest first, covering 1 to the highest score without gap"`
	Builtin    bool         `json:"builtin"`
}

// MaxScore is the highest score the matrix can give.
func (m *Matrix) MaxScore() int { return len(m.Likelihood) * len(m.Impact) }

// Rate returns the score and level of a rating on the matrix, or an error
// naming the field that is out of range.
func (m *Matrix) Rate(likelihood, impact int) (int, Level, error) {
	var v errs.Validation
	if likelihood < 1 || likelihood > len(m.Likelihood) {
		v.Add("likelihood", "must be between 1 and %d on matrix %s", len(m.Likelihood), m.ID)
	}
	if impact < 1 || impact > len(m.Impact) {
		v.Add("impact", "must be between 1 and %d on matrix %s", len(m.Impact), m.ID)
	}
	if err := v.Err(); err != nil {
		return 0, "", err
	}
	score := likelihood * impact
	return score, m.LevelOf(score), nil
}

// LevelOf returns the level of the band holding score ("" when none does,
// which Validate rules out for stored matrices).
func (m *Matrix) LevelOf(score int) Level {
	for _, b := range m.Bands {
		if score >= b.Min && score <= b.Max {
			return b.Level
		}
	}
	return ""
}

// BandOf returns the band holding score.
func (m *Matrix) BandOf(score int) (Band, bool) {
	for _, b := range m.Bands {
		if score >= b.Min && score <= b.Max {
			return b, true
		}
	}
	return Band{}, false
}

// Validate checks that the scales are numbered 1, 2, 3… with labels in
// both languages and that the bands cover every score from 1 to the
// highest exactly once, with levels that never go down as scores go up.
func (m *Matrix) Validate() error {
	var v errs.Validation
	v.Required("id", m.ID)
	v.MaxLen("id", m.ID, 20)
	v.Required("name", m.Name)
	v.MaxLen("name", m.Name, 200)
	v.MaxLen("name_en", m.NameEn, 200)
	scale := func(name string, s []ScaleLevel) {
		if len(s) < 2 || len(s) > 10 {
			v.Add(name, "must have between 2 and 10 levels")
		}
		for i, l := range s {
			f := name + "[" + strconv.Itoa(i) + "]"
			v.Check(l.Value == i+1, f+".value", fmt.Sprintf("must be %d: values count from 1 in order", i+1))
			v.Required(f+".label", l.Label)
			v.Required(f+".label_en", l.LabelEn)
		}
	}
	scale("likelihood", m.Likelihood)
	scale("impact", m.Impact)
	next, prevRank := 1, 0
	for i, b := range m.Bands {
		f := "bands[" + strconv.Itoa(i) + "]"
		if b.Min != next {
			v.Add(f+".min", "must be %d: bands must cover every score from 1 without gap or overlap", next)
		}
		if b.Max < b.Min {
			v.Add(f+".max", "must not be below min")
		}
		if !b.Level.Valid() {
			v.Add(f+".level", "must be one of low, medium, high, critical")
		} else if b.Level.Rank() < prevRank {
			v.Add(f+".level", "must not be lower than the level of the band before")
		}
		prevRank = b.Level.Rank()
		v.Required(f+".color", b.Color)
		next = b.Max + 1
	}
	if len(m.Bands) == 0 {
		v.Add("bands", "at least one band is needed")
	} else if next-1 != m.MaxScore() {
		v.Add("bands", "must end at the highest score, %d", m.MaxScore())
	}
	return v.Err()
}

// The colours of the levels: the blue/yellow/orange/red of Chinese risk
// grading (蓝/黄/橙/红).
const (
	ColorLow      = "#2f7ed8"
	ColorMedium   = "#f2c12e"
	ColorHigh     = "#f28c28"
	ColorCritical = "#d9342b"
)

func band(minScore, maxScore int, l Level) Band {
	zh, en := LevelLabel(l)
	color := map[Level]string{Low: ColorLow, Medium: ColorMedium, High: ColorHigh, Critical: ColorCritical}[l]
	return Band{Min: minScore, Max: maxScore, Level: l, Label: zh, LabelEn: en, Color: color}
}

func scale(labels ...string) []ScaleLevel {
	out := make([]ScaleLevel, 0, len(labels)/2)
	for i := 0; i+1 < len(labels); i += 2 {
		out = append(out, ScaleLevel{Value: i/2 + 1, Label: labels[i], LabelEn: labels[i+1]})
	}
	return out
}

// BuiltinMatrices returns the matrices every installation starts with, as
// migration 0003 stores them: the qualitative 3×3 of small organisations
// (the e-commerce example of seed 001), a 4×4, and the scored 5×5 of banks
// and insurers (seed 001's finance example: score = likelihood × impact,
// 1–4 low … 15–25 critical).
func BuiltinMatrices() []Matrix {
	m3 := Matrix{ID: "3x3", Name: "三级定性矩阵", NameEn: "3×3 qualitative matrix", Builtin: true,
		Likelihood: scale("低", "Low", "中", "Medium", "高", "High"),
		Impact:     scale("低", "Low", "中", "Medium", "高", "High"),
		Bands:      []Band{band(1, 2, Low), band(3, 4, Medium), band(5, 6, High), band(7, 9, Critical)},
	}
	m4 := Matrix{ID: "4x4", Name: "四级矩阵", NameEn: "4×4 matrix", Builtin: true,
		Likelihood: scale("不太可能", "Unlikely", "可能", "Possible", "很可能", "Likely", "几乎确定", "Almost certain"),
		Impact:     scale("轻微", "Minor", "中等", "Moderate", "严重", "Major", "灾难性", "Catastrophic"),
		Bands:      []Band{band(1, 3, Low), band(4, 6, Medium), band(7, 9, High), band(10, 16, Critical)},
	}
	m5 := Matrix{ID: "5x5", Name: "五级评分矩阵", NameEn: "5×5 scored matrix", Builtin: true,
		Likelihood: scale("极低", "Rare", "低", "Unlikely", "中", "Possible", "高", "Likely", "极高", "Almost certain"),
		Impact:     scale("可忽略", "Negligible", "轻微", "Minor", "中等", "Moderate", "严重", "Major", "灾难性", "Catastrophic"),
		Bands:      []Band{band(1, 4, Low), band(5, 9, Medium), band(10, 14, High), band(15, 25, Critical)},
	}
	return []Matrix{m3, m4, m5}
}
