package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/continuo-bcm/continuo/internal/risk"
)

// ---- matrices ----

// matrixDefinition is the JSON stored in risk_matrices.definition.
type matrixDefinition struct {
	Likelihood []risk.ScaleLevel `json:"likelihood"`
	Impact     []risk.ScaleLevel `json:"impact"`
	Bands      []risk.Band       `json:"bands"`
}

func scanMatrix(sc interface{ Scan(...any) error }) (risk.Matrix, error) {
	var m risk.Matrix
	var def []byte
	if err := sc.Scan(&m.ID, &m.Name, &m.NameEn, &def, &m.Builtin); err != nil {
		return m, err
	}
	var d matrixDefinition
	if err := json.Unmarshal(def, &d); err != nil {
		return m, fmt.Errorf("matrix %s: stored definition: %w", m.ID, err)
	}
	m.Likelihood, m.Impact, m.Bands = d.Likelihood, d.Impact, d.Bands
	return m, nil
}

const matrixCols = "id, name, name_en, definition, builtin"

// ListMatrices returns every assessment matrix in display order.
func (db *DB) ListMatrices(ctx context.Context) ([]risk.Matrix, error) {
	return queryAll(ctx, db, scanMatrix, "SELECT "+matrixCols+" FROM risk_matrices ORDER BY sort_order, id")
}

// MatrixByID returns one assessment matrix.
func (db *DB) MatrixByID(ctx context.Context, id string) (risk.Matrix, error) {
	m, err := scanMatrix(db.queryRow(ctx, "SELECT "+matrixCols+" FROM risk_matrices WHERE id = ?", id))
	return m, notFound(err, "matrix")
}

// ---- risks ----

const riskCols = `r.id, r.code, r.title, r.title_en, r.category, r.cause, r.consequence, r.owner_id, r.unit_id, r.process_ids,
	r.controls, r.treatment, r.actions, r.status, r.review_date,
	r.inh_matrix, r.inh_likelihood, r.inh_impact, r.inh_score, r.inh_level, r.inh_at,
	r.res_matrix, r.res_likelihood, r.res_impact, r.res_score, r.res_level, r.res_at,
	r.level, r.created_at, r.updated_at`

// ratingCols are the nullable columns of a stored rating.
type ratingCols struct {
	matrix, level     sql.NullString
	likelihood, impct sql.NullInt64
	score             sql.NullInt64
	at                sql.NullTime
}

func (c *ratingCols) dest() []any {
	return []any{&c.matrix, &c.likelihood, &c.impct, &c.score, &c.level, &c.at}
}

func (c *ratingCols) rating() *risk.Rating {
	if !c.matrix.Valid {
		return nil
	}
	return &risk.Rating{MatrixID: c.matrix.String, Likelihood: int(c.likelihood.Int64), Impact: int(c.impct.Int64),
		Score: int(c.score.Int64), Level: risk.Level(c.level.String), AssessedAt: c.at.Time.UTC()}
}

func scanRisk(sc interface{ Scan(...any) error }) (risk.Risk, error) {
	var r risk.Risk
	var owner sql.NullInt64
	var processes, actions []byte
	var inh, res ratingCols
	dest := []any{&r.ID, &r.Code, &r.Title, &r.TitleEn, &r.Category, &r.Cause, &r.Consequence, &owner, &r.UnitID, &processes,
		&r.Controls, &r.Treatment, &actions, &r.Status, &r.ReviewDate}
	dest = append(dest, inh.dest()...)
	dest = append(dest, res.dest()...)
	dest = append(dest, &r.Level, &r.CreatedAt, &r.UpdatedAt)
	if err := sc.Scan(dest...); err != nil {
		return r, err
	}
	r.OwnerID = ptrInt(owner)
	r.Inherent, r.Residual = inh.rating(), res.rating()
	r.CreatedAt, r.UpdatedAt = r.CreatedAt.UTC(), r.UpdatedAt.UTC()
	r.ProcessIDs, r.Actions = []int64{}, []risk.Action{}
	if err := json.Unmarshal(processes, &r.ProcessIDs); err != nil {
		return r, fmt.Errorf("risk %d: stored processes: %w", r.ID, err)
	}
	if err := json.Unmarshal(actions, &r.Actions); err != nil {
		return r, fmt.Errorf("risk %d: stored actions: %w", r.ID, err)
	}
	return r, nil
}

// riskSearch is what the register's text filter matches: code and titles,
// lower-cased.
func riskSearch(r *risk.Risk) string {
	return strings.ToLower(strings.Join([]string{r.Code, r.Title, r.TitleEn}, "\x1f"))
}

func jsonText(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}

func riskJSON(r *risk.Risk) (processes, actions string, err error) {
	ps, as := r.ProcessIDs, r.Actions
	if ps == nil {
		ps = []int64{}
	}
	if as == nil {
		as = []risk.Action{}
	}
	if processes, err = jsonText(ps); err != nil {
		return "", "", err
	}
	actions, err = jsonText(as)
	return processes, actions, err
}

// CreateRisk stores a new, not yet assessed risk.
func (db *DB) CreateRisk(ctx context.Context, r *risk.Risk) error {
	processes, actions, err := riskJSON(r)
	if err != nil {
		return err
	}
	id, err := db.insert(ctx, `INSERT INTO risks (code, title, title_en, category, cause, consequence, owner_id, unit_id, process_ids,
		controls, treatment, actions, status, review_date, search, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.Code, r.Title, r.TitleEn, r.Category, r.Cause, r.Consequence, nullInt(r.OwnerID), r.UnitID, processes,
		r.Controls, r.Treatment, actions, r.Status, r.ReviewDate, riskSearch(r), r.CreatedAt.UTC(), r.UpdatedAt.UTC())
	if err != nil {
		return err
	}
	r.ID = id
	return nil
}

// UpdateRisk stores a risk's register fields, leaving its ratings alone.
func (db *DB) UpdateRisk(ctx context.Context, r *risk.Risk) error {
	processes, actions, err := riskJSON(r)
	if err != nil {
		return err
	}
	res, err := db.exec(ctx, `UPDATE risks SET code = ?, title = ?, title_en = ?, category = ?, cause = ?, consequence = ?, owner_id = ?,
		unit_id = ?, process_ids = ?, controls = ?, treatment = ?, actions = ?, status = ?, review_date = ?, search = ?, updated_at = ?
		WHERE id = ?`,
		r.Code, r.Title, r.TitleEn, r.Category, r.Cause, r.Consequence, nullInt(r.OwnerID), r.UnitID, processes,
		r.Controls, r.Treatment, actions, r.Status, r.ReviewDate, riskSearch(r), r.UpdatedAt.UTC(), r.ID)
	return mustAffect(res, err, "risk")
}

// DeleteRisk removes a risk; its assessments go with it.
func (db *DB) DeleteRisk(ctx context.Context, id int64) error {
	res, err := db.exec(ctx, "DELETE FROM risks WHERE id = ?", id)
	return mustAffect(res, err, "risk")
}

// RiskByID returns one risk.
func (db *DB) RiskByID(ctx context.Context, id int64) (risk.Risk, error) {
	r, err := scanRisk(db.queryRow(ctx, "SELECT "+riskCols+" FROM risks r WHERE r.id = ?", id))
	return r, notFound(err, "risk")
}

// RiskByCode returns the risk with the given code.
func (db *DB) RiskByCode(ctx context.Context, code string) (risk.Risk, error) {
	r, err := scanRisk(db.queryRow(ctx, "SELECT "+riskCols+" FROM risks r WHERE r.code = ? AND r.code <> ''", code))
	return r, notFound(err, "risk")
}

// subtreeUnits selects the ids of a unit (the argument) and the units
// under it.
const subtreeUnits = "(SELECT u.id FROM units u, units p WHERE p.id = ? AND u.path LIKE p.path || '%')"

// riskWhere builds the WHERE clause shared by the list and its count.
func riskWhere(f risk.Filter) (string, []any) {
	var conds []string
	var args []any
	if f.Query != "" {
		conds = append(conds, `r.search LIKE ? ESCAPE '\'`)
		args = append(args, "%"+strings.TrimSuffix(likePrefix(strings.ToLower(f.Query)), "%")+"%")
	}
	if f.Category != "" {
		conds = append(conds, "r.category = ?")
		args = append(args, f.Category)
	}
	if f.UnitID > 0 {
		conds = append(conds, "r.unit_id IN "+subtreeUnits)
		args = append(args, f.UnitID)
	}
	if f.Level != "" {
		// The rank, not the name, so that risks_rank is searched.
		conds = append(conds, "r.level_rank = ?")
		args = append(args, f.Level.Rank())
	}
	if f.OwnerID > 0 {
		conds = append(conds, "r.owner_id = ?")
		args = append(args, f.OwnerID)
	}
	if f.Status != "" {
		conds = append(conds, "r.status = ?")
		args = append(args, f.Status)
	}
	if f.OverdueReview {
		conds = append(conds, "r.review_date <> '' AND r.review_date < ? AND r.status <> 'closed'")
		args = append(args, f.Today)
	}
	if f.Kind != "" {
		// The risks of a heatmap cell: as HeatmapCells counts them.
		prefix := "r.inh_"
		if f.Kind == risk.Residual {
			prefix = "r.res_"
		}
		conds = append(conds, prefix+"matrix IS NOT NULL", "r.status <> 'closed'")
		if f.MatrixID != "" {
			conds = append(conds, prefix+"matrix = ?")
			args = append(args, f.MatrixID)
		}
		if f.Likelihood > 0 {
			conds = append(conds, prefix+"likelihood = ?")
			args = append(args, f.Likelihood)
		}
		if f.Impact > 0 {
			conds = append(conds, prefix+"impact = ?")
			args = append(args, f.Impact)
		}
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// ListRisks returns a page of risks, ranked: highest current level first,
// then highest score, then oldest; risks not yet assessed come last.
func (db *DB) ListRisks(ctx context.Context, f risk.Filter) ([]risk.Risk, int, error) {
	where, args := riskWhere(f)
	var total int
	if err := db.queryRow(ctx, "SELECT COUNT(*) FROM risks r"+where, args...).Scan(&total); err != nil {
		return nil, 0, mapErr(err)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	rows, err := db.query(ctx, "SELECT "+riskCols+" FROM risks r"+where+
		" ORDER BY r.level_rank DESC, r.score DESC, r.id LIMIT ? OFFSET ?", append(args, limit, f.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []risk.Risk
	for rows.Next() {
		r, err := scanRisk(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, r)
	}
	return out, total, rows.Err()
}

// AddAssessment stores an assessment and copies it into the risk as its
// current rating of that kind. A new inherent rating on another matrix
// than the current residual one clears the residual rating.
func (db *DB) AddAssessment(ctx context.Context, a *risk.Assessment) error {
	return db.InTx(ctx, func(ctx context.Context) error {
		var pred any
		if a.Predictability != nil {
			pred = *a.Predictability
		}
		id, err := db.insert(ctx, `INSERT INTO risk_assessments (risk_id, matrix_id, kind, likelihood, impact, predictability, score, level,
			note, assessed_by, assessed_by_name, assessed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			a.RiskID, a.MatrixID, a.Kind, a.Likelihood, a.Impact, pred, a.Score, a.Level, a.Note, a.AssessedBy, a.AssessedByName, a.AssessedAt.UTC())
		if err != nil {
			return err
		}
		a.ID = id
		r, err := db.RiskByID(ctx, a.RiskID)
		if err != nil {
			return err
		}
		rt := &risk.Rating{MatrixID: a.MatrixID, Likelihood: a.Likelihood, Impact: a.Impact, Score: a.Score, Level: a.Level, AssessedAt: a.AssessedAt.UTC()}
		if a.Kind == risk.Residual {
			r.Residual = rt
		} else {
			r.Inherent = rt
			if r.Residual != nil && r.Residual.MatrixID != a.MatrixID {
				r.Residual = nil
			}
		}
		return db.storeRatings(ctx, &r)
	})
}

func ratingArgs(rt *risk.Rating) []any {
	if rt == nil {
		return []any{nil, nil, nil, nil, nil, nil}
	}
	return []any{rt.MatrixID, rt.Likelihood, rt.Impact, rt.Score, string(rt.Level), rt.AssessedAt.UTC()}
}

// storeRatings writes a risk's current ratings and the level and score
// that rank it.
func (db *DB) storeRatings(ctx context.Context, r *risk.Risk) error {
	level, score := risk.Level(""), 0
	if cur := r.Current(); cur != nil {
		level, score = cur.Level, cur.Score
	}
	args := append(ratingArgs(r.Inherent), ratingArgs(r.Residual)...)
	args = append(args, string(level), level.Rank(), score, r.ID)
	res, err := db.exec(ctx, `UPDATE risks SET
		inh_matrix = ?, inh_likelihood = ?, inh_impact = ?, inh_score = ?, inh_level = ?, inh_at = ?,
		res_matrix = ?, res_likelihood = ?, res_impact = ?, res_score = ?, res_level = ?, res_at = ?,
		level = ?, level_rank = ?, score = ? WHERE id = ?`, args...)
	return mustAffect(res, err, "risk")
}

// Assessments returns a risk's assessments, oldest first.
func (db *DB) Assessments(ctx context.Context, riskID int64) ([]risk.Assessment, error) {
	rows, err := db.query(ctx, `SELECT id, risk_id, matrix_id, kind, likelihood, impact, predictability, score, level, note,
		assessed_by, assessed_by_name, assessed_at FROM risk_assessments WHERE risk_id = ? ORDER BY assessed_at, id`, riskID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []risk.Assessment
	for rows.Next() {
		var a risk.Assessment
		var pred sql.NullInt64
		if err := rows.Scan(&a.ID, &a.RiskID, &a.MatrixID, &a.Kind, &a.Likelihood, &a.Impact, &pred, &a.Score, &a.Level, &a.Note,
			&a.AssessedBy, &a.AssessedByName, &a.AssessedAt); err != nil {
			return nil, err
		}
		if pred.Valid {
			p := int(pred.Int64)
			a.Predictability = &p
		}
		a.AssessedAt = a.AssessedAt.UTC()
		out = append(out, a)
	}
	return out, rows.Err()
}

// HeatmapCells counts the open risks (not closed) in each cell of a matrix
// by their current rating of the query's kind, with the highest ranked ids
// of each cell. Both the counts and the ids are read from the cell index
// (risks_inh_cell or risks_res_cell) alone: one grouped count, then one
// short ordered range per non-empty cell.
func (db *DB) HeatmapCells(ctx context.Context, q risk.HeatmapQuery) ([]risk.Cell, error) {
	prefix := "inh_"
	if q.Kind == risk.Residual {
		prefix = "res_"
	}
	l, i := "r."+prefix+"likelihood", "r."+prefix+"impact"
	conds := []string{"r." + prefix + "matrix = ?", "r.status <> 'closed'"}
	args := []any{q.MatrixID}
	if q.Category != "" {
		conds = append(conds, "r.category = ?")
		args = append(args, q.Category)
	}
	if q.UnitID > 0 {
		conds = append(conds, "r.unit_id IN "+subtreeUnits)
		args = append(args, q.UnitID)
	}
	where := strings.Join(conds, " AND ")
	rows, err := db.query(ctx, `SELECT `+l+`, `+i+`, COUNT(*) FROM risks r WHERE `+where+` GROUP BY `+l+`, `+i+` ORDER BY `+l+`, `+i, args...)
	if err != nil {
		return nil, err
	}
	var out []risk.Cell
	for rows.Next() {
		var c risk.Cell
		if err := rows.Scan(&c.Likelihood, &c.Impact, &c.Count); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	per := q.IDsPerCell
	if per <= 0 {
		per = 100
	}
	for k := range out {
		c := &out[k]
		ids, err := db.ids(ctx, `SELECT r.id FROM risks r WHERE `+where+` AND `+l+` = ? AND `+i+` = ?
			ORDER BY r.level_rank DESC, r.score DESC, r.id LIMIT ?`, append(slices.Clone(args), c.Likelihood, c.Impact, per)...)
		if err != nil {
			return nil, err
		}
		c.RiskIDs = ids
	}
	return out, nil
}

// ids runs a query of one id column.
func (db *DB) ids(ctx context.Context, query string, args ...any) ([]int64, error) {
	rows, err := db.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []int64{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// TopRisks returns the highest ranked assessed open risks of each unit of
// a subtree, with the count of the unit's open risks, units ordered by
// path (tree order). Counts and each unit's top risks come from
// risks_unit: a grouped count, then one short ordered range per unit.
func (db *DB) TopRisks(ctx context.Context, q risk.TopQuery) ([]risk.UnitTop, error) {
	scope, args := "", []any{}
	if q.UnitID > 0 {
		scope = " AND r.unit_id IN " + subtreeUnits
		args = append(args, q.UnitID)
	}
	cat, catArgs := "", []any{}
	if q.Category != "" {
		cat, catArgs = " AND r.category = ?", []any{q.Category}
		scope += cat
		args = append(args, catArgs...)
	}
	rows, err := db.query(ctx, `SELECT c.unit_id, u.name, u.name_en, u.path, c.n FROM
		(SELECT r.unit_id, COUNT(*) AS n FROM risks r WHERE r.status <> 'closed'`+scope+` GROUP BY r.unit_id) c
		JOIN units u ON u.id = c.unit_id ORDER BY u.path`, args...)
	if err != nil {
		return nil, err
	}
	var out []risk.UnitTop
	for rows.Next() {
		var t risk.UnitTop
		if err := rows.Scan(&t.UnitID, &t.UnitName, &t.UnitNameEn, &t.UnitPath, &t.Open); err != nil {
			rows.Close()
			return nil, err
		}
		t.Risks = []risk.Risk{}
		out = append(out, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for k := range out {
		t := &out[k]
		rows, err := db.query(ctx, `SELECT `+riskCols+` FROM risks r WHERE r.unit_id = ? AND r.status <> 'closed' AND r.level_rank > 0`+cat+`
			ORDER BY r.level_rank DESC, r.score DESC, r.id LIMIT ?`, append(append([]any{t.UnitID}, catArgs...), q.N)...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			r, err := scanRisk(rows)
			if err != nil {
				rows.Close()
				return nil, err
			}
			t.Risks = append(t.Risks, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// RisksByCode returns the stored risks with the given codes, by code. The
// condition that the code is not empty lets the partial index risks_code
// serve the query.
func (db *DB) RisksByCode(ctx context.Context, codes []string) (map[string]risk.Risk, error) {
	out := map[string]risk.Risk{}
	for start := 0; start < len(codes); start += 500 {
		chunk := codes[start:min(start+500, len(codes))]
		args := make([]any, len(chunk))
		for i, c := range chunk {
			args[i] = c
		}
		rows, err := db.query(ctx, "SELECT "+riskCols+" FROM risks r WHERE r.code <> '' AND r.code IN ("+strings.TrimSuffix(strings.Repeat("?, ", len(chunk)), ", ")+")", args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			r, err := scanRisk(rows)
			if err != nil {
				rows.Close()
				return nil, err
			}
			out[r.Code] = r
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// importCacheKiB is the SQLite page cache of a batch import.
const importCacheKiB = 128 << 10

// ImportRisks stores a checked batch of risks and their new assessments in
// the transaction of ctx, each statement prepared once for the batch: a
// 10,000-row import runs three statements a row instead of ten.
func (db *DB) ImportRisks(ctx context.Context, items []risk.ImportItem) error {
	t, ok := ctx.Value(txKey{}).(*sql.Tx)
	if !ok {
		return db.InTx(ctx, func(ctx context.Context) error { return db.ImportRisks(ctx, items) })
	}
	// A batch touches every index of the table all over: on SQLite, give
	// the connection a page cache that holds them for the batch, instead
	// of the default 2 MB, and restore it afterwards.
	if db.engine == SQLite {
		var size int64
		if err := t.QueryRowContext(ctx, "PRAGMA cache_size").Scan(&size); err == nil && size > -importCacheKiB && size < importCacheKiB {
			if _, err := t.ExecContext(ctx, fmt.Sprintf("PRAGMA cache_size = -%d", importCacheKiB)); err != nil {
				return mapErr(err)
			}
			defer func() { _, _ = t.ExecContext(context.WithoutCancel(ctx), fmt.Sprintf("PRAGMA cache_size = %d", size)) }()
		}
	}
	var stmts []*sql.Stmt
	defer func() {
		for _, st := range stmts {
			st.Close()
		}
	}()
	prepare := func(q string) (*sql.Stmt, error) {
		st, err := t.PrepareContext(ctx, db.rebind(q))
		if err != nil {
			return nil, mapErr(err)
		}
		stmts = append(stmts, st)
		return st, nil
	}
	const ratings = `inh_matrix, inh_likelihood, inh_impact, inh_score, inh_level, inh_at,
		res_matrix, res_likelihood, res_impact, res_score, res_level, res_at, level, level_rank, score`
	create, err := prepare(`INSERT INTO risks (code, title, title_en, category, cause, consequence, owner_id, unit_id, process_ids,
		controls, treatment, actions, status, review_date, search, created_at, updated_at, ` + ratings + `)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`)
	if err != nil {
		return err
	}
	update, err := prepare(`UPDATE risks SET code = ?, title = ?, title_en = ?, category = ?, cause = ?, consequence = ?, owner_id = ?,
		unit_id = ?, process_ids = ?, controls = ?, treatment = ?, actions = ?, status = ?, review_date = ?, search = ?, created_at = ?, updated_at = ?,
		inh_matrix = ?, inh_likelihood = ?, inh_impact = ?, inh_score = ?, inh_level = ?, inh_at = ?,
		res_matrix = ?, res_likelihood = ?, res_impact = ?, res_score = ?, res_level = ?, res_at = ?,
		level = ?, level_rank = ?, score = ? WHERE id = ?`)
	if err != nil {
		return err
	}
	assess, err := prepare(`INSERT INTO risk_assessments (risk_id, matrix_id, kind, likelihood, impact, predictability, score, level,
		note, assessed_by, assessed_by_name, assessed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`)
	if err != nil {
		return err
	}
	for i := range items {
		r := &items[i].Risk
		processes, actions, err := riskJSON(r)
		if err != nil {
			return err
		}
		level, score := risk.Level(""), 0
		if cur := r.Current(); cur != nil {
			level, score = cur.Level, cur.Score
		}
		args := []any{r.Code, r.Title, r.TitleEn, r.Category, r.Cause, r.Consequence, nullInt(r.OwnerID), r.UnitID, processes,
			r.Controls, r.Treatment, actions, r.Status, r.ReviewDate, riskSearch(r), r.CreatedAt.UTC(), r.UpdatedAt.UTC()}
		args = append(args, ratingArgs(r.Inherent)...)
		args = append(args, ratingArgs(r.Residual)...)
		args = append(args, string(level), level.Rank(), score)
		if r.ID == 0 {
			if err := create.QueryRowContext(ctx, args...).Scan(&r.ID); err != nil {
				return mapErr(err)
			}
		} else {
			res, err := update.ExecContext(ctx, append(args, r.ID)...)
			if err := mustAffect(res, mapErr(err), "risk"); err != nil {
				return err
			}
		}
		for j := range items[i].Ratings {
			a := &items[i].Ratings[j]
			a.RiskID = r.ID
			var pred any
			if a.Predictability != nil {
				pred = *a.Predictability
			}
			if err := assess.QueryRowContext(ctx, a.RiskID, a.MatrixID, a.Kind, a.Likelihood, a.Impact, pred, a.Score, a.Level,
				a.Note, a.AssessedBy, a.AssessedByName, a.AssessedAt.UTC()).Scan(&a.ID); err != nil {
				return mapErr(err)
			}
		}
	}
	return nil
}
