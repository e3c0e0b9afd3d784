package plangen

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/org"
	"github.com/continuo-bcm/continuo/internal/risk"
)

//go:embed kb
var builtinFS embed.FS

// Text is a piece of knowledge-base text in both languages of the product.
// Text may hold variables in braces ({industry}, {payment_providers}, …;
// see Variables) that the engine fills from the input.
type Text struct {
	Zh string `json:"zh"`
	En string `json:"en"`
}

// In returns the text in the language lang ("zh-CN" or "en").
func (t Text) In(lang string) string {
	if lang == LangEn {
		return t.En
	}
	return t.Zh
}

// Variables are the names a knowledge-base text may use in braces.
var Variables = []string{
	"industry", "size", "region", "hazard",
	"payment_providers", "logistics_providers", "critical_systems",
	"sites", "regulators", "emergency_numbers",
}

// RiskTemplate is a risk the knowledge base knows, with its default rating
// on the 5×5 matrix (1 rare/negligible … 5 almost certain/catastrophic).
type RiskTemplate struct {
	ID          string        `json:"id"`
	Category    risk.Category `json:"category"`
	Scope       string        `json:"scope"` // internal or external
	Title       Text          `json:"title"`
	Cause       Text          `json:"cause"`
	Consequence Text          `json:"consequence"`
	Likelihood  int           `json:"likelihood"`
	Impact      int           `json:"impact"`
	Mitigations []Text        `json:"mitigations"`
	Owner       string        `json:"owner"`              // role id
	Playbook    string        `json:"playbook,omitempty"` // playbook id
	Months      []int         `json:"months,omitempty"`   // season, for hazards; empty for all year
	MinSize     string        `json:"min_size,omitempty"`
	// Drill is the exercise kind that rehearses a hazard, in DrillMonth or,
	// when that is 0, in the month before its season; empty for none.
	Drill      string `json:"drill,omitempty"`
	DrillMonth int    `json:"drill_month,omitempty"`
}

// RiskAdjustment changes the default rating of a common risk for an
// industry or a region.
type RiskAdjustment struct {
	Likelihood int `json:"likelihood,omitempty"`
	Impact     int `json:"impact,omitempty"`
}

// ActionTemplate is one step of a playbook.
type ActionTemplate struct {
	Owner  string `json:"owner"`  // role id
	Within int    `json:"within"` // minutes after activation
	Text   Text   `json:"text"`
}

// PlaybookTemplate is a scenario playbook.
type PlaybookTemplate struct {
	ID         string           `json:"id"`
	Title      Text             `json:"title"`
	Trigger    Text             `json:"trigger"`
	Activation string           `json:"activation"` // role id
	Actions    []ActionTemplate `json:"actions"`
	MinSize    string           `json:"min_size,omitempty"`
}

// FunctionTemplate is a critical business function with its impact
// profile and recovery objectives.
type FunctionTemplate struct {
	ID   string `json:"id"`
	Name Text   `json:"name"`
	// Important marks the 重要业务 that a regulator's recovery caps apply to.
	Important bool `json:"important,omitempty"`
	RTO       int  `json:"rto_minutes"`
	RPO       int  `json:"rpo_minutes"`
	MBCO      Text `json:"mbco"`
	Strategy  Text `json:"strategy"`
	// Impacts rates each impact category (financial, operational,
	// reputational, regulatory, customer, safety) 1–5 at each of the
	// common time points; a category left out is rated 1 throughout.
	Impacts map[string][]int `json:"impacts"`
	MinSize string           `json:"min_size,omitempty"`
}

// RecoveryCap is a regulator's limit on the recovery objectives of
// important functions in one jurisdiction.
type RecoveryCap struct {
	RTO   int  `json:"rto_minutes"`
	RPO   int  `json:"rpo_minutes"`
	Basis Text `json:"basis"`
}

// RoleTemplate is a role in the response organisation. A role whose
// MinSize is above the organisation's size is held by the role FoldTo.
type RoleTemplate struct {
	ID      string `json:"id"`
	Name    Text   `json:"name"`
	Duties  Text   `json:"duties"`
	MinSize string `json:"min_size,omitempty"`
	FoldTo  string `json:"fold_to,omitempty"`
}

// TeamTemplate is a team of the response organisation: its kind (the
// team kinds of the organisation model) and its roles, leader first.
type TeamTemplate struct {
	ID      string       `json:"id"`
	Kind    org.TeamKind `json:"kind"`
	Name    Text         `json:"name"`
	Duties  Text         `json:"duties"`
	Roles   []string     `json:"roles"`
	MinSize string       `json:"min_size,omitempty"`
	MaxSize string       `json:"max_size,omitempty"`
}

// ResourceTemplate is a resource to hold ready.
type ResourceTemplate struct {
	ID       string `json:"id"`
	Kind     string `json:"kind"`
	Item     Text   `json:"item"`
	Quantity Text   `json:"quantity"`
	Owner    string `json:"owner"`
	MinSize  string `json:"min_size,omitempty"`
	MaxSize  string `json:"max_size,omitempty"`
	// MultiSite limits the resource to organisations with more than one site.
	MultiSite bool `json:"multi_site,omitempty"`
}

// DrillTemplate is an exercise the plan can schedule.
type DrillTemplate struct {
	ID       string `json:"id"`
	Kind     string `json:"kind"` // tabletop, functional, full_scale
	Title    Text   `json:"title"`
	Scope    Text   `json:"scope"`
	Playbook string `json:"playbook,omitempty"`
	Month    int    `json:"month,omitempty"` // a fixed month of the year; 0 to place freely
	MinSize  string `json:"min_size,omitempty"`
	Priority int    `json:"priority"` // lower first when a size allows only a few drills
}

// AudienceTemplate is an audience of the communication strategy.
type AudienceTemplate struct {
	ID       string `json:"id"`
	Name     Text   `json:"name"`
	Owner    string `json:"owner"`
	Within   int    `json:"within"` // minutes after activation of the first message
	Cadence  Text   `json:"cadence"`
	Subject  Text   `json:"subject"`
	Message  Text   `json:"message"`
	MinSize  string `json:"min_size,omitempty"`
	Optional bool   `json:"optional,omitempty"` // only when an industry asks for it
}

// AudienceOverride changes an audience for an industry.
type AudienceOverride struct {
	Name    *Text `json:"name,omitempty"`
	Subject *Text `json:"subject,omitempty"`
	Message *Text `json:"message,omitempty"`
	Include bool  `json:"include,omitempty"` // include an optional audience
}

// TrainingTemplate is a training course.
type TrainingTemplate struct {
	ID        string `json:"id"`
	Audience  Text   `json:"audience"`
	Topic     Text   `json:"topic"`
	Format    Text   `json:"format"`
	Frequency Text   `json:"frequency"`
	Hours     int    `json:"hours"`
	MinSize   string `json:"min_size,omitempty"`
}

// NoteTemplate is a titled paragraph: a technology note or an industry
// consideration.
type NoteTemplate struct {
	ID      string `json:"id"`
	Title   Text   `json:"title"`
	Body    Text   `json:"body"`
	MinSize string `json:"min_size,omitempty"`
}

// RegulationTemplate is a law, rule or standard that shapes the plan, in
// the jurisdictions where it applies ("*" for all).
type RegulationTemplate struct {
	ID            string   `json:"id"`
	Name          Text     `json:"name"`
	Requirement   Text     `json:"requirement"`
	Jurisdictions []string `json:"jurisdictions"`
}

// Priority is the response a risk level calls for.
type Priority struct {
	Level  risk.Level `json:"level"`
	Action Text       `json:"action"`
}

// Common is the cross-cutting part of the knowledge base.
type Common struct {
	Title          Text               `json:"title"`
	Summary        Text               `json:"summary"`
	Labels         map[string]Text    `json:"labels"`
	Roles          []RoleTemplate     `json:"roles"`
	Teams          []TeamTemplate     `json:"teams"`
	Risks          []RiskTemplate     `json:"risks"`
	Playbooks      []PlaybookTemplate `json:"playbooks"`
	Audiences      []AudienceTemplate `json:"audiences"`
	Resources      []ResourceTemplate `json:"resources"`
	Drills         []DrillTemplate    `json:"drills"`
	Training       []TrainingTemplate `json:"training"`
	Technology     []NoteTemplate     `json:"technology"`
	Priorities     []Priority         `json:"priorities"`
	TimePoints     []int              `json:"time_points_minutes"`
	ReviewTriggers []Text             `json:"review_triggers"`
}

// SizeProfile is how deep the plan goes for a company size.
type SizeProfile struct {
	ID            string `json:"id"`
	Rank          int    `json:"rank"`
	Name          Text   `json:"name"`
	Employees     Text   `json:"employees"`
	MaxRisks      int    `json:"max_risks"`
	MaxPlaybooks  int    `json:"max_playbooks"`
	DrillsPerYear int    `json:"drills_per_year"`
	ReviewMonths  int    `json:"review_months"`
	Approach      Text   `json:"approach"`
}

// IndustryPack is what the knowledge base knows of one industry.
type IndustryPack struct {
	ID             string                      `json:"id"`
	Aliases        []string                    `json:"aliases,omitempty"`
	Name           Text                        `json:"name"`
	Intro          Text                        `json:"intro"`
	Systems        Text                        `json:"systems"` // the usual critical systems, when the input names none
	ReviewMonths   int                         `json:"review_months"`
	Roles          []RoleTemplate              `json:"roles,omitempty"`
	Teams          []TeamTemplate              `json:"teams,omitempty"`
	Risks          []RiskTemplate              `json:"risks"`
	Adjust         map[string]RiskAdjustment   `json:"adjust,omitempty"`
	Exclude        []string                    `json:"exclude,omitempty"` // common risks that do not apply
	Functions      []FunctionTemplate          `json:"functions"`
	RecoveryCaps   map[string]RecoveryCap      `json:"recovery_caps,omitempty"` // by jurisdiction
	Playbooks      []PlaybookTemplate          `json:"playbooks"`
	Audiences      map[string]AudienceOverride `json:"audiences,omitempty"`
	Resources      []ResourceTemplate          `json:"resources"`
	Drills         []DrillTemplate             `json:"drills,omitempty"`
	Training       []TrainingTemplate          `json:"training,omitempty"`
	Technology     []NoteTemplate              `json:"technology,omitempty"`
	Considerations []NoteTemplate              `json:"considerations"`
	Regulations    []RegulationTemplate        `json:"regulations"`
}

// RegionProfile is what the knowledge base knows of one region: its
// hazards by season and its jurisdiction.
type RegionProfile struct {
	ID             string                    `json:"id"`
	Name           Text                      `json:"name"`
	Jurisdiction   string                    `json:"jurisdiction"`
	Hazards        []RiskTemplate            `json:"hazards"`
	Adjust         map[string]RiskAdjustment `json:"adjust,omitempty"`
	Resources      []ResourceTemplate        `json:"resources,omitempty"`
	Considerations []NoteTemplate            `json:"considerations,omitempty"`
}

// Jurisdiction holds what regions under one legal system share: the
// communication channels people use, the regulators, the emergency
// numbers and the usual payment and logistics providers.
type Jurisdiction struct {
	ID                 string               `json:"id"`
	Name               Text                 `json:"name"`
	Channels           map[string][]string  `json:"channels"`   // audience id → channel ids
	Regulators         map[string][]Text    `json:"regulators"` // "general" or an industry id → regulators
	Regulations        []RegulationTemplate `json:"regulations"`
	EmergencyNumbers   Text                 `json:"emergency_numbers"`
	PaymentProviders   Text                 `json:"payment_providers"`
	LogisticsProviders Text                 `json:"logistics_providers"`
}

// KB is a loaded, validated knowledge base.
type KB struct {
	Common        Common
	Sizes         []*SizeProfile // by rank
	Industries    []*IndustryPack
	Regions       []*RegionProfile
	Jurisdictions []*Jurisdiction
	// Version identifies the content: the first 12 hex digits of a SHA-256
	// over every file read, so that a draft can say which knowledge base
	// it came from.
	Version string

	sizes         map[string]*SizeProfile
	industries    map[string]*IndustryPack // by id and alias
	regions       map[string]*RegionProfile
	jurisdictions map[string]*Jurisdiction
	channels      map[string]Text
}

var (
	builtinOnce sync.Once
	builtinKB   *KB
	builtinErr  error
)

// Builtin returns the knowledge base embedded in the binary.
func Builtin() (*KB, error) {
	builtinOnce.Do(func() {
		sub, err := fs.Sub(builtinFS, "kb")
		if err != nil {
			builtinErr = err
			return
		}
		builtinKB, builtinErr = load(sub, nil)
	})
	return builtinKB, builtinErr
}

// LoadKB loads the built-in knowledge base with the files of user merged
// over it: an industry pack, region or jurisdiction with the id of a
// built-in one replaces it, a new id adds one; common.json and sizes.json,
// when present, replace the built-in ones. user uses the layout of the
// built-in base (common.json, sizes.json, industries/*.json,
// regions/*.json, jurisdictions/*.json). A nil user gives the built-in
// base. Every problem is reported with its file and field.
func LoadKB(user fs.FS) (*KB, error) {
	sub, err := fs.Sub(builtinFS, "kb")
	if err != nil {
		return nil, err
	}
	return load(sub, user)
}

// fileSet is the raw content of a knowledge base by file.
type fileSet struct {
	common        *Common
	commonFile    string
	sizes         []*SizeProfile
	sizesFile     string
	industries    map[string]*IndustryPack
	regions       map[string]*RegionProfile
	jurisdictions map[string]*Jurisdiction
	file          map[any]string // which file each pack came from
	hash          hash.Hash      // over every file read, in order
}

func load(base, user fs.FS) (*KB, error) {
	set := &fileSet{
		industries:    map[string]*IndustryPack{},
		regions:       map[string]*RegionProfile{},
		jurisdictions: map[string]*Jurisdiction{},
		file:          map[any]string{},
		hash:          sha256.New(),
	}
	var problems []errs.FieldError
	add := func(file, field, format string, args ...any) {
		problems = append(problems, errs.FieldError{Field: joinField(file, field), Message: fmt.Sprintf(format, args...)})
	}
	for _, fsys := range []fs.FS{base, user} {
		if fsys == nil {
			continue
		}
		readSet(fsys, set, add)
	}
	if len(problems) > 0 {
		return nil, &errs.Error{Code: errs.Invalid, Message: "knowledge base", Fields: problems}
	}
	kb := assemble(set)
	kb.Version = hex.EncodeToString(set.hash.Sum(nil))[:12]
	validate(kb, set, add)
	if len(problems) > 0 {
		return nil, &errs.Error{Code: errs.Invalid, Message: "knowledge base", Fields: problems}
	}
	return kb, nil
}

func joinField(file, field string) string {
	if field == "" {
		return file
	}
	return file + ": " + field
}

// readSet reads the files of one layer into set; packs replace packs of an
// earlier layer with the same id.
func readSet(fsys fs.FS, set *fileSet, add func(file, field, format string, args ...any)) {
	if ok, _ := exists(fsys, "common.json"); ok {
		var c Common
		if decode(fsys, "common.json", &c, add, set.hash) {
			set.common, set.commonFile = &c, "common.json"
		}
	}
	if ok, _ := exists(fsys, "sizes.json"); ok {
		var s struct {
			Sizes []*SizeProfile `json:"sizes"`
		}
		if decode(fsys, "sizes.json", &s, add, set.hash) {
			set.sizes, set.sizesFile = s.Sizes, "sizes.json"
		}
	}
	for _, dir := range []string{"industries", "regions", "jurisdictions"} {
		names, err := fs.Glob(fsys, dir+"/*.json")
		if err != nil {
			add(dir, "", "%v", err)
			continue
		}
		sort.Strings(names)
		// Within one layer an id may appear once; a later layer replaces.
		layer := map[string]string{}
		once := func(name, id string) bool {
			if other, dup := layer[id]; dup {
				add(name, "id", "%q is also the id of %s", id, other)
				return false
			}
			layer[id] = name
			return true
		}
		for _, name := range names {
			switch dir {
			case "industries":
				p := &IndustryPack{}
				if decode(fsys, name, p, add, set.hash) && once(name, p.ID) {
					set.industries[p.ID] = p
					set.file[p] = name
				}
			case "regions":
				p := &RegionProfile{}
				if decode(fsys, name, p, add, set.hash) && once(name, p.ID) {
					set.regions[p.ID] = p
					set.file[p] = name
				}
			case "jurisdictions":
				p := &Jurisdiction{}
				if decode(fsys, name, p, add, set.hash) && once(name, p.ID) {
					set.jurisdictions[p.ID] = p
					set.file[p] = name
				}
			}
		}
	}
}

func exists(fsys fs.FS, name string) (bool, error) {
	_, err := fs.Stat(fsys, name)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	return err == nil, err
}

// decode reads one JSON file strictly: an unknown field is an error, so a
// misspelt field name does not silently drop content.
func decode(fsys fs.FS, name string, v any, add func(file, field, format string, args ...any), h hash.Hash) bool {
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		add(name, "", "%v", err)
		return false
	}
	fmt.Fprintf(h, "%s %d\n", name, len(b))
	h.Write(b)
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		var se *json.SyntaxError
		switch {
		case errors.As(err, &te):
			add(name, te.Field, "must be %s, not %s", te.Type, te.Value)
		case errors.As(err, &se):
			line := 1 + strings.Count(string(b[:min(int(se.Offset), len(b))]), "\n")
			add(name, "", "invalid JSON at line %d: %v", line, err)
		default:
			msg := err.Error()
			if f, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
				add(name, strings.Trim(f, `"`), "is not a known field")
			} else {
				add(name, "", "%s", msg)
			}
		}
		return false
	}
	if dec.More() {
		add(name, "", "holds more than one JSON value")
		return false
	}
	return true
}

func assemble(set *fileSet) *KB {
	kb := &KB{
		sizes:         map[string]*SizeProfile{},
		industries:    map[string]*IndustryPack{},
		regions:       map[string]*RegionProfile{},
		jurisdictions: map[string]*Jurisdiction{},
		channels:      map[string]Text{},
	}
	if set.common != nil {
		kb.Common = *set.common
	}
	kb.Sizes = slices.Clone(set.sizes)
	slices.SortStableFunc(kb.Sizes, func(a, b *SizeProfile) int { return a.Rank - b.Rank })
	for _, s := range kb.Sizes {
		kb.sizes[s.ID] = s
	}
	for _, id := range sortedKeys(set.industries) {
		p := set.industries[id]
		kb.Industries = append(kb.Industries, p)
		kb.industries[p.ID] = p
	}
	for _, p := range kb.Industries {
		for _, a := range p.Aliases {
			if _, taken := kb.industries[a]; !taken {
				kb.industries[a] = p
			}
		}
	}
	for _, id := range sortedKeys(set.regions) {
		kb.Regions = append(kb.Regions, set.regions[id])
		kb.regions[id] = set.regions[id]
	}
	for _, id := range sortedKeys(set.jurisdictions) {
		kb.Jurisdictions = append(kb.Jurisdictions, set.jurisdictions[id])
		kb.jurisdictions[id] = set.jurisdictions[id]
	}
	for k, t := range kb.Common.Labels {
		if c, ok := strings.CutPrefix(k, "channel."); ok {
			kb.channels[c] = t
		}
	}
	return kb
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// Industry returns the pack for an industry id or alias.
func (kb *KB) Industry(id string) (*IndustryPack, bool) {
	p, ok := kb.industries[strings.ToLower(strings.TrimSpace(id))]
	return p, ok
}

// Region returns the profile of a region id.
func (kb *KB) Region(id string) (*RegionProfile, bool) {
	p, ok := kb.regions[strings.ToLower(strings.TrimSpace(id))]
	return p, ok
}

// Size returns the profile of a size id.
func (kb *KB) Size(id string) (*SizeProfile, bool) {
	p, ok := kb.sizes[strings.ToLower(strings.TrimSpace(id))]
	return p, ok
}

// fileOf names the file a pack came from, for error messages.
func (set *fileSet) fileOf(p any) string {
	if f, ok := set.file[p]; ok {
		return f
	}
	return path.Join("kb", fmt.Sprintf("%T", p))
}
