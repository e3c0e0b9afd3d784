package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/continuo-bcm/continuo/internal/org"
	"github.com/continuo-bcm/continuo/internal/warning"
)

func nullFloat(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

func ptrFloat(n sql.NullFloat64) *float64 {
	if !n.Valid {
		return nil
	}
	v := n.Float64
	return &v
}

func audienceJSON(a warning.Audience) (string, error) {
	if a.UnitIDs == nil {
		a.UnitIDs = []int64{}
	}
	if a.TeamIDs == nil {
		a.TeamIDs = []int64{}
	}
	if a.PersonIDs == nil {
		a.PersonIDs = []int64{}
	}
	if a.Partners == nil {
		a.Partners = []warning.Contact{}
	}
	if a.Roles == nil {
		a.Roles = []org.TeamRole{}
	}
	return jsonText(a)
}

func readAudience(b []byte, what string) (warning.Audience, error) {
	var a warning.Audience
	if err := json.Unmarshal(b, &a); err != nil {
		return a, fmt.Errorf("%s: stored audience: %w", what, err)
	}
	if a.UnitIDs == nil {
		a.UnitIDs = []int64{}
	}
	if a.TeamIDs == nil {
		a.TeamIDs = []int64{}
	}
	if a.PersonIDs == nil {
		a.PersonIDs = []int64{}
	}
	if a.Partners == nil {
		a.Partners = []warning.Contact{}
	}
	if a.Roles == nil {
		a.Roles = []org.TeamRole{}
	}
	return a, nil
}

// ---- indicators ----

const indicatorCols = `id, code, name, name_en, description, measure, source, owner_unit_id, direction,
	t_blue, t_yellow, t_orange, t_red, aggregation, window_minutes, hysteresis, audience, active,
	level, value, observed_at, warning_id, created_at, updated_at`

func scanIndicator(sc interface{ Scan(...any) error }) (warning.Indicator, error) {
	var ind warning.Indicator
	var tb, ty, to, tr, value sql.NullFloat64
	var observed sql.NullTime
	var wid sql.NullInt64
	var audience []byte
	if err := sc.Scan(&ind.ID, &ind.Code, &ind.Name, &ind.NameEn, &ind.Description, &ind.Measure, &ind.Source, &ind.OwnerUnitID, &ind.Direction,
		&tb, &ty, &to, &tr, &ind.Aggregation, &ind.WindowMinutes, &ind.Hysteresis, &audience, &ind.Active,
		&ind.Level, &value, &observed, &wid, &ind.CreatedAt, &ind.UpdatedAt); err != nil {
		return ind, err
	}
	ind.Thresholds = warning.Thresholds{Blue: ptrFloat(tb), Yellow: ptrFloat(ty), Orange: ptrFloat(to), Red: ptrFloat(tr)}
	ind.Value, ind.ObservedAt, ind.WarningID = ptrFloat(value), ptrTime(observed), ptrInt(wid)
	ind.CreatedAt, ind.UpdatedAt = ind.CreatedAt.UTC(), ind.UpdatedAt.UTC()
	var err error
	ind.Audience, err = readAudience(audience, "indicator "+ind.Code)
	return ind, err
}

// CreateIndicator stores a new indicator.
func (db *DB) CreateIndicator(ctx context.Context, ind *warning.Indicator) error {
	aud, err := audienceJSON(ind.Audience)
	if err != nil {
		return err
	}
	t := ind.Thresholds
	id, err := db.insert(ctx, `INSERT INTO warning_indicators (code, name, name_en, description, measure, source, owner_unit_id, direction,
		t_blue, t_yellow, t_orange, t_red, aggregation, window_minutes, hysteresis, audience, active, level, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)`,
		ind.Code, ind.Name, ind.NameEn, ind.Description, ind.Measure, ind.Source, ind.OwnerUnitID, ind.Direction,
		nullFloat(t.Blue), nullFloat(t.Yellow), nullFloat(t.Orange), nullFloat(t.Red), ind.Aggregation, ind.WindowMinutes, ind.Hysteresis,
		aud, ind.Active, ind.CreatedAt.UTC(), ind.UpdatedAt.UTC())
	if err != nil {
		return err
	}
	ind.ID = id
	return nil
}

// UpdateIndicator stores an indicator's definition.
func (db *DB) UpdateIndicator(ctx context.Context, ind *warning.Indicator) error {
	aud, err := audienceJSON(ind.Audience)
	if err != nil {
		return err
	}
	t := ind.Thresholds
	res, err := db.exec(ctx, `UPDATE warning_indicators SET code = ?, name = ?, name_en = ?, description = ?, measure = ?, source = ?,
		owner_unit_id = ?, direction = ?, t_blue = ?, t_yellow = ?, t_orange = ?, t_red = ?, aggregation = ?, window_minutes = ?,
		hysteresis = ?, audience = ?, active = ?, updated_at = ? WHERE id = ?`,
		ind.Code, ind.Name, ind.NameEn, ind.Description, ind.Measure, ind.Source, ind.OwnerUnitID, ind.Direction,
		nullFloat(t.Blue), nullFloat(t.Yellow), nullFloat(t.Orange), nullFloat(t.Red), ind.Aggregation, ind.WindowMinutes,
		ind.Hysteresis, aud, ind.Active, ind.UpdatedAt.UTC(), ind.ID)
	return mustAffect(res, err, "indicator")
}

// SetIndicatorState stores the evaluation state of an indicator.
func (db *DB) SetIndicatorState(ctx context.Context, ind *warning.Indicator) error {
	res, err := db.exec(ctx, `UPDATE warning_indicators SET level = ?, value = ?, observed_at = ?, warning_id = ? WHERE id = ?`,
		ind.Level, nullFloat(ind.Value), nullTime(ind.ObservedAt), nullInt(ind.WarningID), ind.ID)
	return mustAffect(res, err, "indicator")
}

// DeleteIndicator removes an indicator and its observations.
func (db *DB) DeleteIndicator(ctx context.Context, id int64) error {
	res, err := db.exec(ctx, "DELETE FROM warning_indicators WHERE id = ?", id)
	return mustAffect(res, err, "indicator")
}

// IndicatorByID returns one indicator.
func (db *DB) IndicatorByID(ctx context.Context, id int64) (warning.Indicator, error) {
	ind, err := scanIndicator(db.queryRow(ctx, "SELECT "+indicatorCols+" FROM warning_indicators WHERE id = ?", id))
	return ind, notFound(err, "indicator")
}

// IndicatorByCode returns the indicator with a code.
func (db *DB) IndicatorByCode(ctx context.Context, code string) (warning.Indicator, error) {
	ind, err := scanIndicator(db.queryRow(ctx, "SELECT "+indicatorCols+" FROM warning_indicators WHERE code = ?", code))
	return ind, notFound(err, "indicator")
}

// ListIndicators returns every indicator by code.
func (db *DB) ListIndicators(ctx context.Context) ([]warning.Indicator, error) {
	rows, err := db.query(ctx, "SELECT "+indicatorCols+" FROM warning_indicators ORDER BY code")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []warning.Indicator{}
	for rows.Next() {
		ind, err := scanIndicator(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, ind)
	}
	return out, rows.Err()
}

// ---- observations ----

// AddObservation stores an observation.
func (db *DB) AddObservation(ctx context.Context, o *warning.Observation) error {
	labels := o.Labels
	if labels == nil {
		labels = map[string]string{}
	}
	lj, err := jsonText(labels)
	if err != nil {
		return err
	}
	id, err := db.insert(ctx, `INSERT INTO warning_observations (indicator_id, value, observed_at, source, labels, received_at)
		VALUES (?, ?, ?, ?, ?, ?)`, o.IndicatorID, o.Value, o.ObservedAt.UTC(), o.Source, lj, o.ReceivedAt.UTC())
	if err != nil {
		return err
	}
	o.ID = id
	return nil
}

const observationCols = "id, indicator_id, value, observed_at, source, labels, received_at"

func scanObservation(sc interface{ Scan(...any) error }) (warning.Observation, error) {
	var o warning.Observation
	var labels []byte
	if err := sc.Scan(&o.ID, &o.IndicatorID, &o.Value, &o.ObservedAt, &o.Source, &labels, &o.ReceivedAt); err != nil {
		return o, err
	}
	o.ObservedAt, o.ReceivedAt = o.ObservedAt.UTC(), o.ReceivedAt.UTC()
	if err := json.Unmarshal(labels, &o.Labels); err != nil {
		return o, fmt.Errorf("observation %d: stored labels: %w", o.ID, err)
	}
	if o.Labels == nil {
		o.Labels = map[string]string{}
	}
	return o, nil
}

// Observations returns the observations with from < observed_at <= to,
// oldest first.
func (db *DB) Observations(ctx context.Context, indicatorID int64, from, to time.Time, limit int) ([]warning.Observation, error) {
	rows, err := db.query(ctx, "SELECT "+observationCols+` FROM warning_observations
		WHERE indicator_id = ? AND observed_at > ? AND observed_at <= ? ORDER BY observed_at, id LIMIT ?`,
		indicatorID, from.UTC(), to.UTC(), limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []warning.Observation{}
	for rows.Next() {
		o, err := scanObservation(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// LatestObservation returns an indicator's most recent observation.
func (db *DB) LatestObservation(ctx context.Context, indicatorID int64) (warning.Observation, error) {
	o, err := scanObservation(db.queryRow(ctx, "SELECT "+observationCols+` FROM warning_observations
		WHERE indicator_id = ? ORDER BY observed_at DESC, id DESC LIMIT 1`, indicatorID))
	return o, notFound(err, "observation")
}

// ---- warnings ----

const warningCols = `w.id, w.level, w.title, w.title_en, w.category, w.area, w.unit_ids, w.impact, w.measures, w.valid_until,
	w.audience, w.status, w.source, w.indicator_id, w.source_ref, w.value, w.revision, w.ack_due_at, w.issued_by,
	w.issued_by_name, w.issued_at, w.updated_at, w.ended_at`

func scanWarning(sc interface{ Scan(...any) error }) (warning.Warning, error) {
	var w warning.Warning
	var units, audience []byte
	var valid, ended sql.NullTime
	var ind sql.NullInt64
	var value sql.NullFloat64
	if err := sc.Scan(&w.ID, &w.Level, &w.Title, &w.TitleEn, &w.Category, &w.Area, &units, &w.Impact, &w.Measures, &valid,
		&audience, &w.Status, &w.Source, &ind, &w.SourceRef, &value, &w.Revision, &w.AckDueAt, &w.IssuedBy,
		&w.IssuedByName, &w.IssuedAt, &w.UpdatedAt, &ended); err != nil {
		return w, err
	}
	w.ValidUntil, w.EndedAt, w.IndicatorID, w.Value = ptrTime(valid), ptrTime(ended), ptrInt(ind), ptrFloat(value)
	w.AckDueAt, w.IssuedAt, w.UpdatedAt = w.AckDueAt.UTC(), w.IssuedAt.UTC(), w.UpdatedAt.UTC()
	w.UnitIDs = []int64{}
	if err := json.Unmarshal(units, &w.UnitIDs); err != nil {
		return w, fmt.Errorf("warning %d: stored units: %w", w.ID, err)
	}
	var err error
	w.Audience, err = readAudience(audience, fmt.Sprintf("warning %d", w.ID))
	return w, err
}

func warningJSON(w *warning.Warning) (units, audience string, err error) {
	u := w.UnitIDs
	if u == nil {
		u = []int64{}
	}
	if units, err = jsonText(u); err != nil {
		return "", "", err
	}
	audience, err = audienceJSON(w.Audience)
	return units, audience, err
}

// setRecipients replaces the recipient units of a warning.
func (db *DB) setRecipients(ctx context.Context, w *warning.Warning) error {
	if _, err := db.exec(ctx, "DELETE FROM warning_recipients WHERE warning_id = ?", w.ID); err != nil {
		return err
	}
	seen := map[int64]bool{}
	for _, u := range w.Audience.UnitIDs {
		if seen[u] {
			continue
		}
		seen[u] = true
		if _, err := db.exec(ctx, "INSERT INTO warning_recipients (warning_id, unit_id) VALUES (?, ?)", w.ID, u); err != nil {
			return err
		}
	}
	return nil
}

// CreateWarning stores a new warning with its recipient units. It runs in
// the caller's transaction, or in one of its own.
func (db *DB) CreateWarning(ctx context.Context, w *warning.Warning) error {
	units, aud, err := warningJSON(w)
	if err != nil {
		return err
	}
	return db.InTx(ctx, func(ctx context.Context) error {
		id, err := db.insert(ctx, `INSERT INTO warnings (level, title, title_en, category, area, unit_ids, impact, measures, valid_until,
			audience, status, source, indicator_id, source_ref, value, revision, ack_due_at, issued_by, issued_by_name, issued_at,
			updated_at, ended_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			w.Level, w.Title, w.TitleEn, w.Category, w.Area, units, w.Impact, w.Measures, nullTime(w.ValidUntil),
			aud, w.Status, w.Source, nullInt(w.IndicatorID), w.SourceRef, nullFloat(w.Value), w.Revision, w.AckDueAt.UTC(),
			w.IssuedBy, w.IssuedByName, w.IssuedAt.UTC(), w.UpdatedAt.UTC(), nullTime(w.EndedAt))
		if err != nil {
			return err
		}
		w.ID = id
		return db.setRecipients(ctx, w)
	})
}

// UpdateWarning stores every field of a warning.
func (db *DB) UpdateWarning(ctx context.Context, w *warning.Warning) error {
	units, aud, err := warningJSON(w)
	if err != nil {
		return err
	}
	return db.InTx(ctx, func(ctx context.Context) error {
		res, err := db.exec(ctx, `UPDATE warnings SET level = ?, title = ?, title_en = ?, category = ?, area = ?, unit_ids = ?,
			impact = ?, measures = ?, valid_until = ?, audience = ?, status = ?, source = ?, indicator_id = ?, source_ref = ?,
			value = ?, revision = ?, ack_due_at = ?, issued_by = ?, issued_by_name = ?, issued_at = ?, updated_at = ?, ended_at = ?
			WHERE id = ?`,
			w.Level, w.Title, w.TitleEn, w.Category, w.Area, units, w.Impact, w.Measures, nullTime(w.ValidUntil),
			aud, w.Status, w.Source, nullInt(w.IndicatorID), w.SourceRef, nullFloat(w.Value), w.Revision, w.AckDueAt.UTC(),
			w.IssuedBy, w.IssuedByName, w.IssuedAt.UTC(), w.UpdatedAt.UTC(), nullTime(w.EndedAt), w.ID)
		if err := mustAffect(res, err, "warning"); err != nil {
			return err
		}
		return db.setRecipients(ctx, w)
	})
}

// WarningByID returns one warning.
func (db *DB) WarningByID(ctx context.Context, id int64) (warning.Warning, error) {
	w, err := scanWarning(db.queryRow(ctx, "SELECT "+warningCols+" FROM warnings w WHERE w.id = ?", id))
	return w, notFound(err, "warning")
}

var inForce = []warning.Status{warning.StatusActive, warning.StatusUpgraded, warning.StatusDowngraded}

func inForceSQL() string {
	parts := make([]string, len(inForce))
	for i, s := range inForce {
		parts[i] = "'" + string(s) + "'"
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// ListWarnings returns a page of warnings, newest first, and the total.
func (db *DB) ListWarnings(ctx context.Context, f warning.Filter) ([]warning.Warning, int, error) {
	var conds []string
	var args []any
	if f.Status != "" {
		conds = append(conds, "w.status = ?")
		args = append(args, f.Status)
	}
	if f.InForce {
		conds = append(conds, "w.status IN "+inForceSQL())
	}
	if f.Level != 0 {
		conds = append(conds, "w.level = ?")
		args = append(args, f.Level)
	}
	if f.IndicatorID != 0 {
		conds = append(conds, "w.indicator_id = ?")
		args = append(args, f.IndicatorID)
	}
	if f.UnitID != 0 {
		conds = append(conds, "EXISTS (SELECT 1 FROM warning_recipients r WHERE r.warning_id = w.id AND r.unit_id = ?)")
		args = append(args, f.UnitID)
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	var total int
	if err := db.queryRow(ctx, "SELECT COUNT(*) FROM warnings w"+where, args...).Scan(&total); err != nil {
		return nil, 0, mapErr(err)
	}
	rows, err := db.query(ctx, "SELECT "+warningCols+" FROM warnings w"+where+" ORDER BY w.issued_at DESC, w.id DESC LIMIT ? OFFSET ?",
		append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []warning.Warning{}
	for rows.Next() {
		w, err := scanWarning(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, w)
	}
	return out, total, rows.Err()
}

// ExpiredWarnings returns the warnings in force whose valid_until has come.
func (db *DB) ExpiredWarnings(ctx context.Context, now time.Time) ([]warning.Warning, error) {
	rows, err := db.query(ctx, "SELECT "+warningCols+" FROM warnings w WHERE w.status IN "+inForceSQL()+
		" AND w.valid_until IS NOT NULL AND w.valid_until <= ? ORDER BY w.id", now.UTC())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []warning.Warning
	for rows.Next() {
		w, err := scanWarning(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

// ---- history and acknowledgements ----

// AddEvent stores one change of a warning.
func (db *DB) AddEvent(ctx context.Context, e *warning.Event) error {
	id, err := db.insert(ctx, `INSERT INTO warning_events (warning_id, action, from_level, to_level, value, source, unit_id, note, by_user, by_name, at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.WarningID, e.Action, e.FromLevel, e.ToLevel, nullFloat(e.Value), e.Source, nullInt(e.UnitID), e.Note, e.By, e.ByName, e.At.UTC())
	if err != nil {
		return err
	}
	e.ID = id
	return nil
}

// Events returns a warning's history, oldest first.
func (db *DB) Events(ctx context.Context, warningID int64) ([]warning.Event, error) {
	rows, err := db.query(ctx, `SELECT id, warning_id, action, from_level, to_level, value, source, unit_id, note, by_user, by_name, at
		FROM warning_events WHERE warning_id = ? ORDER BY id`, warningID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []warning.Event{}
	for rows.Next() {
		var e warning.Event
		var value sql.NullFloat64
		var unit sql.NullInt64
		if err := rows.Scan(&e.ID, &e.WarningID, &e.Action, &e.FromLevel, &e.ToLevel, &value, &e.Source, &unit, &e.Note, &e.By, &e.ByName, &e.At); err != nil {
			return nil, err
		}
		e.Value, e.UnitID, e.At = ptrFloat(value), ptrInt(unit), e.At.UTC()
		out = append(out, e)
	}
	return out, rows.Err()
}

// AddAck stores an acknowledgement.
func (db *DB) AddAck(ctx context.Context, a *warning.Ack) error {
	id, err := db.insert(ctx, `INSERT INTO warning_acks (warning_id, unit_id, revision, level, measures, acked_by, acked_by_name, acked_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		a.WarningID, a.UnitID, a.Revision, a.Level, a.Measures, a.AckedBy, a.AckedByName, a.AckedAt.UTC())
	if err != nil {
		return err
	}
	a.ID = id
	return nil
}

// Acks returns a warning's acknowledgements, oldest first.
func (db *DB) Acks(ctx context.Context, warningID int64) ([]warning.Ack, error) {
	rows, err := db.query(ctx, `SELECT id, warning_id, unit_id, revision, level, measures, acked_by, acked_by_name, acked_at
		FROM warning_acks WHERE warning_id = ? ORDER BY acked_at, id`, warningID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []warning.Ack{}
	for rows.Next() {
		var a warning.Ack
		if err := rows.Scan(&a.ID, &a.WarningID, &a.UnitID, &a.Revision, &a.Level, &a.Measures, &a.AckedBy, &a.AckedByName, &a.AckedAt); err != nil {
			return nil, err
		}
		a.AckedAt = a.AckedAt.UTC()
		out = append(out, a)
	}
	return out, rows.Err()
}

// OverdueAcks returns the recipient units that owe an acknowledgement of
// the current revision of a warning in force past its due time, oldest
// due first.
func (db *DB) OverdueAcks(ctx context.Context, now time.Time) ([]warning.PendingAck, error) {
	rows, err := db.query(ctx, `SELECT w.id, w.revision, w.level, w.title, w.title_en, r.unit_id, COALESCE(u.name, ''), COALESCE(u.name_en, ''),
		COALESCE(u.path, ''), w.ack_due_at
		FROM warnings w JOIN warning_recipients r ON r.warning_id = w.id LEFT JOIN units u ON u.id = r.unit_id
		WHERE w.status IN `+inForceSQL()+` AND w.ack_due_at <= ?
		AND NOT EXISTS (SELECT 1 FROM warning_acks a WHERE a.warning_id = w.id AND a.unit_id = r.unit_id AND a.revision = w.revision)
		ORDER BY w.ack_due_at, w.id, r.unit_id`, now.UTC())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []warning.PendingAck{}
	for rows.Next() {
		var p warning.PendingAck
		if err := rows.Scan(&p.WarningID, &p.Revision, &p.Level, &p.Title, &p.TitleEn, &p.UnitID, &p.UnitName, &p.UnitNameEn, &p.UnitPath, &p.DueAt); err != nil {
			return nil, err
		}
		p.DueAt = p.DueAt.UTC()
		out = append(out, p)
	}
	return out, rows.Err()
}

// ---- CAP ----

// CAPSeen reports whether a CAP alert was applied, and to which warning.
func (db *DB) CAPSeen(ctx context.Context, sender, identifier string) (*int64, bool, error) {
	var wid sql.NullInt64
	err := db.queryRow(ctx, "SELECT warning_id FROM warning_cap_seen WHERE sender = ? AND identifier = ?", sender, identifier).Scan(&wid)
	if err == sql.ErrNoRows {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, mapErr(err)
	}
	return ptrInt(wid), true, nil
}

// MarkCAPSeen records a CAP alert as applied.
func (db *DB) MarkCAPSeen(ctx context.Context, sender, identifier string, warningID *int64, at time.Time) error {
	_, err := db.exec(ctx, "INSERT INTO warning_cap_seen (sender, identifier, warning_id, seen_at) VALUES (?, ?, ?, ?)",
		sender, identifier, nullInt(warningID), at.UTC())
	return err
}

// ---- feeds ----

const feedCols = "id, name, url, interval_seconds, active, last_polled_at, last_error, created_at"

func scanFeed(sc interface{ Scan(...any) error }) (warning.Feed, error) {
	var f warning.Feed
	var polled sql.NullTime
	if err := sc.Scan(&f.ID, &f.Name, &f.URL, &f.IntervalSeconds, &f.Active, &polled, &f.LastError, &f.CreatedAt); err != nil {
		return f, err
	}
	f.LastPolledAt, f.CreatedAt = ptrTime(polled), f.CreatedAt.UTC()
	return f, nil
}

// CreateFeed stores a new CAP feed.
func (db *DB) CreateFeed(ctx context.Context, f *warning.Feed) error {
	id, err := db.insert(ctx, `INSERT INTO warning_feeds (name, url, interval_seconds, active, last_polled_at, last_error, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, f.Name, f.URL, f.IntervalSeconds, f.Active, nullTime(f.LastPolledAt), f.LastError, f.CreatedAt.UTC())
	if err != nil {
		return err
	}
	f.ID = id
	return nil
}

// UpdateFeed stores a feed, with its polling state.
func (db *DB) UpdateFeed(ctx context.Context, f *warning.Feed) error {
	res, err := db.exec(ctx, `UPDATE warning_feeds SET name = ?, url = ?, interval_seconds = ?, active = ?, last_polled_at = ?, last_error = ?
		WHERE id = ?`, f.Name, f.URL, f.IntervalSeconds, f.Active, nullTime(f.LastPolledAt), f.LastError, f.ID)
	return mustAffect(res, err, "feed")
}

// DeleteFeed removes a feed.
func (db *DB) DeleteFeed(ctx context.Context, id int64) error {
	res, err := db.exec(ctx, "DELETE FROM warning_feeds WHERE id = ?", id)
	return mustAffect(res, err, "feed")
}

// FeedByID returns one feed.
func (db *DB) FeedByID(ctx context.Context, id int64) (warning.Feed, error) {
	f, err := scanFeed(db.queryRow(ctx, "SELECT "+feedCols+" FROM warning_feeds WHERE id = ?", id))
	return f, notFound(err, "feed")
}

// ListFeeds returns every feed.
func (db *DB) ListFeeds(ctx context.Context) ([]warning.Feed, error) {
	rows, err := db.query(ctx, "SELECT "+feedCols+" FROM warning_feeds ORDER BY id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []warning.Feed{}
	for rows.Next() {
		f, err := scanFeed(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}
