package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/notify"
)

// ---- channels ----

const channelCols = "id, kind, name, enabled, settings, secrets, rate_per_second, created_at, updated_at"

func scanChannel(sc interface{ Scan(...any) error }) (notify.ChannelConfig, error) {
	var c notify.ChannelConfig
	var settings, secrets []byte
	if err := sc.Scan(&c.ID, &c.Kind, &c.Name, &c.Enabled, &settings, &secrets, &c.RatePerSecond, &c.CreatedAt, &c.UpdatedAt); err != nil {
		return c, err
	}
	c.CreatedAt, c.UpdatedAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	c.Settings, c.Secrets = map[string]string{}, map[string]string{}
	if err := json.Unmarshal(settings, &c.Settings); err != nil {
		return c, fmt.Errorf("channel %d: stored settings: %w", c.ID, err)
	}
	if err := json.Unmarshal(secrets, &c.Secrets); err != nil {
		return c, fmt.Errorf("channel %d: stored secrets are not readable", c.ID)
	}
	return c, nil
}

func channelJSON(c *notify.ChannelConfig) (settings, secrets string, err error) {
	st, sc := c.Settings, c.Secrets
	if st == nil {
		st = map[string]string{}
	}
	if sc == nil {
		sc = map[string]string{}
	}
	if settings, err = jsonText(st); err != nil {
		return "", "", err
	}
	secrets, err = jsonText(sc)
	return settings, secrets, err
}

// CreateChannel stores a new channel configuration.
func (db *DB) CreateChannel(ctx context.Context, c *notify.ChannelConfig) error {
	settings, secrets, err := channelJSON(c)
	if err != nil {
		return err
	}
	c.ID, err = db.insert(ctx, `INSERT INTO notify_channels (kind, name, enabled, settings, secrets, rate_per_second, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, c.Kind, c.Name, c.Enabled, settings, secrets, c.RatePerSecond, c.CreatedAt.UTC(), c.UpdatedAt.UTC())
	return err
}

// UpdateChannel changes a channel configuration.
func (db *DB) UpdateChannel(ctx context.Context, c *notify.ChannelConfig) error {
	settings, secrets, err := channelJSON(c)
	if err != nil {
		return err
	}
	res, err := db.exec(ctx, `UPDATE notify_channels SET name = ?, enabled = ?, settings = ?, secrets = ?, rate_per_second = ?, updated_at = ?
		WHERE id = ?`, c.Name, c.Enabled, settings, secrets, c.RatePerSecond, c.UpdatedAt.UTC(), c.ID)
	return mustAffect(res, err, "channel")
}

// DeleteChannel removes a channel configuration.
func (db *DB) DeleteChannel(ctx context.Context, id int64) error {
	res, err := db.exec(ctx, "DELETE FROM notify_channels WHERE id = ?", id)
	return mustAffect(res, err, "channel")
}

// ChannelByID returns one channel configuration.
func (db *DB) ChannelByID(ctx context.Context, id int64) (notify.ChannelConfig, error) {
	c, err := scanChannel(db.queryRow(ctx, "SELECT "+channelCols+" FROM notify_channels WHERE id = ?", id))
	return c, notFound(err, "channel")
}

// ListChannels returns every channel configuration by id.
func (db *DB) ListChannels(ctx context.Context) ([]notify.ChannelConfig, error) {
	return queryAll(ctx, db, scanChannel, "SELECT "+channelCols+" FROM notify_channels ORDER BY id")
}

// ---- preferences and recipients ----

// SavePreference stores a person's notification preference.
func (db *DB) SavePreference(ctx context.Context, p *notify.Preference) error {
	chans, err := jsonText(p.Channels)
	if err != nil {
		return err
	}
	_, err = db.exec(ctx, `INSERT INTO notify_preferences (person_id, channels, quiet_start, quiet_end, time_zone, lang, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (person_id) DO UPDATE SET channels = excluded.channels, quiet_start = excluded.quiet_start,
			quiet_end = excluded.quiet_end, time_zone = excluded.time_zone, lang = excluded.lang, updated_at = excluded.updated_at`,
		p.PersonID, chans, p.QuietStart, p.QuietEnd, p.TimeZone, p.Lang, p.UpdatedAt.UTC())
	if errs.Is(err, errs.Invalid) {
		return errs.Field("person_id", "no person with this id")
	}
	return err
}

// Recipients returns the active people with the given ids and their
// preferences.
func (db *DB) Recipients(ctx context.Context, ids []int64) (map[int64]notify.Recipient, error) {
	out := make(map[int64]notify.Recipient, len(ids))
	uniq := make([]any, 0, len(ids))
	seen := make(map[int64]bool, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			uniq = append(uniq, id)
		}
	}
	for len(uniq) > 0 {
		n := min(len(uniq), 500)
		batch := uniq[:n]
		uniq = uniq[n:]
		rows, err := db.query(ctx, "SELECT "+personCols+`, np.channels, np.quiet_start, np.quiet_end, np.time_zone, np.lang
			FROM people p LEFT JOIN notify_preferences np ON np.person_id = p.id
			WHERE p.active = ? AND p.id IN (`+placeholders(len(batch))+")", append([]any{true}, batch...)...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var r notify.Recipient
			var site sql.NullInt64
			var contacts []byte
			var chans, qs, qe, tz, lang sql.NullString
			p := &r.Person
			if err := rows.Scan(&p.ID, &p.EmployeeNo, &p.Name, &p.NameEn, &p.Title, &p.TitleEn, &p.UnitID, &site, &p.Active, &contacts,
				&p.CreatedAt, &p.UpdatedAt, &chans, &qs, &qe, &tz, &lang); err != nil {
				rows.Close()
				return nil, err
			}
			p.SiteID = ptrInt(site)
			if p.Contacts, err = parseContacts(contacts); err != nil {
				rows.Close()
				return nil, fmt.Errorf("person %d: stored contact methods: %w", p.ID, err)
			}
			r.Preference = notify.Preference{PersonID: p.ID, QuietStart: qs.String, QuietEnd: qe.String, TimeZone: tz.String, Lang: lang.String}
			if chans.Valid {
				if err := json.Unmarshal([]byte(chans.String), &r.Preference.Channels); err != nil {
					rows.Close()
					return nil, fmt.Errorf("person %d: stored channels: %w", p.ID, err)
				}
			}
			out[p.ID] = r
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// DeputiesOf returns the deputies of a person over every team seat they
// hold, in team order then deputy order, without repeats.
func (db *DB) DeputiesOf(ctx context.Context, personID int64) ([]int64, error) {
	rows, err := db.query(ctx, `SELECT md.deputy_id FROM member_deputies md JOIN teams t ON t.id = md.team_id
		WHERE md.person_id = ? ORDER BY t.sort_order, t.id, md.seq`, personID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	seen := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		if !seen[id] && id != personID {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out, rows.Err()
}

// PersonOfUser returns the person a user account is linked to.
func (db *DB) PersonOfUser(ctx context.Context, userID int64) (int64, bool, error) {
	var p sql.NullInt64
	err := db.queryRow(ctx, "SELECT person_id FROM users WHERE id = ?", userID).Scan(&p)
	if err == sql.ErrNoRows {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, err
	}
	return p.Int64, p.Valid, nil
}

// ---- policies ----

const policyCols = "id, name, steps, repeat_count, interval_seconds, created_at, updated_at"

func scanPolicy(sc interface{ Scan(...any) error }) (notify.Policy, error) {
	var p notify.Policy
	var steps []byte
	var interval int64
	if err := sc.Scan(&p.ID, &p.Name, &steps, &p.Repeat, &interval, &p.CreatedAt, &p.UpdatedAt); err != nil {
		return p, err
	}
	p.Interval = notify.Duration(time.Duration(interval) * time.Second)
	p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	if err := json.Unmarshal(steps, &p.Steps); err != nil {
		return p, fmt.Errorf("policy %d: stored steps: %w", p.ID, err)
	}
	return p, nil
}

// CreatePolicy stores a new escalation policy.
func (db *DB) CreatePolicy(ctx context.Context, p *notify.Policy) error {
	steps, err := jsonText(p.Steps)
	if err != nil {
		return err
	}
	p.ID, err = db.insert(ctx, `INSERT INTO notify_policies (name, steps, repeat_count, interval_seconds, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?)`, p.Name, steps, p.Repeat, int64(time.Duration(p.Interval)/time.Second), p.CreatedAt.UTC(), p.UpdatedAt.UTC())
	return err
}

// UpdatePolicy changes an escalation policy.
func (db *DB) UpdatePolicy(ctx context.Context, p *notify.Policy) error {
	steps, err := jsonText(p.Steps)
	if err != nil {
		return err
	}
	res, err := db.exec(ctx, `UPDATE notify_policies SET name = ?, steps = ?, repeat_count = ?, interval_seconds = ?, updated_at = ? WHERE id = ?`,
		p.Name, steps, p.Repeat, int64(time.Duration(p.Interval)/time.Second), p.UpdatedAt.UTC(), p.ID)
	return mustAffect(res, err, "escalation policy")
}

// DeletePolicy removes an escalation policy; its pending timers go with it.
func (db *DB) DeletePolicy(ctx context.Context, id int64) error {
	res, err := db.exec(ctx, "DELETE FROM notify_policies WHERE id = ?", id)
	return mustAffect(res, err, "escalation policy")
}

// PolicyByID returns one escalation policy.
func (db *DB) PolicyByID(ctx context.Context, id int64) (notify.Policy, error) {
	p, err := scanPolicy(db.queryRow(ctx, "SELECT "+policyCols+" FROM notify_policies WHERE id = ?", id))
	return p, notFound(err, "escalation policy")
}

// ListPolicies returns every escalation policy by name.
func (db *DB) ListPolicies(ctx context.Context) ([]notify.Policy, error) {
	return queryAll(ctx, db, scanPolicy, "SELECT "+policyCols+" FROM notify_policies ORDER BY name, id")
}

// ---- messages ----

const messageCols = "id, dedup_key, source, severity, ack_required, template, texts, data, recipients, external, channels, policy_id, created_by, fanout_done, created_at"

func scanMessage(sc interface{ Scan(...any) error }) (notify.Message, error) {
	var m notify.Message
	var texts, data, recips, external, chans []byte
	var policy sql.NullInt64
	if err := sc.Scan(&m.ID, &m.DedupKey, &m.Source, &m.Severity, &m.AckRequired, &m.Template, &texts, &data, &recips, &external, &chans, &policy,
		&m.CreatedBy, &m.FanoutDone, &m.CreatedAt); err != nil {
		return m, err
	}
	m.PolicyID = ptrInt(policy)
	m.CreatedAt = m.CreatedAt.UTC()
	for _, f := range []struct {
		b []byte
		v any
	}{{texts, &m.Texts}, {data, &m.Data}, {recips, &m.Recipients}, {external, &m.External}, {chans, &m.Channels}} {
		if err := json.Unmarshal(f.b, f.v); err != nil {
			return m, fmt.Errorf("message %d: stored fields: %w", m.ID, err)
		}
	}
	return m, nil
}

// CreateMessage stores a message unless one with its dedup key exists, in
// which case it loads that one into m and returns false.
func (db *DB) CreateMessage(ctx context.Context, m *notify.Message) (bool, error) {
	texts, err := jsonText(m.Texts)
	if err != nil {
		return false, err
	}
	data := "{}"
	if m.Data != nil {
		if data, err = jsonText(m.Data); err != nil {
			return false, err
		}
	}
	recips, err := jsonText(m.Recipients)
	if err != nil {
		return false, err
	}
	chans := "[]"
	if m.Channels != nil {
		if chans, err = jsonText(m.Channels); err != nil {
			return false, err
		}
	}
	external := "[]"
	if len(m.External) > 0 {
		if external, err = jsonText(m.External); err != nil {
			return false, err
		}
	}
	var id int64
	err = db.w(ctx).QueryRowContext(ctx, db.rebind(`INSERT INTO notify_messages (dedup_key, source, severity, ack_required, template, texts, data,
		recipients, external, channels, policy_id, created_by, fanout_done, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dedup_key) DO NOTHING RETURNING id`),
		m.DedupKey, m.Source, m.Severity, m.AckRequired, m.Template, texts, data, recips, external, chans, nullInt(m.PolicyID), m.CreatedBy, false,
		m.CreatedAt.UTC()).Scan(&id)
	if err == sql.ErrNoRows {
		existing, err := scanMessage(db.queryRow(ctx, "SELECT "+messageCols+" FROM notify_messages WHERE dedup_key = ?", m.DedupKey))
		if err != nil {
			return false, notFound(err, "message")
		}
		*m = existing
		return false, nil
	}
	if err != nil {
		return false, mapErr(err)
	}
	m.ID = id
	return true, nil
}

// MessageByID returns one message.
func (db *DB) MessageByID(ctx context.Context, id int64) (notify.Message, error) {
	m, err := scanMessage(db.queryRow(ctx, "SELECT "+messageCols+" FROM notify_messages WHERE id = ?", id))
	return m, notFound(err, "message")
}

// skipLocked is the row-locking clause of claims: on PostgreSQL several
// processes claim different rows at once; on SQLite the single writer
// already serialises claims.
func (db *DB) skipLocked() string {
	if db.engine == Postgres {
		return " FOR UPDATE SKIP LOCKED"
	}
	return ""
}

func (db *DB) falseLit() string {
	if db.engine == Postgres {
		return "FALSE"
	}
	return "0"
}

// ClaimFanouts leases messages whose fan-out is not finished.
func (db *DB) ClaimFanouts(ctx context.Context, owner string, now, until time.Time, limit int) ([]notify.Message, error) {
	var out []notify.Message
	err := db.InTx(ctx, func(ctx context.Context) error {
		rows, err := db.query(ctx, `UPDATE notify_messages SET lease_owner = ?, lease_until = ?
			WHERE id IN (SELECT id FROM notify_messages WHERE fanout_done = `+db.falseLit()+` AND (lease_until IS NULL OR lease_until <= ?)
				ORDER BY id LIMIT ?`+db.skipLocked()+`)
			RETURNING `+messageCols, owner, until.UTC(), now.UTC(), limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			m, err := scanMessage(rows)
			if err != nil {
				return err
			}
			out = append(out, m)
		}
		return rows.Err()
	})
	return out, err
}

// FinishFanout marks a message's fan-out done.
func (db *DB) FinishFanout(ctx context.Context, id int64) error {
	res, err := db.exec(ctx, "UPDATE notify_messages SET fanout_done = ?, lease_owner = NULL, lease_until = NULL WHERE id = ?", true, id)
	return mustAffect(res, err, "message")
}

// ---- deliveries ----

const deliveryCols = `d.id, d.message_id, d.person_id, d.holder_id, d.name, d.lang, d.channel_id, d.kind, d.address, d.step, d.dedup_key, d.state,
	d.attempts, d.next_attempt_at, d.lease_owner, d.lease_until, d.last_error, d.external_id, d.sent_at, d.acked_at, d.acked_by,
	d.created_at, d.updated_at`

// deliveryReturning is deliveryCols without the table alias, for
// RETURNING clauses (SQLite does not accept qualified names there).
var deliveryReturning = strings.ReplaceAll(deliveryCols, "d.", "")

func scanDelivery(sc interface{ Scan(...any) error }, extra ...any) (notify.Delivery, error) {
	var d notify.Delivery
	var channel, ackedBy sql.NullInt64
	var owner sql.NullString
	var lease, sent, acked sql.NullTime
	dest := []any{&d.ID, &d.MessageID, &d.PersonID, &d.HolderID, &d.Name, &d.Lang, &channel, &d.Kind, &d.Address, &d.Step, &d.DedupKey,
		&d.State, &d.Attempts, &d.NextAttemptAt, &owner, &lease, &d.LastError, &d.ExternalID, &sent, &acked, &ackedBy, &d.CreatedAt, &d.UpdatedAt}
	if err := sc.Scan(append(dest, extra...)...); err != nil {
		return d, err
	}
	d.ChannelID = channel.Int64
	d.AckedBy = ptrInt(ackedBy)
	d.LeaseOwner = owner.String
	d.LeaseUntil, d.SentAt, d.AckedAt = ptrTime(lease), ptrTime(sent), ptrTime(acked)
	d.NextAttemptAt, d.CreatedAt, d.UpdatedAt = d.NextAttemptAt.UTC(), d.CreatedAt.UTC(), d.UpdatedAt.UTC()
	return d, nil
}

// InsertDeliveries stores the deliveries whose dedup key is new, many rows
// per statement, and returns how many it stored. On SQLite the statement
// of a full chunk is prepared once per call (a fan-out inserts hundreds of
// chunks, and parsing a 60-row insert costs as much as running it).
func (db *DB) InsertDeliveries(ctx context.Context, ds []notify.Delivery) (int, error) {
	const cols = 16
	const per = 60 // rows per statement: 960 parameters, under every engine's limit
	text := func(n int) string {
		var b strings.Builder
		b.WriteString(`INSERT INTO notify_deliveries (message_id, person_id, holder_id, name, lang, channel_id, kind, address, step, dedup_key,
			state, attempts, next_attempt_at, last_error, created_at, updated_at) VALUES `)
		row := "(" + placeholders(cols) + ")"
		for i := range n {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(row)
		}
		b.WriteString(" ON CONFLICT (dedup_key) DO NOTHING")
		return b.String()
	}
	var full *sql.Stmt
	if db.engine == SQLite && len(ds) >= 2*per {
		st, err := db.w(ctx).(interface {
			PrepareContext(context.Context, string) (*sql.Stmt, error)
		}).PrepareContext(ctx, text(per))
		if err != nil {
			return 0, mapErr(err)
		}
		defer st.Close()
		full = st
	}
	total := 0
	args := make([]any, 0, per*cols)
	for len(ds) > 0 {
		n := min(len(ds), per)
		batch := ds[:n]
		ds = ds[n:]
		args = args[:0]
		for i := range batch {
			d := &batch[i]
			var channel any
			if d.ChannelID != 0 {
				channel = d.ChannelID
			}
			args = append(args, d.MessageID, d.PersonID, d.HolderID, d.Name, d.Lang, channel, d.Kind, d.Address, d.Step, d.DedupKey,
				d.State, d.Attempts, d.NextAttemptAt.UTC(), d.LastError, d.CreatedAt.UTC(), d.UpdatedAt.UTC())
		}
		var res sql.Result
		var err error
		if n == per && full != nil {
			res, err = full.ExecContext(ctx, args...)
			err = mapErr(err)
		} else {
			res, err = db.exec(ctx, text(n), args...)
		}
		if err != nil {
			return total, err
		}
		k, err := res.RowsAffected()
		if err != nil {
			return total, err
		}
		total += int(k)
	}
	return total, nil
}

// claimCols are the columns a claimed delivery is sent with: no
// timestamps, whose parsing cost more than the rest of the claim.
const claimCols = `id, message_id, person_id, holder_id, name, lang, channel_id, kind, address, step, dedup_key, state, attempts`

// ClaimDeliveries leases queued deliveries that are due and not leased,
// counting an attempt for each. The deliveries carry what sending them
// needs (ids, recipient, channel, step, dedup key, state, attempts) and
// their new lease, not their other timestamps nor their last error. On
// SQLite the claim is one statement prepared once on the write
// connection.
func (db *DB) ClaimDeliveries(ctx context.Context, owner string, now, until time.Time, limit int) ([]notify.Delivery, error) {
	const q = `UPDATE notify_deliveries SET lease_owner = ?, lease_until = ?, attempts = attempts + 1
		WHERE id IN (SELECT id FROM notify_deliveries WHERE state = 'queued' AND next_attempt_at <= ?
			AND (lease_until IS NULL OR lease_until <= ?) ORDER BY next_attempt_at, id LIMIT ?%s)
		RETURNING ` + claimCols
	query := fmt.Sprintf(q, db.skipLocked())
	until = until.UTC()
	out := make([]notify.Delivery, 0, max(0, min(limit, 1000)))
	claim := func(ctx context.Context) error {
		args := []any{owner, until, now.UTC(), now.UTC(), limit}
		var rows *sql.Rows
		var err error
		if st := db.writeStmt(ctx, query); st != nil {
			rows, err = st.QueryContext(ctx, args...)
		} else {
			rows, err = db.w(ctx).QueryContext(ctx, db.rebind(query), args...)
		}
		if err != nil {
			return mapErr(err)
		}
		defer rows.Close()
		for rows.Next() {
			var d notify.Delivery
			var channel sql.NullInt64
			if err := rows.Scan(&d.ID, &d.MessageID, &d.PersonID, &d.HolderID, &d.Name, &d.Lang, &channel, &d.Kind, &d.Address, &d.Step,
				&d.DedupKey, &d.State, &d.Attempts); err != nil {
				return err
			}
			d.ChannelID = channel.Int64
			d.LeaseOwner, d.LeaseUntil = owner, &until
			out = append(out, d)
		}
		return rows.Err()
	}
	var err error
	if _, inTx := ctx.Value(txKey{}).(*sql.Tx); inTx || db.engine != SQLite {
		err = db.InTx(ctx, claim)
	} else {
		// One statement is atomic on its own; outside a transaction it
		// runs prepared.
		err = claim(ctx)
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// RecordOutcomes stores what happened to deliveries leased by owner. A
// delivery whose lease was taken over meanwhile is left to its new owner;
// one acknowledged while it was being sent becomes acknowledged.
func (db *DB) RecordOutcomes(ctx context.Context, owner string, now time.Time, maxAttempts int, out []notify.Outcome) error {
	now = now.UTC()
	return db.InTx(ctx, func(ctx context.Context) error {
		// Plain successes in two statements, one per resulting state.
		var sent, delivered []any
		for _, o := range out {
			if o.Err == nil && !o.Deferred && o.ExternalID == "" {
				if o.Delivered {
					delivered = append(delivered, o.ID)
				} else {
					sent = append(sent, o.ID)
				}
			}
		}
		for _, g := range []struct {
			state notify.State
			ids   []any
		}{{notify.Sent, sent}, {notify.Delivered, delivered}} {
			for len(g.ids) > 0 {
				n := min(len(g.ids), 500)
				ids := g.ids[:n]
				g.ids = g.ids[n:]
				args := append([]any{g.state, now, now, owner}, ids...)
				if _, err := db.exec(ctx, `UPDATE notify_deliveries SET state = CASE WHEN state <> 'queued' THEN state
						WHEN acked_at IS NOT NULL THEN 'acknowledged' ELSE ? END,
					sent_at = ?, last_error = '', lease_owner = NULL, lease_until = NULL, updated_at = ?
					WHERE lease_owner = ? AND id IN (`+placeholders(n)+")", args...); err != nil {
					return err
				}
			}
		}
		for _, o := range out {
			var err error
			switch {
			case o.Deferred:
				_, err = db.exec(ctx, `UPDATE notify_deliveries SET attempts = attempts - 1, next_attempt_at = ?, lease_owner = NULL,
					lease_until = NULL, updated_at = ? WHERE id = ? AND lease_owner = ?`, o.NextAttempt.UTC(), now, o.ID, owner)
			case o.Err == nil && o.ExternalID != "":
				state := notify.Sent
				if o.Delivered {
					state = notify.Delivered
				}
				_, err = db.exec(ctx, `UPDATE notify_deliveries SET state = CASE WHEN state <> 'queued' THEN state
					WHEN acked_at IS NOT NULL THEN 'acknowledged' ELSE ? END,
					sent_at = ?, external_id = ?, last_error = '', lease_owner = NULL, lease_until = NULL, updated_at = ?
					WHERE id = ? AND lease_owner = ?`, state, now, o.ExternalID, now, o.ID, owner)
			case o.Err == nil:
			case o.Retry:
				// Acknowledged while it was being tried: no next attempt.
				_, err = db.exec(ctx, `UPDATE notify_deliveries SET next_attempt_at = ?, last_error = ?, lease_owner = NULL, lease_until = NULL,
					state = CASE WHEN state = 'queued' AND acked_at IS NOT NULL THEN 'cancelled' ELSE state END,
					updated_at = ? WHERE id = ? AND lease_owner = ?`, o.NextAttempt.UTC(), o.Err.Error(), now, o.ID, owner)
			default:
				_, err = db.exec(ctx, `UPDATE notify_deliveries SET state = CASE WHEN state = 'queued' THEN 'failed' ELSE state END,
					last_error = ?, lease_owner = NULL, lease_until = NULL, updated_at = ? WHERE id = ? AND lease_owner = ?`,
					o.Err.Error(), now, o.ID, owner)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
}

// DeliveryByID returns one delivery.
func (db *DB) DeliveryByID(ctx context.Context, id int64) (notify.Delivery, error) {
	d, err := scanDelivery(db.queryRow(ctx, "SELECT "+deliveryCols+" FROM notify_deliveries d WHERE d.id = ?", id))
	return d, notFound(err, "delivery")
}

// ListDeliveries returns deliveries, newest first, with the source and
// severity of their message.
func (db *DB) ListDeliveries(ctx context.Context, f notify.DeliveryFilter) ([]notify.Delivery, error) {
	var where []string
	var args []any
	add := func(cond string, v any) {
		where = append(where, cond)
		args = append(args, v)
	}
	if f.MessageID > 0 {
		add("d.message_id = ?", f.MessageID)
	}
	if f.PersonID > 0 {
		add("(d.person_id = ? OR d.holder_id = ?)", f.PersonID)
		args = append(args, f.PersonID)
	}
	if f.HolderID > 0 {
		add("d.holder_id = ?", f.HolderID)
	}
	if f.Kind != "" {
		add("d.kind = ?", f.Kind)
	}
	if f.State != "" {
		add("d.state = ?", f.State)
	}
	if f.Source != "" {
		add("m.source = ?", f.Source)
	}
	if f.BeforeID > 0 {
		add("d.id < ?", f.BeforeID)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, 500)
	q := "SELECT " + deliveryCols + ", m.source, m.severity FROM notify_deliveries d JOIN notify_messages m ON m.id = d.message_id"
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY d.id DESC LIMIT ?"
	rows, err := db.query(ctx, q, append(args, limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []notify.Delivery{}
	for rows.Next() {
		var source, severity string
		d, err := scanDelivery(rows, &source, &severity)
		if err != nil {
			return nil, err
		}
		d.Source, d.Severity = source, notify.Severity(severity)
		out = append(out, d)
	}
	return out, rows.Err()
}

// AcknowledgeHolder records an acknowledgement for (message, holder).
func (db *DB) AcknowledgeHolder(ctx context.Context, messageID, holderID, person int64, at time.Time) (int, error) {
	at = at.UTC()
	res, err := db.exec(ctx, `UPDATE notify_deliveries SET
			state = CASE WHEN state IN ('sent', 'delivered') THEN 'acknowledged'
				WHEN state = 'queued' AND (lease_until IS NULL OR lease_until <= ?) THEN 'cancelled' ELSE state END,
			acked_at = ?, acked_by = ?, updated_at = ?
		WHERE message_id = ? AND holder_id = ? AND acked_at IS NULL`, at, at, person, at, messageID, holderID)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// AcknowledgeExternal records that an external recipient acknowledged a
// message: its deliveries whose dedup keys start with prefix, as
// AcknowledgeHolder does for a holder's.
func (db *DB) AcknowledgeExternal(ctx context.Context, messageID int64, prefix string, at time.Time) (int, error) {
	at = at.UTC()
	res, err := db.exec(ctx, `UPDATE notify_deliveries SET
			state = CASE WHEN state IN ('sent', 'delivered') THEN 'acknowledged'
				WHEN state = 'queued' AND (lease_until IS NULL OR lease_until <= ?) THEN 'cancelled' ELSE state END,
			acked_at = ?, updated_at = ?
		WHERE message_id = ? AND holder_id = 0 AND dedup_key LIKE ? ESCAPE '\' AND acked_at IS NULL`, at, at, at, messageID, likePrefix(prefix))
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// ---- escalations ----

const escalationCols = "id, message_id, holder_id, policy_id, round, step, next_deputy, due_at, state, started_at, updated_at"

func scanEscalation(sc interface{ Scan(...any) error }) (notify.Escalation, error) {
	var e notify.Escalation
	err := sc.Scan(&e.ID, &e.MessageID, &e.HolderID, &e.PolicyID, &e.Round, &e.Step, &e.NextDeputy, &e.DueAt, &e.State, &e.StartedAt, &e.UpdatedAt)
	e.DueAt, e.StartedAt, e.UpdatedAt = e.DueAt.UTC(), e.StartedAt.UTC(), e.UpdatedAt.UTC()
	return e, err
}

// InsertEscalations stores escalation timers, skipping (message, holder)
// pairs that have one.
func (db *DB) InsertEscalations(ctx context.Context, es []notify.Escalation) error {
	const cols = 10
	const per = 90
	for len(es) > 0 {
		n := min(len(es), per)
		batch := es[:n]
		es = es[n:]
		var b strings.Builder
		b.WriteString(`INSERT INTO notify_escalations (message_id, holder_id, policy_id, round, step, next_deputy, due_at, state, started_at, updated_at) VALUES `)
		args := make([]any, 0, n*cols)
		for i, e := range batch {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(" + placeholders(cols) + ")")
			args = append(args, e.MessageID, e.HolderID, e.PolicyID, e.Round, e.Step, e.NextDeputy, e.DueAt.UTC(), e.State, e.StartedAt.UTC(), e.UpdatedAt.UTC())
		}
		b.WriteString(" ON CONFLICT (message_id, holder_id) DO NOTHING")
		if _, err := db.exec(ctx, b.String(), args...); err != nil {
			return err
		}
	}
	return nil
}

// ClaimEscalations leases pending escalation timers that are due.
func (db *DB) ClaimEscalations(ctx context.Context, owner string, now, until time.Time, limit int) ([]notify.Escalation, error) {
	var out []notify.Escalation
	err := db.InTx(ctx, func(ctx context.Context) error {
		rows, err := db.query(ctx, `UPDATE notify_escalations SET lease_owner = ?, lease_until = ?
			WHERE id IN (SELECT id FROM notify_escalations WHERE state = 'pending' AND due_at <= ?
				AND (lease_until IS NULL OR lease_until <= ?) ORDER BY due_at, id LIMIT ?`+db.skipLocked()+`)
			RETURNING `+escalationCols, owner, until.UTC(), now.UTC(), now.UTC(), limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			e, err := scanEscalation(rows)
			if err != nil {
				return err
			}
			out = append(out, e)
		}
		return rows.Err()
	})
	return out, err
}

// escalationPos is where a timer goes next.
type escalationPos struct {
	round, step, deputy int
	due                 time.Time
	state               notify.EscalationState
}

// AdvanceEscalations stores the next step of pending escalations and
// releases their leases, one statement per distinct next position (in
// practice one per batch); it returns the ids it changed.
func (db *DB) AdvanceEscalations(ctx context.Context, es []notify.Escalation) (map[int64]bool, error) {
	groups := map[escalationPos][]any{}
	var order []escalationPos
	var at time.Time
	for _, e := range es {
		k := escalationPos{e.Round, e.Step, e.NextDeputy, e.DueAt.UTC(), e.State}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], e.ID)
		at = e.UpdatedAt.UTC()
	}
	out := make(map[int64]bool, len(es))
	return out, db.InTx(ctx, func(ctx context.Context) error {
		return db.advance(ctx, order, groups, at, out)
	})
}

func (db *DB) advance(ctx context.Context, order []escalationPos, groups map[escalationPos][]any, at time.Time, out map[int64]bool) error {
	for _, k := range order {
		ids := groups[k]
		for len(ids) > 0 {
			n := min(len(ids), 500)
			batch := ids[:n]
			ids = ids[n:]
			rows, err := db.query(ctx, `UPDATE notify_escalations SET round = ?, step = ?, next_deputy = ?, due_at = ?, state = ?,
				lease_owner = NULL, lease_until = NULL, updated_at = ? WHERE state = 'pending' AND id IN (`+placeholders(n)+`) RETURNING id`,
				append([]any{k.round, k.step, k.deputy, k.due, k.state, at}, batch...)...)
			if err != nil {
				return err
			}
			for rows.Next() {
				var id int64
				if err := rows.Scan(&id); err != nil {
					rows.Close()
					return err
				}
				out[id] = true
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
		}
	}
	return nil
}

// CancelEscalations stops the pending escalation of (message, holder).
func (db *DB) CancelEscalations(ctx context.Context, messageID, holderID int64, at time.Time) (int, error) {
	res, err := db.exec(ctx, `UPDATE notify_escalations SET state = 'cancelled', lease_owner = NULL, lease_until = NULL, updated_at = ?
		WHERE message_id = ? AND holder_id = ? AND state = 'pending'`, at.UTC(), messageID, holderID)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// ListEscalations returns the escalation timers of a message.
func (db *DB) ListEscalations(ctx context.Context, messageID int64) ([]notify.Escalation, error) {
	return queryAll(ctx, db, scanEscalation, "SELECT "+escalationCols+" FROM notify_escalations WHERE message_id = ? ORDER BY holder_id", messageID)
}

// NextTimer returns the earliest time a pending escalation or an
// unfinished fan-out needs work.
func (db *DB) NextTimer(ctx context.Context) (time.Time, bool, error) {
	var best time.Time
	found := false
	for _, q := range []string{
		"SELECT MIN(COALESCE(lease_until, due_at)) FROM notify_escalations WHERE state = 'pending'",
		"SELECT MIN(COALESCE(lease_until, created_at)) FROM notify_messages WHERE fanout_done = " + db.falseLit(),
	} {
		t, ok, err := db.minTime(ctx, q)
		if err != nil {
			return time.Time{}, false, err
		}
		if ok && (!found || t.Before(best)) {
			best, found = t, true
		}
	}
	return best, found, nil
}

// NextDelivery returns the earliest time a queued delivery is due.
func (db *DB) NextDelivery(ctx context.Context) (time.Time, bool, error) {
	return db.minTime(ctx, "SELECT MIN(COALESCE(lease_until, next_attempt_at)) FROM notify_deliveries WHERE state = 'queued'")
}

// minTime runs a MIN() query over a timestamp column. SQLite returns the
// aggregate as text, so the value is parsed here.
func (db *DB) minTime(ctx context.Context, q string) (time.Time, bool, error) {
	var v any
	if err := db.queryRow(ctx, q).Scan(&v); err != nil {
		return time.Time{}, false, err
	}
	switch t := v.(type) {
	case nil:
		return time.Time{}, false, nil
	case time.Time:
		return t.UTC(), true, nil
	case string:
		return parseSQLiteTime(t)
	case []byte:
		return parseSQLiteTime(string(t))
	}
	return time.Time{}, false, fmt.Errorf("store: unexpected time value %T", v)
}

func parseSQLiteTime(s string) (time.Time, bool, error) {
	for _, layout := range []string{"2006-01-02 15:04:05.999999999-07:00", "2006-01-02 15:04:05-07:00", time.RFC3339Nano} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true, nil
		}
	}
	return time.Time{}, false, fmt.Errorf("store: cannot read time %q", s)
}

// ---- settings ----

// NotifySetting returns a stored setting ("" when absent).
func (db *DB) NotifySetting(ctx context.Context, key string) (string, error) {
	var v string
	err := db.queryRow(ctx, "SELECT value FROM notify_settings WHERE key = ?", key).Scan(&v)
	if err == sql.ErrNoRows {
		return "", nil
	}
	return v, err
}

// SetNotifySettingOnce stores value under key unless the key exists, and
// returns the stored value: the first process to start wins.
func (db *DB) SetNotifySettingOnce(ctx context.Context, key, value string) (string, error) {
	if _, err := db.exec(ctx, "INSERT INTO notify_settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING", key, value); err != nil {
		return "", err
	}
	var v string
	err := db.w(ctx).QueryRowContext(ctx, db.rebind("SELECT value FROM notify_settings WHERE key = ?"), key).Scan(&v)
	return v, err
}
