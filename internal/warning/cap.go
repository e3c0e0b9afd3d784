package warning

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/continuo-bcm/continuo/internal/errs"
)

// CAPNamespace is the XML namespace of OASIS Common Alerting Protocol 1.2.
const CAPNamespace = "urn:oasis:names:tc:emergency:cap:1.2"

// The CAP 1.2 enumerations.
var (
	CAPStatuses     = []string{"Actual", "Exercise", "System", "Test", "Draft"}
	CAPMsgTypes     = []string{"Alert", "Update", "Cancel", "Ack", "Error"}
	CAPScopes       = []string{"Public", "Restricted", "Private"}
	CAPUrgencies    = []string{"Immediate", "Expected", "Future", "Past", "Unknown"}
	CAPSeverities   = []string{"Extreme", "Severe", "Moderate", "Minor", "Unknown"}
	CAPCertainties  = []string{"Observed", "Likely", "Possible", "Unlikely", "Unknown"}
	CAPResponseType = []string{"Shelter", "Evacuate", "Prepare", "Execute", "Avoid", "Monitor", "Assess", "AllClear", "None"}
)

// The parameter and geocode names Continuo writes and reads in CAP.
const (
	CAPParamIndicator = "continuo_indicator" // indicator code the alert feeds
	CAPParamWarning   = "continuo_warning"   // id of the published warning
	CAPGeocodeUnit    = "continuo_unit"      // org unit code of an affected unit
)

// CAPTimeLayout is the CAP dateTime form: seconds and an explicit offset.
// UTC is written -00:00, never Z.
const CAPTimeLayout = "2006-01-02T15:04:05-07:00"

// CAPTime is a CAP dateTime.
type CAPTime struct{ time.Time }

// FormatCAPTime writes t as CAP wants it: -00:00 for UTC.
func FormatCAPTime(t time.Time) string {
	_, off := t.Zone()
	if off == 0 {
		return t.UTC().Format("2006-01-02T15:04:05") + "-00:00"
	}
	return t.Format(CAPTimeLayout)
}

func parseCAPTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if strings.HasSuffix(s, "Z") || strings.HasSuffix(s, "z") {
		return time.Time{}, fmt.Errorf("%q: CAP writes UTC as -00:00, not Z", s)
	}
	t, err := time.Parse(CAPTimeLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a CAP dateTime such as 2026-07-01T08:00:00+08:00", s)
	}
	return t, nil
}

// CAPValue is a valueName/value pair (eventCode, parameter, geocode).
type CAPValue struct {
	ValueName string `xml:"valueName"`
	Value     string `xml:"value"`
}

// CAPResource is a file that goes with an info block.
type CAPResource struct {
	ResourceDesc string `xml:"resourceDesc"`
	MimeType     string `xml:"mimeType"`
	Size         string `xml:"size,omitempty"`
	URI          string `xml:"uri,omitempty"`
	DerefURI     string `xml:"derefUri,omitempty"`
	Digest       string `xml:"digest,omitempty"`
}

// CAPArea is an affected area.
type CAPArea struct {
	AreaDesc string     `xml:"areaDesc"`
	Polygon  []string   `xml:"polygon,omitempty"`
	Circle   []string   `xml:"circle,omitempty"`
	Geocode  []CAPValue `xml:"geocode,omitempty"`
	Altitude string     `xml:"altitude,omitempty"`
	Ceiling  string     `xml:"ceiling,omitempty"`
}

// CAPInfo is one info block: the alert in one language.
type CAPInfo struct {
	Language     string        `xml:"language,omitempty"`
	Category     []string      `xml:"category"`
	Event        string        `xml:"event"`
	ResponseType []string      `xml:"responseType,omitempty"`
	Urgency      string        `xml:"urgency"`
	Severity     string        `xml:"severity"`
	Certainty    string        `xml:"certainty"`
	Audience     string        `xml:"audience,omitempty"`
	EventCode    []CAPValue    `xml:"eventCode,omitempty"`
	Effective    string        `xml:"effective,omitempty"`
	Onset        string        `xml:"onset,omitempty"`
	Expires      string        `xml:"expires,omitempty"`
	SenderName   string        `xml:"senderName,omitempty"`
	Headline     string        `xml:"headline,omitempty"`
	Description  string        `xml:"description,omitempty"`
	Instruction  string        `xml:"instruction,omitempty"`
	Web          string        `xml:"web,omitempty"`
	Contact      string        `xml:"contact,omitempty"`
	Parameter    []CAPValue    `xml:"parameter,omitempty"`
	Resource     []CAPResource `xml:"resource,omitempty"`
	Area         []CAPArea     `xml:"area,omitempty"`
}

// CAPAlert is a CAP 1.2 alert message.
type CAPAlert struct {
	XMLName     xml.Name  `xml:"urn:oasis:names:tc:emergency:cap:1.2 alert"`
	Identifier  string    `xml:"identifier"`
	Sender      string    `xml:"sender"`
	Sent        string    `xml:"sent"`
	Status      string    `xml:"status"`
	MsgType     string    `xml:"msgType"`
	Source      string    `xml:"source,omitempty"`
	Scope       string    `xml:"scope"`
	Restriction string    `xml:"restriction,omitempty"`
	Addresses   string    `xml:"addresses,omitempty"`
	Code        []string  `xml:"code,omitempty"`
	Note        string    `xml:"note,omitempty"`
	References  string    `xml:"references,omitempty"`
	Incidents   string    `xml:"incidents,omitempty"`
	Info        []CAPInfo `xml:"info,omitempty"`

	// SentAt is Sent parsed.
	SentAt time.Time `xml:"-"`
}

// Ref is how other messages refer to this one: "sender,identifier".
func (a *CAPAlert) Ref() string { return a.Sender + "," + a.Identifier }

// the single-valued elements of alert and info, to refuse a document that
// repeats one (encoding/xml would keep the last silently).
var (
	capAlertSingles = []string{"identifier", "sender", "sent", "status", "msgType", "source", "scope", "restriction", "addresses", "note", "references", "incidents"}
	capInfoSingles  = []string{"language", "event", "urgency", "severity", "certainty", "audience", "effective", "onset", "expires", "senderName", "headline", "description", "instruction", "web", "contact"}
)

// ParseCAP reads one CAP 1.2 alert strictly: well-formed XML in the CAP
// 1.2 namespace, every required element present once, enumerated values
// from their lists and times in the CAP form. Errors name the element,
// such as alert.info[0].severity.
func ParseCAP(r io.Reader) (CAPAlert, error) {
	var a CAPAlert
	body, err := io.ReadAll(io.LimitReader(r, 4<<20))
	if err != nil {
		return a, err
	}
	if err := checkCAPStructure(body); err != nil {
		return a, err
	}
	if err := xml.Unmarshal(body, &a); err != nil {
		return a, errs.Field("alert", "%v", err)
	}
	return a, a.Validate()
}

// checkCAPStructure walks the tokens once: it reports malformed XML with
// its line, a root other than a CAP 1.2 alert, and repeated single-valued
// elements.
func checkCAPStructure(body []byte) error {
	dec := xml.NewDecoder(bytes.NewReader(body))
	dec.Strict = true
	var stack []string
	var counts []map[string]int
	infoIndex := -1
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				return errs.Field("alert", "is not well-formed XML: line %d: %s", se.Line, se.Msg)
			}
			return errs.Field("alert", "is not well-formed XML: %v", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if len(stack) == 0 {
				if t.Name.Local != "alert" {
					return errs.Field("alert", "the root element is <%s>, not a CAP <alert>", t.Name.Local)
				}
				if t.Name.Space != CAPNamespace {
					return errs.Field("alert", "namespace %q is not CAP 1.2 (%s)", t.Name.Space, CAPNamespace)
				}
			}
			if len(stack) > 0 {
				counts[len(counts)-1][t.Name.Local]++
				n := counts[len(counts)-1][t.Name.Local]
				parent := stack[len(stack)-1]
				if parent == "alert" && t.Name.Local == "info" {
					infoIndex++
				}
				if n > 1 {
					if parent == "alert" && oneOf(t.Name.Local, capAlertSingles) {
						return errs.Field("alert."+t.Name.Local, "appears more than once")
					}
					if parent == "info" && len(stack) == 2 && oneOf(t.Name.Local, capInfoSingles) {
						return errs.Field(fmt.Sprintf("alert.info[%d].%s", infoIndex, t.Name.Local), "appears more than once")
					}
				}
			}
			stack = append(stack, t.Name.Local)
			counts = append(counts, map[string]int{})
		case xml.EndElement:
			stack = stack[:len(stack)-1]
			counts = counts[:len(counts)-1]
		}
	}
	if len(counts) != 0 {
		return errs.Field("alert", "is not well-formed XML: unexpected end")
	}
	return nil
}

// Validate checks the alert against CAP 1.2.
func (a *CAPAlert) Validate() error {
	var v errs.Validation
	trim := func(s *string) { *s = strings.TrimSpace(*s) }
	for _, s := range []*string{&a.Identifier, &a.Sender, &a.Sent, &a.Status, &a.MsgType, &a.Scope, &a.References, &a.Restriction, &a.Addresses} {
		trim(s)
	}
	required := func(f, s string) bool {
		if s == "" {
			v.Add(f, "is required")
			return false
		}
		return true
	}
	noSpecials := func(f, s string) {
		if strings.ContainsAny(s, " ,<&") {
			v.Add(f, "must not contain spaces, commas, < or &")
		}
	}
	enum := func(f, s string, set []string) {
		if required(f, s) && !oneOf(s, set) {
			v.Add(f, "%q is not one of %s", s, strings.Join(set, ", "))
		}
	}
	if required("alert.identifier", a.Identifier) {
		noSpecials("alert.identifier", a.Identifier)
	}
	if required("alert.sender", a.Sender) {
		noSpecials("alert.sender", a.Sender)
	}
	if required("alert.sent", a.Sent) {
		t, err := parseCAPTime(a.Sent)
		if err != nil {
			v.Add("alert.sent", "%v", err)
		}
		a.SentAt = t
	}
	enum("alert.status", a.Status, CAPStatuses)
	enum("alert.msgType", a.MsgType, CAPMsgTypes)
	enum("alert.scope", a.Scope, CAPScopes)
	if a.Scope == "Restricted" && a.Restriction == "" {
		v.Add("alert.restriction", "is required when the scope is Restricted")
	}
	if a.Scope == "Private" && a.Addresses == "" {
		v.Add("alert.addresses", "is required when the scope is Private")
	}
	if (a.MsgType == "Update" || a.MsgType == "Cancel") && a.References == "" {
		v.Add("alert.references", "is required for msgType %s", a.MsgType)
	}
	for i, ref := range strings.Fields(a.References) {
		if parts := strings.Split(ref, ","); len(parts) != 3 {
			v.Add("alert.references", "entry %d %q is not sender,identifier,sent", i+1, ref)
		} else if _, err := parseCAPTime(parts[2]); err != nil {
			v.Add("alert.references", "entry %d: %v", i+1, err)
		}
	}
	if len(a.Info) == 0 && (a.MsgType == "Alert" || a.MsgType == "Update") {
		v.Add("alert.info", "is required: an alert or update needs at least one info block")
	}
	for i := range a.Info {
		in := &a.Info[i]
		f := "alert.info[" + strconv.Itoa(i) + "]."
		for _, s := range []*string{&in.Language, &in.Event, &in.Urgency, &in.Severity, &in.Certainty, &in.Effective, &in.Onset, &in.Expires, &in.Headline} {
			trim(s)
		}
		if len(in.Category) == 0 {
			v.Add(f+"category", "is required")
		}
		for j, c := range in.Category {
			if !oneOf(strings.TrimSpace(c), Categories) {
				v.Add(f+"category", "%q (entry %d) is not one of %s", c, j+1, strings.Join(Categories, ", "))
			}
			in.Category[j] = strings.TrimSpace(c)
		}
		required(f+"event", in.Event)
		for _, rt := range in.ResponseType {
			if !oneOf(strings.TrimSpace(rt), CAPResponseType) {
				v.Add(f+"responseType", "%q is not one of %s", rt, strings.Join(CAPResponseType, ", "))
			}
		}
		enum(f+"urgency", in.Urgency, CAPUrgencies)
		enum(f+"severity", in.Severity, CAPSeverities)
		enum(f+"certainty", in.Certainty, CAPCertainties)
		for _, tf := range []struct {
			name, val string
		}{{"effective", in.Effective}, {"onset", in.Onset}, {"expires", in.Expires}} {
			if tf.val != "" {
				if _, err := parseCAPTime(tf.val); err != nil {
					v.Add(f+tf.name, "%v", err)
				}
			}
		}
		for j, ar := range in.Area {
			if strings.TrimSpace(ar.AreaDesc) == "" {
				v.Add(f+"area["+strconv.Itoa(j)+"].areaDesc", "is required")
			}
		}
		for j, r := range in.Resource {
			rf := f + "resource[" + strconv.Itoa(j) + "]."
			required(rf+"resourceDesc", strings.TrimSpace(r.ResourceDesc))
			required(rf+"mimeType", strings.TrimSpace(r.MimeType))
		}
	}
	return v.Err()
}

// References returns the "sender,identifier" of each referenced message.
func (a *CAPAlert) ReferencedRefs() []string {
	var out []string
	for _, ref := range strings.Fields(a.References) {
		if parts := strings.Split(ref, ","); len(parts) == 3 {
			out = append(out, parts[0]+","+parts[1])
		}
	}
	return out
}

// SeverityLevel maps CAP severity to a warning level as the Chinese
// national warning-release system does (GB/T 35965.1): Extreme red,
// Severe orange, Moderate yellow, Minor blue.
func SeverityLevel(s string) Level {
	switch s {
	case "Extreme":
		return Red
	case "Severe":
		return Orange
	case "Moderate":
		return Yellow
	case "Minor":
		return Blue
	}
	return None
}

// LevelSeverity is the CAP severity of a level.
func LevelSeverity(l Level) string {
	switch l {
	case Red:
		return "Extreme"
	case Orange:
		return "Severe"
	case Yellow:
		return "Moderate"
	case Blue:
		return "Minor"
	}
	return "Unknown"
}

// levelUrgency is the CAP urgency of a warning at a level: red and
// orange warnings call for action now.
func levelUrgency(l Level) string {
	switch l {
	case Red, Orange:
		return "Immediate"
	case Yellow:
		return "Expected"
	}
	return "Future"
}

// colourIn finds a warning colour named in a CAP event or headline, such
// as 台风橙色预警 or "Typhoon Orange Warning".
func colourIn(s string) Level {
	low := strings.ToLower(s)
	for _, c := range []struct {
		l      Level
		zh, en string
	}{{Red, "红色", "red"}, {Orange, "橙色", "orange"}, {Yellow, "黄色", "yellow"}, {Blue, "蓝色", "blue"}} {
		if strings.Contains(s, c.zh) || strings.Contains(low, c.en+" warning") || strings.Contains(low, c.en+" alert") || strings.Contains(low, c.en+" signal") {
			return c.l
		}
	}
	return None
}

// CAPDraft is what a CAP alert says about a warning.
type CAPDraft struct {
	Warning   Warning // level, titles, category, area, impact, measures, valid until
	Indicator string  // the indicator code, when the alert names one
	UnitCodes []string
	WarningID int64 // set when the alert is one Continuo published
	Lift      bool  // a Cancel, or an info whose urgency is Past: the danger is over
}

// Draft reads the warning an alert describes: the first Chinese info block
// gives the title, an English one the English title; the level comes from
// the severity, or, when that is Unknown, from a colour named in the event
// or headline.
func (a *CAPAlert) Draft() (CAPDraft, error) {
	var d CAPDraft
	d.Lift = a.MsgType == "Cancel"
	if len(a.Info) == 0 {
		if d.Lift {
			return d, nil
		}
		return d, errs.Field("alert.info", "is required")
	}
	main, mainIdx := &a.Info[0], 0
	var en *CAPInfo
	for i := range a.Info {
		lang := strings.ToLower(a.Info[i].Language)
		if strings.HasPrefix(lang, "zh") && !strings.HasPrefix(strings.ToLower(main.Language), "zh") {
			main, mainIdx = &a.Info[i], i
		}
		if strings.HasPrefix(lang, "en") || lang == "" {
			if en == nil {
				en = &a.Info[i]
			}
		}
	}
	w := &d.Warning
	w.Title = first(main.Headline, main.Event)
	if en != nil && en != main {
		w.TitleEn = first(en.Headline, en.Event)
	} else if strings.HasPrefix(strings.ToLower(main.Language), "en") || main.Language == "" {
		w.TitleEn = w.Title
	}
	w.Category = main.Category[0]
	w.Impact = strings.TrimSpace(main.Description)
	w.Measures = strings.TrimSpace(main.Instruction)
	w.Level = SeverityLevel(main.Severity)
	if w.Level == None {
		w.Level = colourIn(main.Event + " " + main.Headline)
	}
	if w.Level == None && !d.Lift {
		return d, errs.Field(fmt.Sprintf("alert.info[%d].severity", mainIdx), "%s cannot be mapped to a warning level, and the event names no warning colour", main.Severity)
	}
	if main.Urgency == "Past" {
		d.Lift = true
	}
	if main.Expires != "" {
		t, _ := parseCAPTime(main.Expires)
		t = t.UTC()
		w.ValidUntil = &t
	}
	var areas []string
	for _, ar := range main.Area {
		if desc := strings.TrimSpace(ar.AreaDesc); desc != "—" {
			areas = append(areas, desc)
		}
		for _, g := range ar.Geocode {
			if g.ValueName == CAPGeocodeUnit && strings.TrimSpace(g.Value) != "" {
				d.UnitCodes = append(d.UnitCodes, strings.TrimSpace(g.Value))
			}
		}
	}
	w.Area = strings.Join(areas, "; ")
	for _, p := range append(append([]CAPValue{}, main.Parameter...), main.EventCode...) {
		switch p.ValueName {
		case CAPParamIndicator:
			d.Indicator = strings.TrimSpace(p.Value)
		case CAPParamWarning:
			d.WarningID, _ = strconv.ParseInt(strings.TrimSpace(p.Value), 10, 64)
		}
	}
	return d, nil
}

func first(ss ...string) string {
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			return s
		}
	}
	return ""
}

// Publication is what a published warning needs beyond the warning: the
// sender's identity and the codes of the affected units.
type Publication struct {
	Sender     string // e.g. continuo@bcm.example.com
	SenderName string
	UnitCodes  []string
	Web        string // link to the warning
}

// capIdentifier names one published state of a warning.
func capIdentifier(w *Warning, at time.Time) string {
	return fmt.Sprintf("continuo-warning-%d-%d", w.ID, at.Unix())
}

// PublishCAP writes a warning as a CAP 1.2 alert: msgType Alert when first
// issued, Update after a change of level, Cancel once lifted or expired;
// one info block in Chinese and, when the warning has an English title,
// one in English. The scope is Restricted: the warning is for its
// recipients.
func PublishCAP(w *Warning, p Publication) ([]byte, error) {
	if p.Sender == "" {
		p.Sender = "continuo@localhost"
	}
	if p.SenderName == "" {
		p.SenderName = "Continuo"
	}
	sent := w.UpdatedAt
	a := CAPAlert{Identifier: capIdentifier(w, sent), Sender: p.Sender, Sent: FormatCAPTime(sent), Status: "Actual",
		MsgType: "Alert", Scope: "Restricted", Restriction: "For the recipients named in the warning only / 仅限预警接收对象"}
	if w.UpdatedAt.After(w.IssuedAt) || !w.Status.InForce() {
		a.MsgType = "Update"
		if !w.Status.InForce() {
			a.MsgType = "Cancel"
		}
		a.References = p.Sender + "," + capIdentifier(w, w.IssuedAt) + "," + FormatCAPTime(w.IssuedAt)
	}
	info := func(lang, title string) CAPInfo {
		in := CAPInfo{Language: lang, Category: []string{w.Category}, Event: title, Urgency: levelUrgency(w.Level),
			Severity: LevelSeverity(w.Level), Certainty: "Likely", Effective: FormatCAPTime(w.IssuedAt),
			SenderName: p.SenderName, Headline: title, Description: w.Impact, Instruction: w.Measures, Web: p.Web,
			Parameter: []CAPValue{{ValueName: CAPParamWarning, Value: strconv.FormatInt(w.ID, 10)},
				{ValueName: "continuo_level", Value: w.Level.Color()}}}
		if w.Value != nil {
			in.Certainty = "Observed"
		}
		if !w.Status.InForce() {
			in.Urgency, in.ResponseType = "Past", []string{"AllClear"}
		}
		if w.ValidUntil != nil {
			in.Expires = FormatCAPTime(*w.ValidUntil)
		}
		if w.Area != "" || len(p.UnitCodes) > 0 {
			ar := CAPArea{AreaDesc: first(w.Area, "—")}
			for _, c := range p.UnitCodes {
				ar.Geocode = append(ar.Geocode, CAPValue{ValueName: CAPGeocodeUnit, Value: c})
			}
			in.Area = []CAPArea{ar}
		}
		return in
	}
	a.Info = []CAPInfo{info("zh-CN", w.Title)}
	if w.TitleEn != "" {
		a.Info = append(a.Info, info("en-US", w.TitleEn))
	}
	out, err := xml.MarshalIndent(a, "", "  ")
	if err != nil {
		return nil, err
	}
	return append([]byte(xml.Header), append(out, '\n')...), nil
}
