// Package i18n holds Continuo's message catalog for the web UI and generated
// documents, in Simplified Chinese (zh-CN) and English (en).
//
// The catalog is data: flat key → string maps (keys use dots, e.g.
// "nav.organise") embedded into the binary. messages/en.json and
// messages/zh-CN.json hold the shared and foundation messages; each area
// may keep its own pair, messages/<area>.en.json and
// messages/<area>.zh-CN.json. A key may be defined in one file per
// language only. Messages with arguments use fmt verbs ("Page %d of %d").
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Lang is a supported UI language, written as its BCP 47 tag so it can be
// used directly in <html lang="…">.
type Lang string

const (
	ZH Lang = "zh-CN" // Simplified Chinese
	EN Lang = "en"    // English
)

// Default is the language used when nothing better is known.
const Default = EN

// Langs lists the supported languages in display order.
var Langs = []Lang{ZH, EN}

//go:embed messages/*.json
var messageFiles embed.FS

var catalog map[Lang]map[string]string

func init() {
	var err error
	catalog, err = load()
	if err != nil {
		panic("i18n: " + err.Error())
	}
}

// catalogFiles returns the catalog files of lang: <lang>.json and every
// <area>.<lang>.json, in name order.
func catalogFiles(lang Lang) ([]string, error) {
	entries, err := messageFiles.ReadDir("messages")
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		name := e.Name()
		if name == string(lang)+".json" || strings.HasSuffix(name, "."+string(lang)+".json") {
			out = append(out, "messages/"+name)
		}
	}
	return out, nil
}

// load reads and merges the catalog files of every language.
func load() (map[Lang]map[string]string, error) {
	out := make(map[Lang]map[string]string, len(Langs))
	for _, l := range Langs {
		files, err := catalogFiles(l)
		if err != nil {
			return nil, err
		}
		if len(files) == 0 {
			return nil, fmt.Errorf("no catalog for %s", l)
		}
		m := make(map[string]string)
		from := make(map[string]string)
		for _, f := range files {
			data, err := messageFiles.ReadFile(f)
			if err != nil {
				return nil, err
			}
			var part map[string]string
			if err := json.Unmarshal(data, &part); err != nil {
				return nil, fmt.Errorf("%s: %v", f, err)
			}
			for k, v := range part {
				if prev, dup := from[k]; dup {
					return nil, fmt.Errorf("key %q is in both %s and %s", k, prev, f)
				}
				m[k], from[k] = v, f
			}
		}
		out[l] = m
	}
	return out, nil
}

// String returns the BCP 47 tag.
func (l Lang) String() string { return string(l) }

// Parse maps a language tag such as "zh-CN", "zh", "zh_Hans_CN", "en" or
// "en-GB" (case-insensitive) to a supported Lang.
func Parse(s string) (Lang, bool) {
	switch primary(s) {
	case "zh", "cmn":
		return ZH, true
	case "en":
		return EN, true
	}
	return "", false
}

// primary returns the lower-cased primary subtag of a language tag.
func primary(tag string) string {
	tag = strings.ToLower(strings.TrimSpace(tag))
	if i := strings.IndexAny(tag, "-_"); i >= 0 {
		tag = tag[:i]
	}
	return tag
}

// Negotiate picks the UI language from an Accept-Language header value
// (RFC 9110 §12.5.4). Chinese in any variant (zh, zh-CN, zh-TW, zh-Hans, …)
// maps to ZH and English variants map to EN; other languages are ignored.
// The supported language with the highest q-value wins; on a tie the one
// listed first wins. A wildcard "*" stands for any supported language not
// listed explicitly. Languages with q=0 are refused. When no supported
// language is acceptable, or the header is empty or malformed, Negotiate
// returns EN.
func Negotiate(acceptLanguage string) Lang {
	type pref struct {
		q   float64
		pos int
		set bool
	}
	var zh, en, star pref
	better := func(p *pref, q float64, pos int) {
		if !p.set || q > p.q {
			*p = pref{q: q, pos: pos, set: true}
		}
	}
	for pos, part := range strings.Split(acceptLanguage, ",") {
		tag, params, _ := strings.Cut(part, ";")
		tag = strings.TrimSpace(tag)
		if tag == "" {
			continue
		}
		q, ok := qValue(params)
		if !ok {
			continue
		}
		if tag == "*" {
			better(&star, q, pos)
			continue
		}
		switch l, _ := Parse(tag); l {
		case ZH:
			better(&zh, q, pos)
		case EN:
			better(&en, q, pos)
		}
	}
	if !zh.set {
		zh = star
	}
	if !en.set {
		en = star
	}
	if zh.set && zh.q > 0 && (!en.set || zh.q > en.q || zh.q == en.q && zh.pos < en.pos) {
		return ZH
	}
	return EN
}

// qValue parses the parameters after a language range and returns its
// q-value (1 when absent). ok is false for a malformed q-value.
func qValue(params string) (q float64, ok bool) {
	q = 1
	for _, p := range strings.Split(params, ";") {
		k, v, _ := strings.Cut(p, "=")
		if !strings.EqualFold(strings.TrimSpace(k), "q") {
			continue
		}
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || f < 0 || f > 1 {
			return 0, false
		}
		q = f
	}
	return q, true
}

// T returns the message for key in lang, formatted with fmt.Sprintf when args
// are given. Unsupported languages fall back to English; a key missing from
// the catalog is returned unchanged so that gaps are visible in the UI.
func T(lang Lang, key string, args ...any) string {
	msg, ok := lookup(lang, key)
	if !ok {
		return key
	}
	if len(args) == 0 {
		return msg
	}
	return fmt.Sprintf(msg, args...)
}

func lookup(lang Lang, key string) (string, bool) {
	if m, ok := catalog[lang]; ok {
		if msg, ok := m[key]; ok {
			return msg, true
		}
	}
	msg, ok := catalog[Default][key]
	return msg, ok
}

// Has reports whether key exists in the catalog.
func Has(key string) bool {
	_, ok := catalog[Default][key]
	return ok
}

// Keys returns all catalog keys in sorted order.
func Keys() []string {
	keys := make([]string, 0, len(catalog[Default]))
	for k := range catalog[Default] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Translator binds a language for use in templates:
//
//	{{ .Tr.T "nav.organise" }}  {{ .Tr.T "common.page_of" .Page .Pages }}
type Translator struct {
	lang Lang
}

// For returns a Translator for lang. Unsupported values behave like English.
func For(lang Lang) Translator {
	if _, ok := catalog[lang]; !ok {
		lang = Default
	}
	return Translator{lang: lang}
}

// T is the method form of the package-level T.
func (t Translator) T(key string, args ...any) string {
	return T(t.lang, key, args...)
}

// Lang returns the translator's language; the zero Translator is English.
func (t Translator) Lang() Lang {
	if t.lang == "" {
		return Default
	}
	return t.lang
}
