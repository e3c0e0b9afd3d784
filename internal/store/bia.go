package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/continuo-bcm/continuo/internal/bia"
)

// bumpBIA advances the BIA revision inside the transaction in ctx and
// records in the change log the nodes whose attributes or dependencies
// changed; without nodes it records "*", everything, so that a change that
// does not say what it touched makes every process load the whole graph.
// Every change to what the dependency graph is built from calls it, so
// that the services of every process sharing the database see their graph
// is stale and load only what changed. Writers serialise on the bia_rev
// row, so revisions become visible in order.
func (db *DB) bumpBIA(ctx context.Context, nodes ...string) error {
	rev, err := db.bumpBIARev(ctx)
	if err != nil {
		return err
	}
	if len(nodes) == 0 {
		nodes = []string{"*"}
	}
	slices.Sort(nodes)
	for _, n := range slices.Compact(nodes) {
		if n == "" {
			continue
		}
		if _, err := db.exec(ctx, "INSERT INTO bia_changes (rev, node) VALUES (?, ?)", rev, n); err != nil {
			return err
		}
	}
	if rev%100 == 0 {
		if _, err := db.exec(ctx, "DELETE FROM bia_changes WHERE rev <= ?", rev-biaChangesKept); err != nil {
			return err
		}
	}
	return nil
}

// bumpBIARev advances the BIA revision without recording a change of the
// graph (the settings, which the graph does not use).
func (db *DB) bumpBIARev(ctx context.Context) (int64, error) {
	var rev int64
	err := db.w(ctx).QueryRowContext(ctx, db.rebind("UPDATE bia_rev SET rev = rev + 1 WHERE id = 1 RETURNING rev")).Scan(&rev)
	return rev, mapErr(err)
}

// biaChangesKept is how many revisions of the BIA change log are kept; a
// process further behind loads the whole graph again.
const biaChangesKept = 10_000

// dependentsOf returns the nodes with a dependency on node (as target or
// alternative): deleting node changes their dependencies.
func (db *DB) dependentsOf(ctx context.Context, ref string) ([]string, error) {
	r, ok := bia.ParseRef(ref)
	if !ok {
		return nil, nil
	}
	to, alt := "to_resource_id", "alt_resource_id"
	if r.Process {
		to, alt = "to_process_id", "alt_process_id"
	}
	rows, err := db.query(ctx, `SELECT COALESCE(-from_process_id, from_resource_id) FROM bia_dependencies WHERE `+to+` = ? OR `+alt+` = ?`, r.ID, r.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []string{ref}
	for rows.Next() {
		var n int64
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, signedRef(n))
	}
	return out, rows.Err()
}

// dependencyFrom returns the dependent node of a stored dependency, "" if
// there is none.
func (db *DB) dependencyFrom(ctx context.Context, id int64) (string, error) {
	var n int64
	err := db.w(ctx).QueryRowContext(ctx, db.rebind("SELECT COALESCE(-from_process_id, from_resource_id) FROM bia_dependencies WHERE id = ?"), id).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return signedRef(n), mapErr(err)
}

// BIARevision is the current revision of the BIA data.
func (db *DB) BIARevision(ctx context.Context) (int64, error) {
	var rev int64
	err := db.queryRow(ctx, "SELECT rev FROM bia_rev WHERE id = 1").Scan(&rev)
	return rev, mapErr(err)
}

// BIASettings returns the BIA conventions.
func (db *DB) BIASettings(ctx context.Context) (bia.Settings, error) {
	var def []byte
	if err := db.queryRow(ctx, "SELECT definition FROM bia_settings WHERE id = 1").Scan(&def); err != nil {
		return bia.Settings{}, mapErr(err)
	}
	var s bia.Settings
	if err := json.Unmarshal(def, &s); err != nil {
		return s, fmt.Errorf("bia settings: %w", err)
	}
	return s, nil
}

// SaveBIASettings stores the BIA conventions.
func (db *DB) SaveBIASettings(ctx context.Context, s bia.Settings) error {
	def, err := jsonText(s)
	if err != nil {
		return err
	}
	return db.InTx(ctx, func(ctx context.Context) error {
		if _, err := db.exec(ctx, "UPDATE bia_settings SET definition = ? WHERE id = 1", def); err != nil {
			return err
		}
		_, err := db.bumpBIARev(ctx)
		return err
	})
}

// ---- processes ----

const processCols = `id, code, name, name_en, owner_id, unit_id, description, important, impacts, mtpd_minutes, mtpd_derived,
	rto_minutes, rpo_minutes, mbco, peak_periods, min_staff, min_resources, approved_answer_id, approved_at, created_at, updated_at`

func nullMinutes(m *int) any {
	if m == nil {
		return nil
	}
	return *m
}

func ptrMinutes(n sql.NullInt64) *int {
	if !n.Valid {
		return nil
	}
	v := int(n.Int64)
	return &v
}

func scanProcess(sc interface{ Scan(...any) error }) (bia.Process, error) {
	var p bia.Process
	var owner, answer, mtpd, rto, rpo, staff sql.NullInt64
	var impacts []byte
	var approved sql.NullTime
	if err := sc.Scan(&p.ID, &p.Code, &p.Name, &p.NameEn, &owner, &p.UnitID, &p.Description, &p.Important, &impacts, &mtpd, &p.MTPDDerived,
		&rto, &rpo, &p.MBCO, &p.PeakPeriods, &staff, &p.MinResources, &answer, &approved, &p.CreatedAt, &p.UpdatedAt); err != nil {
		return p, err
	}
	p.OwnerID, p.ApprovedAnswerID, p.ApprovedAt = ptrInt(owner), ptrInt(answer), ptrTime(approved)
	p.MTPDMinutes, p.RTOMinutes, p.RPOMinutes, p.MinStaff = ptrMinutes(mtpd), ptrMinutes(rto), ptrMinutes(rpo), ptrMinutes(staff)
	p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	p.Impacts = []bia.ImpactPoint{}
	if err := json.Unmarshal(impacts, &p.Impacts); err != nil {
		return p, fmt.Errorf("process %d: stored impacts: %w", p.ID, err)
	}
	return p, nil
}

func processArgs(p *bia.Process) ([]any, error) {
	imp := p.Impacts
	if imp == nil {
		imp = []bia.ImpactPoint{}
	}
	impacts, err := jsonText(imp)
	if err != nil {
		return nil, err
	}
	return []any{p.Code, p.Name, p.NameEn, nullInt(p.OwnerID), p.UnitID, p.Description, p.Important, impacts, nullMinutes(p.MTPDMinutes), p.MTPDDerived,
		nullMinutes(p.RTOMinutes), nullMinutes(p.RPOMinutes), p.MBCO, p.PeakPeriods, nullMinutes(p.MinStaff), p.MinResources,
		nullInt(p.ApprovedAnswerID), nullTime(p.ApprovedAt), p.UpdatedAt.UTC()}, nil
}

// CreateProcess stores a new process.
func (db *DB) CreateProcess(ctx context.Context, p *bia.Process) error {
	args, err := processArgs(p)
	if err != nil {
		return err
	}
	return db.InTx(ctx, func(ctx context.Context) error {
		id, err := db.insert(ctx, `INSERT INTO bia_processes (code, name, name_en, owner_id, unit_id, description, important, impacts, mtpd_minutes,
			mtpd_derived, rto_minutes, rpo_minutes, mbco, peak_periods, min_staff, min_resources, approved_answer_id, approved_at, updated_at, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, append(args, p.CreatedAt.UTC())...)
		if err != nil {
			return err
		}
		p.ID = id
		return db.bumpBIA(ctx, p.Ref())
	})
}

// UpdateProcess stores a process's fields and values.
func (db *DB) UpdateProcess(ctx context.Context, p *bia.Process) error {
	args, err := processArgs(p)
	if err != nil {
		return err
	}
	return db.InTx(ctx, func(ctx context.Context) error {
		res, err := db.exec(ctx, `UPDATE bia_processes SET code = ?, name = ?, name_en = ?, owner_id = ?, unit_id = ?, description = ?, important = ?,
			impacts = ?, mtpd_minutes = ?, mtpd_derived = ?, rto_minutes = ?, rpo_minutes = ?, mbco = ?, peak_periods = ?, min_staff = ?,
			min_resources = ?, approved_answer_id = ?, approved_at = ?, updated_at = ? WHERE id = ?`, append(args, p.ID)...)
		if err := mustAffect(res, err, "process"); err != nil {
			return err
		}
		return db.bumpBIA(ctx, p.Ref())
	})
}

// DeleteProcess removes a process with its dependencies and answers.
func (db *DB) DeleteProcess(ctx context.Context, id int64) error {
	return db.InTx(ctx, func(ctx context.Context) error {
		changed, err := db.dependentsOf(ctx, bia.ProcessRef(id))
		if err != nil {
			return err
		}
		res, err := db.exec(ctx, "DELETE FROM bia_processes WHERE id = ?", id)
		if err := mustAffect(res, err, "process"); err != nil {
			return err
		}
		return db.bumpBIA(ctx, changed...)
	})
}

// ProcessByID returns one process.
func (db *DB) ProcessByID(ctx context.Context, id int64) (bia.Process, error) {
	p, err := scanProcess(db.queryRow(ctx, "SELECT "+processCols+" FROM bia_processes WHERE id = ?", id))
	return p, notFound(err, "process")
}

// ProcessByCode returns the process with a code.
func (db *DB) ProcessByCode(ctx context.Context, code string) (bia.Process, error) {
	p, err := scanProcess(db.queryRow(ctx, "SELECT "+processCols+" FROM bia_processes WHERE code = ? AND code <> ''", code))
	return p, notFound(err, "process")
}

func (db *DB) processes(ctx context.Context, where string, args ...any) ([]bia.Process, error) {
	return queryAll(ctx, db, scanProcess, "SELECT "+processCols+" FROM bia_processes"+where, args...)
}

// ProcessesByIDs returns the processes with the given ids that exist.
func (db *DB) ProcessesByIDs(ctx context.Context, ids []int64) (map[int64]bia.Process, error) {
	out := make(map[int64]bia.Process, len(ids))
	for start := 0; start < len(ids); start += 500 {
		chunk := ids[start:min(start+500, len(ids))]
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		ps, err := db.processes(ctx, " WHERE id IN ("+placeholders(len(chunk))+")", args...)
		if err != nil {
			return nil, err
		}
		for _, p := range ps {
			out[p.ID] = p
		}
	}
	return out, nil
}

// ListProcesses returns the processes matching the filter, by code then
// name (processes without a code last).
func (db *DB) ListProcesses(ctx context.Context, f bia.ProcessFilter) ([]bia.Process, error) {
	var conds []string
	var args []any
	if f.UnitID > 0 {
		conds = append(conds, "unit_id IN (SELECT u.id FROM units u, units p WHERE p.id = ? AND u.path LIKE p.path || '%')")
		args = append(args, f.UnitID)
	}
	if f.Important {
		conds = append(conds, "important = ?")
		args = append(args, true)
	}
	if f.Query != "" {
		q := "%" + strings.TrimSuffix(likePrefix(strings.ToLower(f.Query)), "%") + "%"
		conds = append(conds, `(LOWER(code) LIKE ? ESCAPE '\' OR LOWER(name) LIKE ? ESCAPE '\' OR LOWER(name_en) LIKE ? ESCAPE '\')`)
		args = append(args, q, q, q)
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	return db.processes(ctx, where+" ORDER BY CASE WHEN code = '' THEN 1 ELSE 0 END, code, name, id", args...)
}

// ---- resources ----

const resourceCols = "id, kind, code, name, name_en, description, unit_id, site_id, owner_id, recovery_minutes, created_at, updated_at"

func scanResource(sc interface{ Scan(...any) error }) (bia.Resource, error) {
	var r bia.Resource
	var unit, site, owner, rec sql.NullInt64
	if err := sc.Scan(&r.ID, &r.Kind, &r.Code, &r.Name, &r.NameEn, &r.Description, &unit, &site, &owner, &rec, &r.CreatedAt, &r.UpdatedAt); err != nil {
		return r, err
	}
	r.UnitID, r.SiteID, r.OwnerID, r.RecoveryMinutes = ptrInt(unit), ptrInt(site), ptrInt(owner), ptrMinutes(rec)
	r.CreatedAt, r.UpdatedAt = r.CreatedAt.UTC(), r.UpdatedAt.UTC()
	return r, nil
}

// CreateResource stores a new resource.
func (db *DB) CreateResource(ctx context.Context, r *bia.Resource) error {
	return db.InTx(ctx, func(ctx context.Context) error {
		id, err := db.insert(ctx, `INSERT INTO bia_resources (kind, code, name, name_en, description, unit_id, site_id, owner_id, recovery_minutes,
			created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			r.Kind, r.Code, r.Name, r.NameEn, r.Description, nullInt(r.UnitID), nullInt(r.SiteID), nullInt(r.OwnerID), nullMinutes(r.RecoveryMinutes),
			r.CreatedAt.UTC(), r.UpdatedAt.UTC())
		if err != nil {
			return err
		}
		r.ID = id
		return db.bumpBIA(ctx, r.Ref())
	})
}

// UpdateResource stores a resource's fields.
func (db *DB) UpdateResource(ctx context.Context, r *bia.Resource) error {
	return db.InTx(ctx, func(ctx context.Context) error {
		res, err := db.exec(ctx, `UPDATE bia_resources SET kind = ?, code = ?, name = ?, name_en = ?, description = ?, unit_id = ?, site_id = ?,
			owner_id = ?, recovery_minutes = ?, updated_at = ? WHERE id = ?`,
			r.Kind, r.Code, r.Name, r.NameEn, r.Description, nullInt(r.UnitID), nullInt(r.SiteID), nullInt(r.OwnerID), nullMinutes(r.RecoveryMinutes),
			r.UpdatedAt.UTC(), r.ID)
		if err := mustAffect(res, err, "resource"); err != nil {
			return err
		}
		return db.bumpBIA(ctx, r.Ref())
	})
}

// DeleteResource removes a resource and the dependencies from and on it.
func (db *DB) DeleteResource(ctx context.Context, id int64) error {
	return db.InTx(ctx, func(ctx context.Context) error {
		changed, err := db.dependentsOf(ctx, bia.ResourceRef(id))
		if err != nil {
			return err
		}
		res, err := db.exec(ctx, "DELETE FROM bia_resources WHERE id = ?", id)
		if err := mustAffect(res, err, "resource"); err != nil {
			return err
		}
		return db.bumpBIA(ctx, changed...)
	})
}

// ResourceByID returns one resource.
func (db *DB) ResourceByID(ctx context.Context, id int64) (bia.Resource, error) {
	r, err := scanResource(db.queryRow(ctx, "SELECT "+resourceCols+" FROM bia_resources WHERE id = ?", id))
	return r, notFound(err, "resource")
}

// ResourceByCode returns the resource with a code.
func (db *DB) ResourceByCode(ctx context.Context, code string) (bia.Resource, error) {
	r, err := scanResource(db.queryRow(ctx, "SELECT "+resourceCols+" FROM bia_resources WHERE code = ? AND code <> ''", code))
	return r, notFound(err, "resource")
}

// ListResources returns the resources of a kind ("" for all) by kind,
// code, name.
func (db *DB) ListResources(ctx context.Context, kind bia.ResourceKind) ([]bia.Resource, error) {
	where, args := "", []any{}
	if kind != "" {
		where, args = " WHERE kind = ?", append(args, kind)
	}
	rows, err := db.query(ctx, "SELECT "+resourceCols+" FROM bia_resources"+where+
		" ORDER BY kind, CASE WHEN code = '' THEN 1 ELSE 0 END, code, name, id", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []bia.Resource
	for rows.Next() {
		r, err := scanResource(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// ---- dependencies ----

const dependencyCols = `id, from_process_id, from_resource_id, to_process_id, to_resource_id, alt_process_id, alt_resource_id,
	type, note, created_at, updated_at`

func refOf(p, r sql.NullInt64) string {
	switch {
	case p.Valid:
		return bia.ProcessRef(p.Int64)
	case r.Valid:
		return bia.ResourceRef(r.Int64)
	}
	return ""
}

// refCols splits a node reference into its process and resource columns.
func refCols(ref string) (process, resource any) {
	r, ok := bia.ParseRef(ref)
	if !ok {
		return nil, nil
	}
	if r.Process {
		return r.ID, nil
	}
	return nil, r.ID
}

func scanDependency(sc interface{ Scan(...any) error }) (bia.Dependency, error) {
	var d bia.Dependency
	var fp, fr, tp, tr, ap, ar sql.NullInt64
	if err := sc.Scan(&d.ID, &fp, &fr, &tp, &tr, &ap, &ar, &d.Type, &d.Note, &d.CreatedAt, &d.UpdatedAt); err != nil {
		return d, err
	}
	d.From, d.To, d.Alternative = refOf(fp, fr), refOf(tp, tr), refOf(ap, ar)
	d.CreatedAt, d.UpdatedAt = d.CreatedAt.UTC(), d.UpdatedAt.UTC()
	return d, nil
}

func dependencyArgs(d *bia.Dependency) []any {
	fp, fr := refCols(d.From)
	tp, tr := refCols(d.To)
	ap, ar := refCols(d.Alternative)
	return []any{fp, fr, tp, tr, ap, ar, d.Type, d.Note, d.UpdatedAt.UTC()}
}

// CreateDependency stores a new dependency; the same pair twice is a
// Conflict.
func (db *DB) CreateDependency(ctx context.Context, d *bia.Dependency) error {
	return db.InTx(ctx, func(ctx context.Context) error {
		id, err := db.insert(ctx, `INSERT INTO bia_dependencies (from_process_id, from_resource_id, to_process_id, to_resource_id, alt_process_id,
			alt_resource_id, type, note, updated_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, append(dependencyArgs(d), d.CreatedAt.UTC())...)
		if err != nil {
			return err
		}
		d.ID = id
		return db.bumpBIA(ctx, d.From)
	})
}

// UpdateDependency stores a dependency's fields.
func (db *DB) UpdateDependency(ctx context.Context, d *bia.Dependency) error {
	return db.InTx(ctx, func(ctx context.Context) error {
		before, err := db.dependencyFrom(ctx, d.ID)
		if err != nil {
			return err
		}
		res, err := db.exec(ctx, `UPDATE bia_dependencies SET from_process_id = ?, from_resource_id = ?, to_process_id = ?, to_resource_id = ?,
			alt_process_id = ?, alt_resource_id = ?, type = ?, note = ?, updated_at = ? WHERE id = ?`, append(dependencyArgs(d), d.ID)...)
		if err := mustAffect(res, err, "dependency"); err != nil {
			return err
		}
		return db.bumpBIA(ctx, before, d.From)
	})
}

// DeleteDependency removes a dependency.
func (db *DB) DeleteDependency(ctx context.Context, id int64) error {
	return db.InTx(ctx, func(ctx context.Context) error {
		before, err := db.dependencyFrom(ctx, id)
		if err != nil {
			return err
		}
		res, err := db.exec(ctx, "DELETE FROM bia_dependencies WHERE id = ?", id)
		if err := mustAffect(res, err, "dependency"); err != nil {
			return err
		}
		return db.bumpBIA(ctx, before)
	})
}

// DependencyByID returns one dependency.
func (db *DB) DependencyByID(ctx context.Context, id int64) (bia.Dependency, error) {
	d, err := scanDependency(db.queryRow(ctx, "SELECT "+dependencyCols+" FROM bia_dependencies WHERE id = ?", id))
	return d, notFound(err, "dependency")
}

// ListDependencies returns the dependencies touching node (all for ""),
// by id.
func (db *DB) ListDependencies(ctx context.Context, node string) ([]bia.Dependency, error) {
	where, args := "", []any{}
	if node != "" {
		r, ok := bia.ParseRef(node)
		if !ok {
			return nil, nil
		}
		if r.Process {
			where = " WHERE from_process_id = ? OR to_process_id = ? OR alt_process_id = ?"
		} else {
			where = " WHERE from_resource_id = ? OR to_resource_id = ? OR alt_resource_id = ?"
		}
		args = []any{r.ID, r.ID, r.ID}
	}
	return queryAll(ctx, db, scanDependency, "SELECT "+dependencyCols+" FROM bia_dependencies"+where+" ORDER BY id", args...)
}

// TransitiveDependents walks the dependencies backwards from node with a
// recursive query: every process and resource that depends on it directly
// or through others, alternatives ignored. Nodes are encoded as signed
// ids (processes negative) so that one column carries both families.
func (db *DB) TransitiveDependents(ctx context.Context, node string) ([]string, error) {
	r, ok := bia.ParseRef(node)
	if !ok {
		return nil, nil
	}
	start := r.ID
	if r.Process {
		start = -r.ID
	}
	rows, err := db.query(ctx, `WITH RECURSIVE down(n) AS (
		SELECT CAST(? AS BIGINT)
		UNION
		SELECT CASE WHEN d.from_process_id IS NOT NULL THEN -d.from_process_id ELSE d.from_resource_id END
		FROM down JOIN bia_dependencies d
			ON (down.n > 0 AND d.to_resource_id = down.n) OR (down.n < 0 AND d.to_process_id = -down.n)
	) SELECT n FROM down WHERE n <> ? ORDER BY n`, start, start)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n int64
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, signedRef(n))
	}
	return out, rows.Err()
}

// BIAGraphData loads every process, resource and dependency, each by id,
// and the revision they are at, from one consistent snapshot of the
// database (a read transaction), so that no dependency names a node the
// load missed.
func (db *DB) BIAGraphData(ctx context.Context) (bia.GraphData, error) {
	var d bia.GraphData
	err := db.snapshotRead(ctx, func(ctx context.Context) error {
		var err error
		if err = db.queryRow(ctx, "SELECT rev FROM bia_rev WHERE id = 1").Scan(&d.Revision); err != nil {
			return mapErr(err)
		}
		return db.graphData(ctx, &d)
	})
	return d, err
}

func (db *DB) graphData(ctx context.Context, d *bia.GraphData) error {
	var err error
	if d.Processes, err = db.graphProcesses(ctx, ""); err != nil {
		return err
	}
	if d.Resources, err = db.graphResources(ctx, ""); err != nil {
		return err
	}
	d.Dependencies, err = db.graphDependencies(ctx, "")
	return err
}

// biaChangesMax is the number of changed nodes above which BIAChanges
// loads the whole graph rather than the nodes one by one.
const biaChangesMax = 2_000

// BIAChanges returns what changed in the dependency graph after revision
// since, from one consistent snapshot: the changed nodes that still exist
// with all their dependencies, and the references of those that were
// deleted. When since is negative, older than the change log keeps, or
// the change is too large (an import), it returns the whole graph instead
// (Full set).
func (db *DB) BIAChanges(ctx context.Context, since int64) (bia.GraphChanges, error) {
	var c bia.GraphChanges
	err := db.snapshotRead(ctx, func(ctx context.Context) error {
		c = bia.GraphChanges{}
		if err := db.queryRow(ctx, "SELECT rev FROM bia_rev WHERE id = 1").Scan(&c.Revision); err != nil {
			return mapErr(err)
		}
		if since >= 0 && c.Revision == since {
			return nil
		}
		full := since < 0 || c.Revision-since > biaChangesKept || c.Revision < since
		var nodes []string
		if !full {
			rows, err := db.query(ctx, "SELECT DISTINCT node FROM bia_changes WHERE rev > ?", since)
			if err != nil {
				return err
			}
			for rows.Next() {
				var n string
				if err := rows.Scan(&n); err != nil {
					rows.Close()
					return err
				}
				nodes = append(nodes, n)
				full = full || n == "*"
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			full = full || len(nodes) > biaChangesMax
		}
		if full {
			c.Full = true
			c.Data.Revision = c.Revision
			return db.graphData(ctx, &c.Data)
		}
		var procs, res []any
		for _, n := range nodes {
			r, ok := bia.ParseRef(n)
			switch {
			case !ok:
				return fmt.Errorf("bia change log: bad node %q", n)
			case r.Process:
				procs = append(procs, r.ID)
			default:
				res = append(res, r.ID)
			}
		}
		var err error
		found := map[string]bool{}
		if len(procs) > 0 {
			if c.Processes, err = db.graphProcesses(ctx, "WHERE id IN ("+placeholders(len(procs))+")", procs...); err != nil {
				return err
			}
			for i := range c.Processes {
				found[c.Processes[i].Ref()] = true
			}
		}
		if len(res) > 0 {
			if c.Resources, err = db.graphResources(ctx, "WHERE id IN ("+placeholders(len(res))+")", res...); err != nil {
				return err
			}
			for i := range c.Resources {
				found[c.Resources[i].Ref()] = true
			}
		}
		for _, n := range nodes {
			if !found[n] {
				c.Removed = append(c.Removed, n)
			}
		}
		slices.Sort(c.Removed)
		var conds []string
		if len(procs) > 0 {
			conds = append(conds, "from_process_id IN ("+placeholders(len(procs))+")")
		}
		if len(res) > 0 {
			conds = append(conds, "from_resource_id IN ("+placeholders(len(res))+")")
		}
		c.Dependencies, err = db.graphDependencies(ctx, "WHERE "+strings.Join(conds, " OR "), append(procs, res...)...)
		return err
	})
	return c, err
}

// The graph is loaded with only the columns it uses: on a large graph,
// reading descriptions and timestamps costs more than building it.

// where, when not empty, restricts the rows loaded ("WHERE id IN (…)").

func (db *DB) graphProcesses(ctx context.Context, where string, args ...any) ([]bia.Process, error) {
	rows, err := db.query(ctx, "SELECT id, code, name, name_en, unit_id, important, impacts, mtpd_minutes, rto_minutes FROM bia_processes "+where+" ORDER BY id", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []bia.Process
	for rows.Next() {
		var p bia.Process
		var impacts []byte
		var mtpd, rto sql.NullInt64
		if err := rows.Scan(&p.ID, &p.Code, &p.Name, &p.NameEn, &p.UnitID, &p.Important, &impacts, &mtpd, &rto); err != nil {
			return nil, err
		}
		p.MTPDMinutes, p.RTOMinutes = ptrMinutes(mtpd), ptrMinutes(rto)
		if len(impacts) > 2 { // "[]" is the common case
			if err := json.Unmarshal(impacts, &p.Impacts); err != nil {
				return nil, fmt.Errorf("process %d: stored impacts: %w", p.ID, err)
			}
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

func (db *DB) graphResources(ctx context.Context, where string, args ...any) ([]bia.Resource, error) {
	rows, err := db.query(ctx, "SELECT id, kind, code, name, name_en, unit_id, recovery_minutes FROM bia_resources "+where+" ORDER BY id", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []bia.Resource
	for rows.Next() {
		var r bia.Resource
		var unit, rec sql.NullInt64
		if err := rows.Scan(&r.ID, &r.Kind, &r.Code, &r.Name, &r.NameEn, &unit, &rec); err != nil {
			return nil, err
		}
		r.UnitID, r.RecoveryMinutes = ptrInt(unit), ptrMinutes(rec)
		out = append(out, r)
	}
	return out, rows.Err()
}

func (db *DB) graphDependencies(ctx context.Context, where string, args ...any) ([]bia.Dependency, error) {
	// Nodes as signed ids (processes negative), to scan fewer columns.
	rows, err := db.query(ctx, `SELECT id, COALESCE(-from_process_id, from_resource_id), COALESCE(-to_process_id, to_resource_id),
		COALESCE(-alt_process_id, alt_resource_id, 0), type FROM bia_dependencies `+where+` ORDER BY id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []bia.Dependency
	var from, to, alt int64
	for rows.Next() {
		var d bia.Dependency
		if err := rows.Scan(&d.ID, &from, &to, &alt, &d.Type); err != nil {
			return nil, err
		}
		d.From, d.To, d.Alternative = signedRef(from), signedRef(to), signedRef(alt)
		out = append(out, d)
	}
	return out, rows.Err()
}

// signedRef is the reference of a signed node id: negative for a process,
// positive for a resource, 0 for none.
func signedRef(n int64) string {
	switch {
	case n < 0:
		return bia.ProcessRef(-n)
	case n > 0:
		return bia.ResourceRef(n)
	}
	return ""
}

// snapshotRead runs fn in a read-only transaction on the read pool: on
// SQLite a deferred transaction reads one snapshot of the WAL, on
// PostgreSQL repeatable read gives one snapshot for every statement. Inside
// a transaction already in ctx it just runs fn.
func (db *DB) snapshotRead(ctx context.Context, fn func(ctx context.Context) error) error {
	if _, ok := ctx.Value(txKey{}).(*sql.Tx); ok {
		return fn(ctx)
	}
	var opts *sql.TxOptions
	if db.engine == Postgres {
		opts = &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
	}
	t, err := db.read.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("store: begin read: %w", err)
	}
	defer func() { _ = t.Rollback() }()
	return fn(context.WithValue(ctx, txKey{}, t))
}

// ---- campaigns and answers ----

const campaignCols = "id, name, name_en, description, due, status, launched_by, launched_name, launched_at, closed_at"

func scanCampaign(sc interface{ Scan(...any) error }) (bia.Campaign, error) {
	var c bia.Campaign
	var closed sql.NullTime
	if err := sc.Scan(&c.ID, &c.Name, &c.NameEn, &c.Description, &c.Due, &c.Status, &c.LaunchedBy, &c.LaunchedName, &c.LaunchedAt, &closed); err != nil {
		return c, err
	}
	c.LaunchedAt, c.ClosedAt = c.LaunchedAt.UTC(), ptrTime(closed)
	return c, nil
}

// CreateCampaign stores a new campaign; its answers are created apart.
func (db *DB) CreateCampaign(ctx context.Context, c *bia.Campaign) error {
	id, err := db.insert(ctx, `INSERT INTO bia_campaigns (name, name_en, description, due, status, launched_by, launched_name, launched_at, closed_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, c.Name, c.NameEn, c.Description, c.Due, c.Status, c.LaunchedBy, c.LaunchedName, c.LaunchedAt.UTC(), nullTime(c.ClosedAt))
	if err != nil {
		return err
	}
	c.ID = id
	return nil
}

// UpdateCampaign stores a campaign's fields.
func (db *DB) UpdateCampaign(ctx context.Context, c *bia.Campaign) error {
	res, err := db.exec(ctx, `UPDATE bia_campaigns SET name = ?, name_en = ?, description = ?, due = ?, status = ?, closed_at = ? WHERE id = ?`,
		c.Name, c.NameEn, c.Description, c.Due, c.Status, nullTime(c.ClosedAt), c.ID)
	return mustAffect(res, err, "campaign")
}

// campaignDetails fills in the processes and progress of campaigns.
func (db *DB) campaignDetails(ctx context.Context, cs []bia.Campaign) error {
	if len(cs) == 0 {
		return nil
	}
	byID := map[int64]*bia.Campaign{}
	args := make([]any, len(cs))
	for i := range cs {
		cs[i].ProcessIDs, cs[i].Progress = []int64{}, bia.Progress{}
		byID[cs[i].ID] = &cs[i]
		args[i] = cs[i].ID
	}
	rows, err := db.query(ctx, "SELECT campaign_id, process_id, status FROM bia_answers WHERE campaign_id IN ("+placeholders(len(cs))+") ORDER BY id", args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var cid, pid int64
		var st bia.AnswerStatus
		if err := rows.Scan(&cid, &pid, &st); err != nil {
			return err
		}
		c := byID[cid]
		c.ProcessIDs = append(c.ProcessIDs, pid)
		c.Progress.Add(st)
	}
	return rows.Err()
}

// CampaignByID returns a campaign with its processes and progress.
func (db *DB) CampaignByID(ctx context.Context, id int64) (bia.Campaign, error) {
	c, err := scanCampaign(db.queryRow(ctx, "SELECT "+campaignCols+" FROM bia_campaigns WHERE id = ?", id))
	if err != nil {
		return c, notFound(err, "campaign")
	}
	cs := []bia.Campaign{c}
	err = db.campaignDetails(ctx, cs)
	return cs[0], err
}

// ListCampaigns returns every campaign, newest first.
func (db *DB) ListCampaigns(ctx context.Context) ([]bia.Campaign, error) {
	rows, err := db.query(ctx, "SELECT "+campaignCols+" FROM bia_campaigns ORDER BY launched_at DESC, id DESC")
	if err != nil {
		return nil, err
	}
	var out []bia.Campaign
	for rows.Next() {
		c, err := scanCampaign(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for start := 0; start < len(out); start += 500 {
		if err := db.campaignDetails(ctx, out[start:min(start+500, len(out))]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

const answerCols = `id, campaign_id, process_id, status, content, comment, submitted_by, submitted_by_name, submitted_at,
	reviewed_by, reviewed_by_name, reviewed_at, updated_at`

func scanAnswer(sc interface{ Scan(...any) error }) (bia.Answer, error) {
	var a bia.Answer
	var content []byte
	var submitted, reviewed sql.NullTime
	if err := sc.Scan(&a.ID, &a.CampaignID, &a.ProcessID, &a.Status, &content, &a.Comment, &a.SubmittedBy, &a.SubmittedByName, &submitted,
		&a.ReviewedBy, &a.ReviewedByName, &reviewed, &a.UpdatedAt); err != nil {
		return a, err
	}
	a.SubmittedAt, a.ReviewedAt, a.UpdatedAt = ptrTime(submitted), ptrTime(reviewed), a.UpdatedAt.UTC()
	if err := json.Unmarshal(content, &a.Values); err != nil {
		return a, fmt.Errorf("answer %d: stored values: %w", a.ID, err)
	}
	if a.Values.Impacts == nil {
		a.Values.Impacts = []bia.ImpactPoint{}
	}
	return a, nil
}

func valuesJSON(x bia.Values) (string, error) {
	if x.Impacts == nil {
		x.Impacts = []bia.ImpactPoint{}
	}
	return jsonText(x)
}

// CreateAnswer stores a new answer.
func (db *DB) CreateAnswer(ctx context.Context, a *bia.Answer) error {
	content, err := valuesJSON(a.Values)
	if err != nil {
		return err
	}
	id, err := db.insert(ctx, `INSERT INTO bia_answers (campaign_id, process_id, status, content, comment, submitted_by, submitted_by_name, submitted_at,
		reviewed_by, reviewed_by_name, reviewed_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.CampaignID, a.ProcessID, a.Status, content, a.Comment, a.SubmittedBy, a.SubmittedByName, nullTime(a.SubmittedAt),
		a.ReviewedBy, a.ReviewedByName, nullTime(a.ReviewedAt), a.UpdatedAt.UTC())
	if err != nil {
		return err
	}
	a.ID = id
	return nil
}

// UpdateAnswer stores an answer's status, values and review.
func (db *DB) UpdateAnswer(ctx context.Context, a *bia.Answer) error {
	content, err := valuesJSON(a.Values)
	if err != nil {
		return err
	}
	res, err := db.exec(ctx, `UPDATE bia_answers SET status = ?, content = ?, comment = ?, submitted_by = ?, submitted_by_name = ?, submitted_at = ?,
		reviewed_by = ?, reviewed_by_name = ?, reviewed_at = ?, updated_at = ? WHERE id = ?`,
		a.Status, content, a.Comment, a.SubmittedBy, a.SubmittedByName, nullTime(a.SubmittedAt),
		a.ReviewedBy, a.ReviewedByName, nullTime(a.ReviewedAt), a.UpdatedAt.UTC(), a.ID)
	return mustAffect(res, err, "answer")
}

// AnswerByID returns one answer.
func (db *DB) AnswerByID(ctx context.Context, id int64) (bia.Answer, error) {
	a, err := scanAnswer(db.queryRow(ctx, "SELECT "+answerCols+" FROM bia_answers WHERE id = ?", id))
	return a, notFound(err, "answer")
}

// ListAnswers returns the answers matching the filter, by id.
func (db *DB) ListAnswers(ctx context.Context, f bia.AnswerFilter) ([]bia.Answer, error) {
	var conds []string
	var args []any
	if f.CampaignID > 0 {
		conds, args = append(conds, "campaign_id = ?"), append(args, f.CampaignID)
	}
	if f.ProcessID > 0 {
		conds, args = append(conds, "process_id = ?"), append(args, f.ProcessID)
	}
	if f.Status != "" {
		conds, args = append(conds, "status = ?"), append(args, f.Status)
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	return queryAll(ctx, db, scanAnswer, "SELECT "+answerCols+" FROM bia_answers"+where+" ORDER BY id", args...)
}

// AddAnswerEvent appends a step to an answer's history.
func (db *DB) AddAnswerEvent(ctx context.Context, e *bia.AnswerEvent) error {
	content, err := valuesJSON(e.Values)
	if err != nil {
		return err
	}
	id, err := db.insert(ctx, `INSERT INTO bia_answer_events (answer_id, action, status, content, comment, actor_id, actor_name, at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, e.AnswerID, e.Action, e.Status, content, e.Comment, e.ActorID, e.ActorName, e.At.UTC())
	if err != nil {
		return err
	}
	e.ID = id
	return nil
}

// AnswerEvents returns an answer's history, oldest first.
func (db *DB) AnswerEvents(ctx context.Context, answerID int64) ([]bia.AnswerEvent, error) {
	rows, err := db.query(ctx, `SELECT id, answer_id, action, status, content, comment, actor_id, actor_name, at
		FROM bia_answer_events WHERE answer_id = ? ORDER BY id`, answerID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []bia.AnswerEvent
	for rows.Next() {
		var e bia.AnswerEvent
		var content []byte
		if err := rows.Scan(&e.ID, &e.AnswerID, &e.Action, &e.Status, &content, &e.Comment, &e.ActorID, &e.ActorName, &e.At); err != nil {
			return nil, err
		}
		e.At = e.At.UTC()
		if err := json.Unmarshal(content, &e.Values); err != nil {
			return nil, fmt.Errorf("answer event %d: stored values: %w", e.ID, err)
		}
		if e.Values.Impacts == nil {
			e.Values.Impacts = []bia.ImpactPoint{}
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// ImportBIA stores many processes, resources and dependencies in one
// transaction, far faster than one by one: the nodes through statements
// prepared once, the dependencies in multi-row inserts, and the revision
// bumped once. In d.Dependencies, "pK" and "rK" name the K-th process and
// resource of d (1-based), whatever ids they get; the processes and
// resources of d get their ids set.
func (db *DB) ImportBIA(ctx context.Context, d *bia.GraphData) error {
	return db.InTx(ctx, func(ctx context.Context) error {
		t := ctx.Value(txKey{}).(*sql.Tx)
		ps, err := t.PrepareContext(ctx, db.rebind(`INSERT INTO bia_processes (code, name, name_en, owner_id, unit_id, description, important,
			impacts, mtpd_minutes, mtpd_derived, rto_minutes, rpo_minutes, mbco, peak_periods, min_staff, min_resources, approved_answer_id,
			approved_at, updated_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`))
		if err != nil {
			return mapErr(err)
		}
		defer ps.Close()
		for i := range d.Processes {
			p := &d.Processes[i]
			args, err := processArgs(p)
			if err != nil {
				return err
			}
			if err := ps.QueryRowContext(ctx, append(args, p.CreatedAt.UTC())...).Scan(&p.ID); err != nil {
				return fmt.Errorf("process %d: %w", i+1, mapErr(err))
			}
		}
		rs, err := t.PrepareContext(ctx, db.rebind(`INSERT INTO bia_resources (kind, code, name, name_en, description, unit_id, site_id, owner_id,
			recovery_minutes, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`))
		if err != nil {
			return mapErr(err)
		}
		defer rs.Close()
		for i := range d.Resources {
			r := &d.Resources[i]
			if err := rs.QueryRowContext(ctx, r.Kind, r.Code, r.Name, r.NameEn, r.Description, nullInt(r.UnitID), nullInt(r.SiteID),
				nullInt(r.OwnerID), nullMinutes(r.RecoveryMinutes), r.CreatedAt.UTC(), r.UpdatedAt.UTC()).Scan(&r.ID); err != nil {
				return fmt.Errorf("resource %d: %w", i+1, mapErr(err))
			}
		}
		// translate maps a positional reference to the stored node's.
		translate := func(ref string) (string, error) {
			if ref == "" {
				return "", nil
			}
			r, ok := bia.ParseRef(ref)
			switch {
			case !ok:
				return "", fmt.Errorf("bad reference %q", ref)
			case r.Process && r.ID <= int64(len(d.Processes)):
				return d.Processes[r.ID-1].Ref(), nil
			case !r.Process && r.ID <= int64(len(d.Resources)):
				return d.Resources[r.ID-1].Ref(), nil
			}
			return "", fmt.Errorf("no node %s in the import", ref)
		}
		const batch = 500
		const cols = 10
		for start := 0; start < len(d.Dependencies); start += batch {
			chunk := d.Dependencies[start:min(start+batch, len(d.Dependencies))]
			args := make([]any, 0, cols*len(chunk))
			rows := make([]string, len(chunk))
			for i := range chunk {
				dep := &chunk[i]
				var err error
				for _, ref := range []*string{&dep.From, &dep.To, &dep.Alternative} {
					if *ref, err = translate(*ref); err != nil {
						return fmt.Errorf("dependency %d: %w", start+i+1, err)
					}
				}
				args = append(args, dependencyArgs(dep)...)
				args = append(args, dep.CreatedAt.UTC())
				rows[i] = "(" + placeholders(cols) + ")"
			}
			if _, err := db.exec(ctx, `INSERT INTO bia_dependencies (from_process_id, from_resource_id, to_process_id, to_resource_id,
				alt_process_id, alt_resource_id, type, note, updated_at, created_at) VALUES `+strings.Join(rows, ", "), args...); err != nil {
				return fmt.Errorf("dependencies %d–%d: %w", start+1, start+len(chunk), err)
			}
		}
		return db.bumpBIA(ctx) // everything
	})
}
