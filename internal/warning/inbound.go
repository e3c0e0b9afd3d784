package warning

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/errs"
)

// Outcome says what an incoming alert did.
type Outcome string

// The outcomes of incoming alerts.
const (
	OutcomeObserved   Outcome = "observed"   // a value was stored; the level did not change
	OutcomeRaised     Outcome = "raised"     // a new warning
	OutcomeUpgraded   Outcome = "upgraded"   // its warning went up
	OutcomeDowngraded Outcome = "downgraded" // its warning went down
	OutcomeUpdated    Outcome = "updated"    // same level, new content
	OutcomeLifted     Outcome = "lifted"     // its warning ended
	OutcomeUnchanged  Outcome = "unchanged"  // nothing to do
	OutcomeDuplicate  Outcome = "duplicate"  // seen before: not applied again
	OutcomeIgnored    Outcome = "ignored"    // not an actual alert (test, exercise, draft, ack, error)
)

// AlertResult is what one incoming alert did.
type AlertResult struct {
	Ref         string  `json:"ref" doc:"the Alertmanager fingerprint or the CAP sender,identifier"`
	IndicatorID int64   `json:"indicator_id,omitempty"`
	Outcome     Outcome `json:"outcome"`
	Level       Level   `json:"level" doc:"the indicator's or warning's level afterwards"`
	WarningID   *int64  `json:"warning_id" doc:"the warning concerned"`
	Reason      string  `json:"reason,omitempty"`
}

func outcomeOf(before, after Level, hadWarning bool) Outcome {
	switch {
	case before == after:
		return OutcomeObserved
	case after == None:
		return OutcomeLifted
	case before == None || !hadWarning:
		return OutcomeRaised
	case after.Above(before):
		return OutcomeUpgraded
	}
	return OutcomeDowngraded
}

// ReceiveAlertmanager applies an Alertmanager webhook payload: each alert
// feeds the indicator named by its continuo_indicator label, with the
// value of its value annotation (evaluated against the thresholds) or,
// without one, the level of its severity label. A resolved alert without
// a value lifts what its indicator raised. All or nothing: an alert that
// names an unknown indicator rejects the payload. It needs warning.write
// on each indicator's owner unit.
func (s *Service) ReceiveAlertmanager(ctx context.Context, p AlertmanagerPayload) ([]AlertResult, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	var out []AlertResult
	err := s.inTx(ctx, func(ctx context.Context, b *batch) error {
		out = out[:0]
		for i := range p.Alerts {
			a := &p.Alerts[i]
			field := "alerts[" + strconv.Itoa(i) + "]"
			code := a.IndicatorCode(&p)
			ind, err := s.store.IndicatorByCode(ctx, code)
			if errs.Is(err, errs.NotFound) {
				return errs.Field(field+".labels."+LabelIndicator, "no indicator with code %q", code)
			} else if err != nil {
				return err
			}
			if ind, err = s.lockedIndicator(ctx, ind.ID); err != nil {
				return err
			}
			if err := s.requireOn(ctx, authz.WarningWrite, "owner_unit_id", []int64{ind.OwnerUnitID}); err != nil {
				return err
			}
			sig, err := a.Signal(&p, field)
			if err != nil {
				return err
			}
			before, had := ind.Level, ind.WarningID != nil
			res := AlertResult{Ref: a.Fingerprint, IndicatorID: ind.ID}
			if sig.Value != nil {
				labels := map[string]string{}
				for k, v := range a.Labels {
					labels[k] = v
				}
				labels["fingerprint"] = a.Fingerprint
				o := Observation{Value: *sig.Value, ObservedAt: s.clock.Now(), Source: SourceAlertmanager, Labels: labels}
				if err := s.observe(ctx, b, &ind, &o, a.Fingerprint); err != nil {
					var v errs.Validation
					v.Merge(field, err)
					return v.Err()
				}
			} else {
				next := sig.Level
				if sig.Resolved {
					next = None
				}
				if !ind.Active {
					next = None
				}
				if err := s.moveIndicator(ctx, b, &ind, next, nil, SourceAlertmanager, a.Fingerprint); err != nil {
					return err
				}
				if err := s.store.SetIndicatorState(ctx, &ind); err != nil {
					return err
				}
			}
			res.Outcome = outcomeOf(before, ind.Level, had)
			res.Level, res.WarningID = ind.Level, ind.WarningID
			out = append(out, res)
		}
		return nil
	})
	return out, err
}

// ApplyCAP applies a CAP 1.2 alert. Only actual alerts count: Test,
// Exercise, System and Draft messages, and Ack and Error messages, are
// ignored. An alert is applied once: the same sender and identifier again
// is a duplicate. An Update or Cancel changes or lifts the warning of the
// message it references; an Alert feeds the indicator its continuo_indicator
// parameter names (or the CAP indicator whose name or code is its event),
// raising a warning with the alert's level, text, area and expiry, or
// changing the one the indicator has in force. It needs warning.write.
func (s *Service) ApplyCAP(ctx context.Context, a CAPAlert) (AlertResult, error) {
	if err := authz.Require(ctx, authz.WarningWrite); err != nil {
		return AlertResult{}, err
	}
	res := AlertResult{Ref: a.Ref()}
	if a.Status != "Actual" {
		res.Outcome, res.Reason = OutcomeIgnored, "status "+a.Status
		return res, nil
	}
	if a.MsgType == "Ack" || a.MsgType == "Error" {
		res.Outcome, res.Reason = OutcomeIgnored, "msgType "+a.MsgType
		return res, nil
	}
	d, err := a.Draft()
	if err != nil {
		return res, err
	}
	err = s.inTx(ctx, func(ctx context.Context, b *batch) error {
		// CAP alerts are applied one at a time: an update may arrive while
		// the alert it references is still being applied.
		if err := s.store.Lock(ctx, "warning.cap"); err != nil {
			return err
		}
		if wid, seen, err := s.store.CAPSeen(ctx, a.Sender, a.Identifier); err != nil {
			return err
		} else if seen {
			res.Outcome, res.WarningID = OutcomeDuplicate, wid
			return nil
		}
		// The warning of a referenced message.
		var w *Warning
		for _, ref := range a.ReferencedRefs() {
			sender, id, _ := strings.Cut(ref, ",")
			wid, seen, err := s.store.CAPSeen(ctx, sender, id)
			if err != nil {
				return err
			}
			if seen && wid != nil {
				cur, err := s.store.WarningByID(ctx, *wid) // locked below, after its indicator
				if err != nil && !errs.Is(err, errs.NotFound) {
					return err
				}
				if err == nil {
					w = &cur
				}
			}
		}
		var ind *Indicator
		if w != nil && w.IndicatorID != nil {
			if x, err := s.store.IndicatorByID(ctx, *w.IndicatorID); err == nil {
				ind = &x
			}
		}
		if ind == nil && !d.Lift {
			x, err := s.capIndicator(ctx, &a, &d)
			if err != nil {
				return err
			}
			ind = &x
		}
		if ind != nil {
			// Observations by API may move the same indicator.
			x, err := s.lockedIndicator(ctx, ind.ID)
			if err != nil {
				return err
			}
			ind = &x
		}
		if w != nil {
			cur, err := s.lockedWarning(ctx, w.ID)
			if err != nil {
				return err
			}
			w = &cur
		} else if ind != nil && ind.WarningID != nil {
			if cur, err := s.lockedWarning(ctx, *ind.WarningID); err == nil && cur.Status.InForce() {
				w = &cur
			}
		}
		if err := s.applyCAPDraft(ctx, b, &a, &d, w, ind, &res); err != nil {
			return err
		}
		return s.store.MarkCAPSeen(ctx, a.Sender, a.Identifier, res.WarningID, s.clock.Now())
	})
	return res, err
}

func (s *Service) capIndicator(ctx context.Context, a *CAPAlert, d *CAPDraft) (Indicator, error) {
	if d.Indicator != "" {
		ind, err := s.store.IndicatorByCode(ctx, d.Indicator)
		if errs.Is(err, errs.NotFound) {
			return ind, errs.Field("alert.info.parameter", "%s names no indicator: %q", CAPParamIndicator, d.Indicator)
		}
		return ind, err
	}
	all, err := s.store.ListIndicators(ctx)
	if err != nil {
		return Indicator{}, err
	}
	for _, in := range a.Info {
		for _, ind := range all {
			if ind.Source != SourceCAP {
				continue
			}
			if strings.EqualFold(ind.Name, in.Event) || strings.EqualFold(ind.NameEn, in.Event) || strings.EqualFold(ind.Code, in.Event) {
				return ind, nil
			}
			for _, ec := range in.EventCode {
				if strings.EqualFold(ind.Code, strings.TrimSpace(ec.Value)) {
					return ind, nil
				}
			}
		}
	}
	return Indicator{}, errs.Field("alert.info[0].event", "%q matches no indicator of source cap; name one with a parameter %s, or create a CAP indicator named after the event",
		a.Info[0].Event, CAPParamIndicator)
}

// applyCAPDraft raises, changes or lifts the warning for a CAP alert.
func (s *Service) applyCAPDraft(ctx context.Context, b *batch, a *CAPAlert, d *CAPDraft, w *Warning, ind *Indicator, res *AlertResult) error {
	if ind != nil {
		res.IndicatorID = ind.ID
	}
	setIndicator := func(l Level, wid *int64) error {
		if ind == nil {
			return nil
		}
		ind.Level, ind.WarningID = l, wid
		return s.store.SetIndicatorState(ctx, ind)
	}
	if d.Lift {
		if w == nil || !w.Status.InForce() {
			res.Outcome, res.Reason = OutcomeUnchanged, "no warning in force to lift"
			return nil
		}
		if err := s.lift(ctx, b, w, ActLifted, nil, SourceCAP, "CAP "+a.MsgType+" "+a.Ref()); err != nil {
			return err
		}
		res.Outcome, res.WarningID = OutcomeLifted, &w.ID
		if ind != nil && ind.WarningID != nil && *ind.WarningID == w.ID {
			return setIndicator(None, nil)
		}
		return nil
	}
	unitIDs, err := s.unitsByCode(ctx, d.UnitCodes)
	if err != nil {
		return err
	}
	if w != nil && w.Status.InForce() {
		before := *w
		w.Title, w.TitleEn, w.Category, w.Area = d.Warning.Title, first(d.Warning.TitleEn, w.TitleEn), d.Warning.Category, first(d.Warning.Area, w.Area)
		w.Impact, w.Measures, w.ValidUntil, w.SourceRef = d.Warning.Impact, d.Warning.Measures, d.Warning.ValidUntil, a.Ref()
		if len(unitIDs) > 0 {
			w.UnitIDs = unitIDs
		}
		if err := w.Validate(); err != nil {
			return err
		}
		if w.Level != d.Warning.Level {
			if err := s.changeLevel(ctx, b, w, d.Warning.Level, nil, SourceCAP, "CAP "+a.MsgType+" "+a.Ref()); err != nil {
				return err
			}
			res.Outcome = OutcomeDowngraded
			if d.Warning.Level.Above(before.Level) {
				res.Outcome = OutcomeUpgraded
			}
		} else {
			w.UpdatedAt = s.clock.Now()
			if err := s.store.UpdateWarning(ctx, w); err != nil {
				return err
			}
			if err := s.event(ctx, w, ActUpdated, w.Level, w.Level, nil, SourceCAP, nil, "CAP "+a.MsgType+" "+a.Ref()); err != nil {
				return err
			}
			if err := s.audit.Record(ctx, "warning.update", "warning", w.ID, before, w); err != nil {
				return err
			}
			res.Outcome = OutcomeUpdated
		}
		res.Level, res.WarningID = w.Level, &w.ID
		return setIndicator(w.Level, &w.ID)
	}
	if ind == nil {
		return errs.Field("alert.references", "references no warning in force")
	}
	nw := d.Warning
	nw.Source, nw.SourceRef, nw.IndicatorID = SourceCAP, a.Ref(), &ind.ID
	nw.UnitIDs = unitIDs
	if len(nw.UnitIDs) == 0 {
		nw.UnitIDs = []int64{ind.OwnerUnitID}
	}
	nw.Audience = ind.Audience
	if nw.Audience.Empty() {
		nw.Audience = Audience{UnitIDs: []int64{ind.OwnerUnitID}}
	}
	if nw.Title == "" {
		nw.Title = ind.Name
	}
	if nw.ValidUntil != nil && !nw.ValidUntil.After(s.clock.Now()) {
		res.Outcome, res.Reason = OutcomeUnchanged, "the alert expired at "+FormatCAPTime(*nw.ValidUntil)
		return nil
	}
	if err := s.raise(ctx, b, &nw); err != nil {
		var v errs.Validation
		v.Merge("alert.info", err)
		return v.Err()
	}
	res.Outcome, res.Level, res.WarningID = OutcomeRaised, nw.Level, &nw.ID
	return setIndicator(nw.Level, &nw.ID)
}

func (s *Service) unitsByCode(ctx context.Context, codes []string) ([]int64, error) {
	if len(codes) == 0 {
		return nil, nil
	}
	units, err := s.store.ListUnits(ctx)
	if err != nil {
		return nil, err
	}
	var out []int64
	for _, c := range codes {
		for _, u := range units {
			if u.Code != "" && strings.EqualFold(u.Code, c) && !slices.Contains(out, u.ID) {
				out = append(out, u.ID)
				break
			}
		}
	}
	return out, nil
}

// String describes a result for logs.
func (r AlertResult) String() string {
	return fmt.Sprintf("%s: %s (level %d)", r.Ref, r.Outcome, r.Level)
}
