package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/continuo-bcm/continuo/internal/plan"
)

// ---- plans ----

const planCols = `p.id, p.code, p.kind, p.title, p.title_en, p.unit_id, p.owner_id, p.review_months, p.approvers, p.quorum,
	p.latest_version, p.status, p.published_version, p.published_at, p.review_due, p.created_by, p.created_at, p.updated_at`

func scanPlan(sc interface{ Scan(...any) error }) (plan.Plan, error) {
	var p plan.Plan
	var owner sql.NullInt64
	var approvers []byte
	var published sql.NullTime
	if err := sc.Scan(&p.ID, &p.Code, &p.Kind, &p.Title, &p.TitleEn, &p.UnitID, &owner, &p.ReviewMonths, &approvers, &p.Quorum,
		&p.LatestVersion, &p.Status, &p.PublishedVersion, &published, &p.ReviewDue, &p.CreatedBy, &p.CreatedAt, &p.UpdatedAt); err != nil {
		return p, err
	}
	p.OwnerID = owner.Int64
	p.PublishedAt = ptrTime(published)
	p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	p.Approvers = []plan.Approver{}
	if err := json.Unmarshal(approvers, &p.Approvers); err != nil {
		return p, fmt.Errorf("plan %d: stored approvers: %w", p.ID, err)
	}
	return p, nil
}

// planSearch is what the library's text filter matches: code and titles,
// lower-cased.
func planSearch(p *plan.Plan) string {
	return strings.ToLower(strings.Join([]string{p.Code, p.Title, p.TitleEn}, "\x1f"))
}

func planArgs(p *plan.Plan) ([]any, error) {
	as := p.Approvers
	if as == nil {
		as = []plan.Approver{}
	}
	approvers, err := jsonText(as)
	if err != nil {
		return nil, err
	}
	var owner any
	if p.OwnerID > 0 {
		owner = p.OwnerID
	}
	return []any{p.Code, p.Kind, p.Title, p.TitleEn, p.UnitID, owner, p.ReviewMonths, approvers, p.Quorum,
		p.LatestVersion, p.Status, p.PublishedVersion, nullTime(p.PublishedAt), p.ReviewDue, planSearch(p)}, nil
}

// CreatePlan stores a new plan.
func (db *DB) CreatePlan(ctx context.Context, p *plan.Plan) error {
	args, err := planArgs(p)
	if err != nil {
		return err
	}
	id, err := db.insert(ctx, `INSERT INTO plans (code, kind, title, title_en, unit_id, owner_id, review_months, approvers, quorum,
		latest_version, status, published_version, published_at, review_due, search, created_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		append(args, p.CreatedBy, p.CreatedAt.UTC(), p.UpdatedAt.UTC())...)
	if err != nil {
		return err
	}
	p.ID = id
	return nil
}

// UpdatePlan stores a plan's fields.
func (db *DB) UpdatePlan(ctx context.Context, p *plan.Plan) error {
	args, err := planArgs(p)
	if err != nil {
		return err
	}
	res, err := db.exec(ctx, `UPDATE plans SET code = ?, kind = ?, title = ?, title_en = ?, unit_id = ?, owner_id = ?, review_months = ?,
		approvers = ?, quorum = ?, latest_version = ?, status = ?, published_version = ?, published_at = ?, review_due = ?, search = ?,
		updated_at = ? WHERE id = ?`, append(args, p.UpdatedAt.UTC(), p.ID)...)
	return mustAffect(res, err, "plan")
}

// DeletePlan removes a plan; its versions and decisions go with it.
func (db *DB) DeletePlan(ctx context.Context, id int64) error {
	res, err := db.exec(ctx, "DELETE FROM plans WHERE id = ?", id)
	return mustAffect(res, err, "plan")
}

// PlanByID returns one plan.
func (db *DB) PlanByID(ctx context.Context, id int64) (plan.Plan, error) {
	p, err := scanPlan(db.queryRow(ctx, "SELECT "+planCols+" FROM plans p WHERE p.id = ?", id))
	return p, notFound(err, "plan")
}

// PlanByCode returns the plan with the given code.
func (db *DB) PlanByCode(ctx context.Context, code string) (plan.Plan, error) {
	p, err := scanPlan(db.queryRow(ctx, "SELECT "+planCols+" FROM plans p WHERE p.code = ? AND p.code <> ''", code))
	return p, notFound(err, "plan")
}

func planWhere(f plan.Filter) (string, []any) {
	var conds []string
	var args []any
	if f.Query != "" {
		conds = append(conds, `p.search LIKE ? ESCAPE '\'`)
		args = append(args, "%"+strings.TrimSuffix(likePrefix(strings.ToLower(f.Query)), "%")+"%")
	}
	if f.Kind != "" {
		conds = append(conds, "p.kind = ?")
		args = append(args, f.Kind)
	}
	if f.UnitID > 0 {
		conds = append(conds, "p.unit_id IN (SELECT u.id FROM units u, units q WHERE q.id = ? AND u.path LIKE q.path || '%')")
		args = append(args, f.UnitID)
	}
	if f.Status != "" {
		conds = append(conds, "p.status = ?")
		args = append(args, f.Status)
	}
	if f.Published {
		conds = append(conds, "p.published_version > 0")
	}
	if f.OwnerID > 0 {
		conds = append(conds, "p.owner_id = ?")
		args = append(args, f.OwnerID)
	}
	if f.ReviewDueBy != "" {
		conds = append(conds, "p.published_version > 0 AND p.review_due <> '' AND p.review_due <= ?")
		args = append(args, f.ReviewDueBy)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// kindOrder sorts plans as the Chinese plan system ranks them: the
// general plan first, then special plans, on-site procedures, BC and DR
// plans.
const kindOrder = `CASE p.kind WHEN 'general' THEN 1 WHEN 'special' THEN 2 WHEN 'onsite' THEN 3 WHEN 'bcp' THEN 4 WHEN 'drp' THEN 5 ELSE 6 END`

// ListPlans returns a page of plans by kind, then code and title.
func (db *DB) ListPlans(ctx context.Context, f plan.Filter) ([]plan.Plan, int, error) {
	where, args := planWhere(f)
	var total int
	if err := db.queryRow(ctx, "SELECT COUNT(*) FROM plans p"+where, args...).Scan(&total); err != nil {
		return nil, 0, mapErr(err)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	rows, err := db.query(ctx, "SELECT "+planCols+" FROM plans p"+where+
		" ORDER BY "+kindOrder+", p.code, p.title, p.id LIMIT ? OFFSET ?", append(args, limit, f.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []plan.Plan{}
	for rows.Next() {
		p, err := scanPlan(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, p)
	}
	return out, total, rows.Err()
}

// PlansDueBy returns the published plans due for review on or before day.
func (db *DB) PlansDueBy(ctx context.Context, day string) ([]plan.Plan, error) {
	rows, err := db.query(ctx, "SELECT "+planCols+` FROM plans p
		WHERE p.published_version > 0 AND p.review_due <> '' AND p.review_due <= ? ORDER BY p.review_due, p.id`, day)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []plan.Plan{}
	for rows.Next() {
		p, err := scanPlan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// ---- versions ----

const versionCols = `id, plan_id, number, status, title, title_en, change_note, based_on, author_id, author_name, round,
	submitted_at, submitted_by, approved_at, published_at, published_by, review_due, created_at, updated_at`

func versionDest(v *plan.Version, submitted, approved, published *sql.NullTime) []any {
	return []any{&v.ID, &v.PlanID, &v.Number, &v.Status, &v.Title, &v.TitleEn, &v.ChangeNote, &v.BasedOn, &v.AuthorID, &v.AuthorName, &v.Round,
		submitted, &v.SubmittedBy, approved, published, &v.PublishedBy, &v.ReviewDue, &v.CreatedAt, &v.UpdatedAt}
}

func finishVersion(v *plan.Version, submitted, approved, published sql.NullTime) {
	v.SubmittedAt, v.ApprovedAt, v.PublishedAt = ptrTime(submitted), ptrTime(approved), ptrTime(published)
	v.CreatedAt, v.UpdatedAt = v.CreatedAt.UTC(), v.UpdatedAt.UTC()
}

// CreatePlanVersion stores a new version of a plan.
func (db *DB) CreatePlanVersion(ctx context.Context, v *plan.Version) error {
	content, err := plan.MarshalContent(v.Content)
	if err != nil {
		return err
	}
	id, err := db.insert(ctx, `INSERT INTO plan_versions (plan_id, number, status, title, title_en, change_note, based_on, content,
		author_id, author_name, round, submitted_at, submitted_by, approved_at, published_at, published_by, review_due, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		v.PlanID, v.Number, v.Status, v.Title, v.TitleEn, v.ChangeNote, v.BasedOn, content, v.AuthorID, v.AuthorName, v.Round,
		nullTime(v.SubmittedAt), v.SubmittedBy, nullTime(v.ApprovedAt), nullTime(v.PublishedAt), v.PublishedBy, v.ReviewDue,
		v.CreatedAt.UTC(), v.UpdatedAt.UTC())
	if err != nil {
		return err
	}
	v.ID = id
	return nil
}

// UpdatePlanVersion stores a version's fields and content.
func (db *DB) UpdatePlanVersion(ctx context.Context, v *plan.Version) error {
	content, err := plan.MarshalContent(v.Content)
	if err != nil {
		return err
	}
	res, err := db.exec(ctx, `UPDATE plan_versions SET status = ?, title = ?, title_en = ?, change_note = ?, content = ?, round = ?,
		submitted_at = ?, submitted_by = ?, approved_at = ?, published_at = ?, published_by = ?, review_due = ?, updated_at = ?
		WHERE id = ?`,
		v.Status, v.Title, v.TitleEn, v.ChangeNote, content, v.Round, nullTime(v.SubmittedAt), v.SubmittedBy, nullTime(v.ApprovedAt),
		nullTime(v.PublishedAt), v.PublishedBy, v.ReviewDue, v.UpdatedAt.UTC(), v.ID)
	return mustAffect(res, err, "plan version")
}

// DeletePlanVersion removes a version; its decisions go with it.
func (db *DB) DeletePlanVersion(ctx context.Context, id int64) error {
	res, err := db.exec(ctx, "DELETE FROM plan_versions WHERE id = ?", id)
	return mustAffect(res, err, "plan version")
}

// PlanVersion returns one version of a plan with its content and decisions.
func (db *DB) PlanVersion(ctx context.Context, planID int64, number int) (plan.Version, error) {
	var v plan.Version
	var submitted, approved, published sql.NullTime
	var content string
	err := db.queryRow(ctx, "SELECT "+versionCols+", content FROM plan_versions WHERE plan_id = ? AND number = ?", planID, number).
		Scan(append(versionDest(&v, &submitted, &approved, &published), &content)...)
	if err != nil {
		return v, notFound(err, "plan version")
	}
	finishVersion(&v, submitted, approved, published)
	if v.Content, err = plan.UnmarshalContent(content); err != nil {
		return v, fmt.Errorf("plan %d version %d: stored content: %w", planID, number, err)
	}
	v.Decisions, err = db.planDecisions(ctx, v.ID)
	return v, err
}

func (db *DB) planDecisions(ctx context.Context, versionID int64) ([]plan.Decision, error) {
	rows, err := db.query(ctx, `SELECT id, version_id, round, verdict, comment, user_id, user_name, slot, at
		FROM plan_decisions WHERE version_id = ? ORDER BY id`, versionID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []plan.Decision{}
	for rows.Next() {
		var d plan.Decision
		if err := rows.Scan(&d.ID, &d.VersionID, &d.Round, &d.Verdict, &d.Comment, &d.UserID, &d.UserName, &d.Slot, &d.At); err != nil {
			return nil, err
		}
		d.At = d.At.UTC()
		out = append(out, d)
	}
	return out, rows.Err()
}

// PlanVersions returns a plan's versions, newest first, without content.
func (db *DB) PlanVersions(ctx context.Context, planID int64) ([]plan.VersionSummary, error) {
	rows, err := db.query(ctx, "SELECT "+versionCols+" FROM plan_versions WHERE plan_id = ? ORDER BY number DESC", planID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []plan.VersionSummary{}
	for rows.Next() {
		var v plan.Version
		var submitted, approved, published sql.NullTime
		if err := rows.Scan(versionDest(&v, &submitted, &approved, &published)...); err != nil {
			return nil, err
		}
		finishVersion(&v, submitted, approved, published)
		out = append(out, v.Summary())
	}
	return out, rows.Err()
}

// AddPlanDecision stores an approver's decision.
func (db *DB) AddPlanDecision(ctx context.Context, d *plan.Decision) error {
	id, err := db.insert(ctx, `INSERT INTO plan_decisions (version_id, round, verdict, comment, user_id, user_name, slot, at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, d.VersionID, d.Round, d.Verdict, d.Comment, d.UserID, d.UserName, d.Slot, d.At.UTC())
	if err != nil {
		return err
	}
	d.ID = id
	return nil
}

// ExistingRisks returns which of the ids are risks of the register.
func (db *DB) ExistingRisks(ctx context.Context, ids []int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	for start := 0; start < len(ids); start += 500 {
		chunk := ids[start:min(start+500, len(ids))]
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		rows, err := db.query(ctx, "SELECT id FROM risks WHERE id IN ("+placeholders(len(args))+")", args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, err
			}
			out[id] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
