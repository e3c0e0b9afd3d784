package store

import (
	"context"
	"strings"

	"github.com/continuo-bcm/continuo/internal/bia"
)

var _ bia.ListStore = (*DB)(nil)

func likeContains(q string) string {
	return "%" + strings.TrimSuffix(likePrefix(strings.ToLower(q)), "%") + "%"
}

// ProcessPage returns one page of the processes matching q, by code then
// name (processes without a code last), and how many match.
func (db *DB) ProcessPage(ctx context.Context, q bia.ProcessQuery) ([]bia.Process, int, error) {
	var conds []string
	var args []any
	if q.UnitID > 0 {
		conds = append(conds, "unit_id IN (SELECT u.id FROM units u, units p WHERE p.id = ? AND u.path LIKE p.path || '%')")
		args = append(args, q.UnitID)
	}
	if q.Important {
		conds = append(conds, "important = ?")
		args = append(args, true)
	}
	if q.OwnerID > 0 {
		conds = append(conds, "owner_id = ?")
		args = append(args, q.OwnerID)
	}
	if q.Query != "" {
		like := likeContains(q.Query)
		conds = append(conds, `(LOWER(code) LIKE ? ESCAPE '\' OR LOWER(name) LIKE ? ESCAPE '\' OR LOWER(name_en) LIKE ? ESCAPE '\')`)
		args = append(args, like, like, like)
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	var total int
	if err := db.queryRow(ctx, "SELECT COUNT(*) FROM bia_processes"+where, args...).Scan(&total); err != nil {
		return nil, 0, mapErr(err)
	}
	ps, err := db.processes(ctx, where+" ORDER BY CASE WHEN code = '' THEN 1 ELSE 0 END, code, name, id LIMIT ? OFFSET ?",
		append(args, q.Limit, q.Offset)...)
	return ps, total, err
}

// ResourcePage returns one page of the resources matching q, by kind, code
// and name, and how many match.
func (db *DB) ResourcePage(ctx context.Context, q bia.ResourceQuery) ([]bia.Resource, int, error) {
	var conds []string
	var args []any
	if q.Kind != "" {
		conds = append(conds, "kind = ?")
		args = append(args, q.Kind)
	}
	if q.Query != "" {
		like := likeContains(q.Query)
		conds = append(conds, `(LOWER(code) LIKE ? ESCAPE '\' OR LOWER(name) LIKE ? ESCAPE '\' OR LOWER(name_en) LIKE ? ESCAPE '\')`)
		args = append(args, like, like, like)
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	var total int
	if err := db.queryRow(ctx, "SELECT COUNT(*) FROM bia_resources"+where, args...).Scan(&total); err != nil {
		return nil, 0, mapErr(err)
	}
	rs, err := queryAll(ctx, db, scanResource, "SELECT "+resourceCols+" FROM bia_resources"+where+
		" ORDER BY kind, CASE WHEN code = '' THEN 1 ELSE 0 END, code, name, id LIMIT ? OFFSET ?", append(args, q.Limit, q.Offset)...)
	return rs, total, err
}
