package warning

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/continuo-bcm/continuo/internal/errs"
)

// The labels and annotations Continuo reads from Alertmanager alerts.
const (
	// LabelIndicator names the indicator an alert feeds (its code).
	LabelIndicator = "continuo_indicator"
	// AnnotationValue carries the measured value, e.g. from the alerting
	// rule's {{ $value }}.
	AnnotationValue = "value"
	// LabelSeverity sets the level when the alert carries no value.
	LabelSeverity = "severity"
)

// AlertmanagerPayload is the body Prometheus Alertmanager posts to a
// webhook receiver (version 4 of the webhook format).
type AlertmanagerPayload struct {
	Version           string              `json:"version"`
	GroupKey          string              `json:"groupKey"`
	TruncatedAlerts   int                 `json:"truncatedAlerts"`
	Status            string              `json:"status"`
	Receiver          string              `json:"receiver"`
	GroupLabels       map[string]string   `json:"groupLabels"`
	CommonLabels      map[string]string   `json:"commonLabels"`
	CommonAnnotations map[string]string   `json:"commonAnnotations"`
	ExternalURL       string              `json:"externalURL"`
	Alerts            []AlertmanagerAlert `json:"alerts"`
}

// AlertmanagerAlert is one alert of a webhook payload.
type AlertmanagerAlert struct {
	Status       string            `json:"status"`
	Labels       map[string]string `json:"labels"`
	Annotations  map[string]string `json:"annotations"`
	StartsAt     time.Time         `json:"startsAt"`
	EndsAt       time.Time         `json:"endsAt"`
	GeneratorURL string            `json:"generatorURL"`
	Fingerprint  string            `json:"fingerprint"`
}

// ParseAlertmanager reads and checks a webhook payload. Every problem is
// reported with the path of the field, such as alerts[2].startsAt.
func ParseAlertmanager(r io.Reader) (AlertmanagerPayload, error) {
	var p AlertmanagerPayload
	body, err := io.ReadAll(r)
	if err != nil {
		return p, err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&p); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &te):
			return p, errs.Field(te.Field, "must be a JSON %s, not %s", jsonKind(te.Type.Kind().String()), te.Value)
		case errors.As(err, &se):
			return p, errs.Field("body", "is not valid JSON at byte %d: %v", se.Offset, err)
		case errors.Is(err, io.EOF):
			return p, errs.Field("body", "is empty")
		case errors.Is(err, io.ErrUnexpectedEOF):
			return p, errs.Field("body", "is not valid JSON: it ends before the payload is complete")
		}
		var pe *time.ParseError
		if errors.As(err, &pe) {
			return p, errs.Field("alerts", "a time is not RFC 3339: %v", err)
		}
		return p, errs.Field("body", "is not an Alertmanager payload: %v", err)
	}
	if dec.More() {
		return p, errs.Field("body", "has more than one JSON value")
	}
	return p, p.Validate()
}

func jsonKind(k string) string {
	switch k {
	case "map", "struct":
		return "object"
	case "slice":
		return "array"
	}
	return k
}

// Validate checks the fields Continuo relies on.
func (p *AlertmanagerPayload) Validate() error {
	var v errs.Validation
	switch p.Version {
	case "4":
	case "":
		v.Add("version", "is required (Alertmanager sends \"4\")")
	default:
		v.Add("version", "is %q; only version 4 of the Alertmanager webhook payload is understood", p.Version)
	}
	checkStatus := func(f, s string) {
		if s != "firing" && s != "resolved" {
			v.Add(f, "must be firing or resolved, not %q", s)
		}
	}
	checkStatus("status", p.Status)
	v.Required("receiver", p.Receiver)
	v.Required("groupKey", p.GroupKey)
	v.Check(len(p.Alerts) > 0, "alerts", "has no alert")
	v.Check(len(p.Alerts) <= 1000, "alerts", "at most 1000 alerts")
	for i := range p.Alerts {
		a := &p.Alerts[i]
		f := "alerts[" + strconv.Itoa(i) + "]"
		checkStatus(f+".status", a.Status)
		v.Check(len(a.Labels) > 0, f+".labels", "is required")
		v.Check(!a.StartsAt.IsZero(), f+".startsAt", "is required")
		v.Required(f+".fingerprint", a.Fingerprint)
		if a.Labels[LabelIndicator] == "" && p.CommonLabels[LabelIndicator] == "" {
			v.Add(f+".labels."+LabelIndicator, "is required: it names the Continuo indicator the alert feeds")
		}
	}
	return v.Err()
}

// IndicatorCode is the indicator the alert feeds.
func (a *AlertmanagerAlert) IndicatorCode(p *AlertmanagerPayload) string {
	if c := a.Labels[LabelIndicator]; c != "" {
		return c
	}
	return p.CommonLabels[LabelIndicator]
}

// AlertSignal is what an alert says about its indicator: a value to
// evaluate, or a level set directly from the severity label.
type AlertSignal struct {
	Value    *float64
	Level    Level
	Resolved bool
	At       time.Time
}

// Signal reads the value annotation, or else the severity label. A
// resolved alert without a value lifts the level it set.
func (a *AlertmanagerAlert) Signal(p *AlertmanagerPayload, field string) (AlertSignal, error) {
	s := AlertSignal{Resolved: a.Status == "resolved", At: a.StartsAt}
	if s.Resolved && !a.EndsAt.IsZero() {
		s.At = a.EndsAt
	}
	raw := a.Annotations[AnnotationValue]
	if raw == "" {
		raw = p.CommonAnnotations[AnnotationValue]
	}
	if raw != "" {
		x, err := strconv.ParseFloat(strings.TrimSpace(raw), 64)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
			return s, errs.Field(field+".annotations."+AnnotationValue, "%q is not a finite number", raw)
		}
		s.Value = &x
		return s, nil
	}
	if s.Resolved {
		return s, nil
	}
	sev := a.Labels[LabelSeverity]
	if sev == "" {
		sev = p.CommonLabels[LabelSeverity]
	}
	l, err := severityLevel(sev)
	if err != nil {
		return s, errs.Field(field+".labels."+LabelSeverity, "%v; or give the value in the annotation %q", err, AnnotationValue)
	}
	s.Level = l
	return s, nil
}

// severityLevel maps the usual Prometheus severity labels, and the
// warning colours themselves, to a level.
func severityLevel(s string) (Level, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "critical", "emergency", "disaster", "page":
		return Red, nil
	case "major", "high", "error":
		return Orange, nil
	case "warning", "minor", "medium":
		return Yellow, nil
	case "info", "low", "notice":
		return Blue, nil
	case "":
		return None, fmt.Errorf("is missing")
	}
	l, err := ParseLevel(s)
	if err != nil {
		return None, fmt.Errorf("%q is not a known severity (critical, major, warning, info, or a warning colour)", s)
	}
	return l, nil
}
