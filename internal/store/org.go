package store

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/continuo-bcm/continuo/internal/org"
)

// ---- units ----

const unitCols = "id, parent_id, kind, code, name, name_en, path, sort_order, created_at, updated_at"

func scanUnit(sc interface{ Scan(...any) error }) (org.Unit, error) {
	var u org.Unit
	var parent sql.NullInt64
	err := sc.Scan(&u.ID, &parent, &u.Kind, &u.Code, &u.Name, &u.NameEn, &u.Path, &u.SortOrder, &u.CreatedAt, &u.UpdatedAt)
	u.ParentID = ptrInt(parent)
	u.CreatedAt, u.UpdatedAt = u.CreatedAt.UTC(), u.UpdatedAt.UTC()
	return u, err
}

// CreateUnit stores a new unit and computes its path from its parent's.
func (db *DB) CreateUnit(ctx context.Context, u *org.Unit) error {
	return db.InTx(ctx, func(ctx context.Context) error {
		parentPath := "/"
		if u.ParentID != nil {
			p, err := db.UnitByID(ctx, *u.ParentID)
			if err != nil {
				return err
			}
			parentPath = p.Path
		}
		id, err := db.insert(ctx, `INSERT INTO units (parent_id, kind, code, name, name_en, path, sort_order, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, '', ?, ?, ?)`, nullInt(u.ParentID), u.Kind, u.Code, u.Name, u.NameEn, u.SortOrder, u.CreatedAt.UTC(), u.UpdatedAt.UTC())
		if err != nil {
			return err
		}
		u.ID = id
		u.Path = parentPath + strconv.FormatInt(id, 10) + "/"
		if _, err = db.exec(ctx, "UPDATE units SET path = ? WHERE id = ?", u.Path, id); err != nil {
			return err
		}
		return db.bumpAuth(ctx) // the unit tree changed
	})
}

// UpdateUnit stores a unit's fields; when its parent changed, the paths of
// the unit and its whole subtree are rewritten.
func (db *DB) UpdateUnit(ctx context.Context, u *org.Unit) error {
	return db.InTx(ctx, func(ctx context.Context) error {
		old, err := db.UnitByID(ctx, u.ID)
		if err != nil {
			return err
		}
		newPath := "/"
		if u.ParentID != nil {
			p, err := db.UnitByID(ctx, *u.ParentID)
			if err != nil {
				return err
			}
			newPath = p.Path
		}
		newPath += strconv.FormatInt(u.ID, 10) + "/"
		if _, err := db.exec(ctx, `UPDATE units SET parent_id = ?, kind = ?, code = ?, name = ?, name_en = ?, sort_order = ?, updated_at = ? WHERE id = ?`,
			nullInt(u.ParentID), u.Kind, u.Code, u.Name, u.NameEn, u.SortOrder, u.UpdatedAt.UTC(), u.ID); err != nil {
			return err
		}
		if newPath != old.Path {
			// Rewrite the prefix of every path in the subtree. Grants are
			// checked against these paths.
			if _, err := db.exec(ctx, `UPDATE units SET path = ? || substr(path, ?) WHERE path LIKE ?`,
				newPath, len(old.Path)+1, likePrefix(old.Path)); err != nil {
				return err
			}
			if err := db.bumpAuth(ctx); err != nil {
				return err
			}
		}
		u.Path = newPath
		return nil
	})
}

func likePrefix(p string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(p) + "%"
}

// DeleteUnit removes a unit.
func (db *DB) DeleteUnit(ctx context.Context, id int64) error {
	return db.InTx(ctx, func(ctx context.Context) error {
		res, err := db.exec(ctx, "DELETE FROM units WHERE id = ?", id)
		if err := mustAffect(res, err, "org unit"); err != nil {
			return err
		}
		return db.bumpAuth(ctx) // grants on the unit went with it
	})
}

// UnitByID returns one unit.
func (db *DB) UnitByID(ctx context.Context, id int64) (org.Unit, error) {
	u, err := scanUnit(db.queryRow(ctx, "SELECT "+unitCols+" FROM units WHERE id = ?", id))
	return u, notFound(err, "org unit")
}

// ListUnits returns every unit in tree order (by path, then sort order).
func (db *DB) ListUnits(ctx context.Context) ([]org.Unit, error) {
	rows, err := db.query(ctx, "SELECT "+unitCols+" FROM units ORDER BY path")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []org.Unit
	for rows.Next() {
		u, err := scanUnit(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return sortTree(out), rows.Err()
}

// sortTree orders units depth-first, siblings by sort order then name.
func sortTree(units []org.Unit) []org.Unit {
	children := map[int64][]org.Unit{}
	var roots []org.Unit
	ids := map[int64]bool{}
	for _, u := range units {
		ids[u.ID] = true
	}
	for _, u := range units {
		if u.ParentID == nil || !ids[*u.ParentID] {
			roots = append(roots, u)
		} else {
			children[*u.ParentID] = append(children[*u.ParentID], u)
		}
	}
	out := make([]org.Unit, 0, len(units))
	var walk func([]org.Unit)
	walk = func(level []org.Unit) {
		sort.Slice(level, func(i, j int) bool { return unitLess(level[i], level[j]) })
		for _, u := range level {
			out = append(out, u)
			walk(children[u.ID])
		}
	}
	walk(roots)
	return out
}

func unitLess(a, b org.Unit) bool {
	if a.SortOrder != b.SortOrder {
		return a.SortOrder < b.SortOrder
	}
	if a.Name != b.Name {
		return a.Name < b.Name
	}
	return a.ID < b.ID
}

// UnitInUse says what still refers to a unit, or "" when nothing does.
func (db *DB) UnitInUse(ctx context.Context, id int64) (string, error) {
	checks := []struct{ what, q string }{
		{"sub-units", "SELECT COUNT(*) FROM units WHERE parent_id = ?"},
		{"people", "SELECT COUNT(*) FROM people WHERE unit_id = ?"},
		{"teams", "SELECT COUNT(*) FROM teams WHERE unit_id = ?"},
		{"sites", "SELECT COUNT(*) FROM sites WHERE unit_id = ?"},
		{"role grants", "SELECT COUNT(*) FROM user_grants WHERE unit_id = ?"},
		{"risks", "SELECT COUNT(*) FROM risks WHERE unit_id = ?"},
		{"business processes", "SELECT COUNT(*) FROM bia_processes WHERE unit_id = ?"},
		{"BIA resources", "SELECT COUNT(*) FROM bia_resources WHERE unit_id = ?"},
		{"plans", "SELECT COUNT(*) FROM plans WHERE unit_id = ?"},
		{"warning indicators", "SELECT COUNT(*) FROM warning_indicators WHERE owner_unit_id = ?"},
		{"risk surveys", "SELECT COUNT(*) FROM risk_survey_units WHERE unit_id = ?"},
	}
	var parts []string
	for _, c := range checks {
		var n int
		if err := db.queryRow(ctx, c.q, id).Scan(&n); err != nil {
			return "", err
		}
		if n > 0 {
			parts = append(parts, strconv.Itoa(n)+" "+c.what)
		}
	}
	return strings.Join(parts, ", "), nil
}

// ---- sites ----

const siteCols = "id, unit_id, name, name_en, address, created_at, updated_at"

func scanSite(sc interface{ Scan(...any) error }) (org.Site, error) {
	var s org.Site
	var unit sql.NullInt64
	err := sc.Scan(&s.ID, &unit, &s.Name, &s.NameEn, &s.Address, &s.CreatedAt, &s.UpdatedAt)
	s.UnitID = ptrInt(unit)
	s.CreatedAt, s.UpdatedAt = s.CreatedAt.UTC(), s.UpdatedAt.UTC()
	return s, err
}

// CreateSite stores a new site.
func (db *DB) CreateSite(ctx context.Context, s *org.Site) error {
	id, err := db.insert(ctx, "INSERT INTO sites (unit_id, name, name_en, address, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
		nullInt(s.UnitID), s.Name, s.NameEn, s.Address, s.CreatedAt.UTC(), s.UpdatedAt.UTC())
	s.ID = id
	return err
}

// UpdateSite stores a site's fields.
func (db *DB) UpdateSite(ctx context.Context, s *org.Site) error {
	res, err := db.exec(ctx, "UPDATE sites SET unit_id = ?, name = ?, name_en = ?, address = ?, updated_at = ? WHERE id = ?",
		nullInt(s.UnitID), s.Name, s.NameEn, s.Address, s.UpdatedAt.UTC(), s.ID)
	return mustAffect(res, err, "site")
}

// DeleteSite removes a site.
func (db *DB) DeleteSite(ctx context.Context, id int64) error {
	res, err := db.exec(ctx, "DELETE FROM sites WHERE id = ?", id)
	return mustAffect(res, err, "site")
}

// SiteByID returns one site.
func (db *DB) SiteByID(ctx context.Context, id int64) (org.Site, error) {
	s, err := scanSite(db.queryRow(ctx, "SELECT "+siteCols+" FROM sites WHERE id = ?", id))
	return s, notFound(err, "site")
}

// ListSites returns every site by name.
func (db *DB) ListSites(ctx context.Context) ([]org.Site, error) {
	return queryAll(ctx, db, scanSite, "SELECT "+siteCols+" FROM sites ORDER BY name, id")
}

// ---- people ----

const personCols = "p.id, p.employee_no, p.name, p.name_en, p.title, p.title_en, p.unit_id, p.site_id, p.active, p.contacts, p.created_at, p.updated_at"

// personColsText is personCols with the timestamps read as text, for
// scanPersonText on SQLite.
const personColsText = "p.id, p.employee_no, p.name, p.name_en, p.title, p.title_en, p.unit_id, p.site_id, p.active, p.contacts, " +
	"CAST(p.created_at AS TEXT), CAST(p.updated_at AS TEXT)"

// scanPersonText scans a row of personColsText: the timestamps are parsed
// by parseStoredTime, several times cheaper than the driver's conversion,
// which matters on the people list (50 rows per request).
func scanPersonText(sc interface{ Scan(...any) error }) (org.Person, error) {
	var p org.Person
	var site sql.NullInt64
	var contacts []byte
	var created, updated string
	err := sc.Scan(&p.ID, &p.EmployeeNo, &p.Name, &p.NameEn, &p.Title, &p.TitleEn, &p.UnitID, &site, &p.Active, &contacts, &created, &updated)
	if err != nil {
		return p, err
	}
	if p.CreatedAt, err = parseStoredTime(created); err != nil {
		return p, fmt.Errorf("person %d: created_at: %w", p.ID, err)
	}
	if p.UpdatedAt, err = parseStoredTime(updated); err != nil {
		return p, fmt.Errorf("person %d: updated_at: %w", p.ID, err)
	}
	p.SiteID = ptrInt(site)
	p.Contacts, err = parseContacts(contacts)
	if err != nil {
		return p, fmt.Errorf("person %d: stored contact methods: %w", p.ID, err)
	}
	return p, nil
}

func scanPerson(sc interface{ Scan(...any) error }) (org.Person, error) {
	var p org.Person
	var site sql.NullInt64
	var contacts []byte
	err := sc.Scan(&p.ID, &p.EmployeeNo, &p.Name, &p.NameEn, &p.Title, &p.TitleEn, &p.UnitID, &site, &p.Active, &contacts, &p.CreatedAt, &p.UpdatedAt)
	if err != nil {
		return p, err
	}
	p.SiteID = ptrInt(site)
	p.Contacts, err = parseContacts(contacts)
	if err != nil {
		return p, fmt.Errorf("person %d: stored contact methods: %w", p.ID, err)
	}
	p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	return p, err
}

// searchText is what a people search matches against: names, number,
// title and contact values, lower-cased.
func searchText(p *org.Person) string {
	parts := []string{p.Name, p.NameEn, p.EmployeeNo, p.Title, p.TitleEn}
	for _, c := range p.Contacts {
		parts = append(parts, c.Value)
	}
	return strings.ToLower(strings.Join(parts, "\x1f"))
}

// CreatePerson stores a new person with contact methods.
func (db *DB) CreatePerson(ctx context.Context, p *org.Person) error {
	return db.InTx(ctx, func(ctx context.Context) error {
		rev, err := db.bumpDirectory(ctx)
		if err != nil {
			return err
		}
		id, err := db.insert(ctx, `INSERT INTO people (employee_no, name, name_en, title, title_en, unit_id, site_id, active, contacts, search, rev, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, p.EmployeeNo, p.Name, p.NameEn, p.Title, p.TitleEn, p.UnitID, nullInt(p.SiteID), p.Active,
			formatContacts(p), searchText(p), rev, p.CreatedAt.UTC(), p.UpdatedAt.UTC())
		if err != nil {
			return err
		}
		p.ID = id
		return nil
	})
}

// formatContacts stores contact methods as "kind=value" lines, in order.
// Validated values never hold a line break, and this form is read back on
// every directory page, several times faster than JSON.
func formatContacts(p *org.Person) string {
	var b strings.Builder
	for _, c := range p.Contacts {
		b.WriteString(string(c.Kind))
		b.WriteByte('=')
		b.WriteString(c.Value)
		b.WriteByte('\n')
	}
	return b.String()
}

func parseContacts(b []byte) ([]org.ContactMethod, error) {
	return parseContactsText(string(b))
}

// parseContactsText parses what formatContacts wrote. The values share
// s's memory.
func parseContactsText(s string) ([]org.ContactMethod, error) {
	out := make([]org.ContactMethod, 0, strings.Count(s, "\n"))
	for s != "" {
		line, rest, _ := strings.Cut(s, "\n")
		s = rest
		kind, value, ok := strings.Cut(line, "=")
		if !ok {
			return nil, fmt.Errorf("malformed line %q", line)
		}
		out = append(out, org.ContactMethod{Kind: org.ContactKind(kind), Value: value})
	}
	return out, nil
}

// UpdatePerson stores a person's fields and replaces their contact methods.
func (db *DB) UpdatePerson(ctx context.Context, p *org.Person) error {
	return db.InTx(ctx, func(ctx context.Context) error {
		rev, err := db.bumpDirectory(ctx)
		if err != nil {
			return err
		}
		res, err := db.exec(ctx, `UPDATE people SET employee_no = ?, name = ?, name_en = ?, title = ?, title_en = ?, unit_id = ?, site_id = ?,
			active = ?, contacts = ?, search = ?, rev = ?, updated_at = ? WHERE id = ?`, p.EmployeeNo, p.Name, p.NameEn, p.Title, p.TitleEn, p.UnitID, nullInt(p.SiteID),
			p.Active, formatContacts(p), searchText(p), rev, p.UpdatedAt.UTC(), p.ID)
		return mustAffect(res, err, "person")
	})
}

// DeletePerson removes a person and their contact methods, leaving a
// tombstone for the directory index of every process.
func (db *DB) DeletePerson(ctx context.Context, id int64) error {
	return db.InTx(ctx, func(ctx context.Context) error {
		// Accounts linked to the person lose the link.
		forgetRevisions(ctx)
		if _, err := db.exec(ctx, "UPDATE auth_rev SET rev = rev + 1 WHERE id = 1 AND EXISTS (SELECT 1 FROM users WHERE person_id = ?)", id); err != nil {
			return err
		}
		res, err := db.exec(ctx, "DELETE FROM people WHERE id = ?", id)
		if err := mustAffect(res, err, "person"); err != nil {
			return err
		}
		rev, err := db.bumpDirectory(ctx)
		if err != nil {
			return err
		}
		_, err = db.exec(ctx, "INSERT INTO people_tombstones (person_id, rev) VALUES (?, ?)", id, rev)
		return err
	})
}

// PersonByID returns one person with contact methods.
func (db *DB) PersonByID(ctx context.Context, id int64) (org.Person, error) {
	p, err := scanPerson(db.queryRow(ctx, "SELECT "+personCols+" FROM people p WHERE p.id = ?", id))
	return p, notFound(err, "person")
}

// PersonByEmployeeNo returns the person with an employee number. The
// second condition repeats the predicate of the partial unique index (a
// non-empty number) so that both engines use the index; without it every
// lookup scans the people table.
func (db *DB) PersonByEmployeeNo(ctx context.Context, no string) (org.Person, error) {
	p, err := scanPerson(db.queryRow(ctx, "SELECT "+personCols+" FROM people p WHERE p.employee_no = ? AND p.employee_no <> ''", no))
	return p, notFound(err, "person")
}

// PeopleByIDs returns the people with the given ids that exist.
func (db *DB) PeopleByIDs(ctx context.Context, ids []int64) (map[int64]org.Person, error) {
	out := make(map[int64]org.Person, len(ids))
	seen := map[int64]bool{}
	var uniq []any
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
		cols, scan := personCols, scanPerson
		if db.engine == SQLite {
			cols, scan = personColsText, scanPersonText
		}
		rows, err := db.query(ctx, "SELECT "+cols+" FROM people p WHERE p.id IN ("+placeholders(len(batch))+")", batch...)
		if err != nil {
			return nil, err
		}
		var ps []org.Person
		for rows.Next() {
			p, err := scan(rows)
			if err != nil {
				rows.Close()
				return nil, err
			}
			ps = append(ps, p)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		for _, p := range ps {
			out[p.ID] = p
		}
	}
	return out, nil
}

// ListPeople returns a page of people matching the filter, ordered by id,
// and how many match in all. Outside a transaction it is answered from the
// in-memory directory index; inside one (which may hold uncommitted
// changes) by SQL.
func (db *DB) ListPeople(ctx context.Context, f org.PeopleFilter) ([]org.Person, int, error) {
	if _, inTx := ctx.Value(txKey{}).(*sql.Tx); !inTx {
		return db.listPeopleIndexed(ctx, f)
	}
	return db.listPeopleSQL(ctx, f)
}

func (db *DB) listPeopleSQL(ctx context.Context, f org.PeopleFilter) ([]org.Person, int, error) {
	var where []string
	var args []any
	if f.Query != "" {
		where = append(where, "p.search LIKE ? ESCAPE '\\'")
		args = append(args, "%"+strings.TrimSuffix(likePrefix(strings.ToLower(f.Query)), "%")+"%")
	}
	if f.UnitID > 0 {
		u, err := db.UnitByID(ctx, f.UnitID)
		if err != nil {
			return nil, 0, err
		}
		where = append(where, "p.unit_id IN (SELECT id FROM units WHERE path LIKE ? ESCAPE '\\')")
		args = append(args, likePrefix(u.Path))
	}
	if f.SiteID > 0 {
		where = append(where, "p.site_id = ?")
		args = append(args, f.SiteID)
	}
	if f.Active != nil {
		where = append(where, "p.active = ?")
		args = append(args, *f.Active)
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	var total int
	if err := db.queryRow(ctx, "SELECT COUNT(*) FROM people p"+cond, args...).Scan(&total); err != nil {
		return nil, 0, mapErr(err)
	}
	pageCond := cond
	pageArgs := append([]any(nil), args...)
	offset := f.Offset
	if f.AfterID > 0 {
		if pageCond == "" {
			pageCond = " WHERE p.id > ?"
		} else {
			pageCond += " AND p.id > ?"
		}
		pageArgs = append(pageArgs, f.AfterID)
		offset = 0
	}
	pageArgs = append(pageArgs, f.Limit, offset)
	rows, err := db.query(ctx, "SELECT "+personCols+" FROM people p"+pageCond+" ORDER BY p.id LIMIT ? OFFSET ?", pageArgs...)
	if err != nil {
		return nil, 0, err
	}
	var ps []org.Person
	for rows.Next() {
		p, err := scanPerson(rows)
		if err != nil {
			rows.Close()
			return nil, 0, err
		}
		ps = append(ps, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	return ps, total, nil
}

// ---- teams ----

const teamCols = "id, kind, name, name_en, unit_id, duties, duties_en, sort_order, created_at, updated_at"

func scanTeam(sc interface{ Scan(...any) error }) (org.Team, error) {
	var t org.Team
	err := sc.Scan(&t.ID, &t.Kind, &t.Name, &t.NameEn, &t.UnitID, &t.Duties, &t.DutiesEn, &t.SortOrder, &t.CreatedAt, &t.UpdatedAt)
	t.CreatedAt, t.UpdatedAt = t.CreatedAt.UTC(), t.UpdatedAt.UTC()
	return t, err
}

// CreateTeam stores a new team with its members and deputies.
func (db *DB) CreateTeam(ctx context.Context, t *org.Team) error {
	return db.InTx(ctx, func(ctx context.Context) error {
		id, err := db.insert(ctx, `INSERT INTO teams (kind, name, name_en, unit_id, duties, duties_en, sort_order, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, t.Kind, t.Name, t.NameEn, t.UnitID, t.Duties, t.DutiesEn, t.SortOrder, t.CreatedAt.UTC(), t.UpdatedAt.UTC())
		if err != nil {
			return err
		}
		t.ID = id
		return db.writeMembers(ctx, t)
	})
}

func (db *DB) writeMembers(ctx context.Context, t *org.Team) error {
	if _, err := db.exec(ctx, "DELETE FROM member_deputies WHERE team_id = ?", t.ID); err != nil {
		return err
	}
	if _, err := db.exec(ctx, "DELETE FROM team_members WHERE team_id = ?", t.ID); err != nil {
		return err
	}
	for _, m := range t.Members {
		if _, err := db.exec(ctx, "INSERT INTO team_members (team_id, person_id, role, duty, duty_en, sort_order) VALUES (?, ?, ?, ?, ?, ?)",
			t.ID, m.PersonID, m.Role, m.Duty, m.DutyEn, m.SortOrder); err != nil {
			return err
		}
		for i, d := range m.Deputies {
			if _, err := db.exec(ctx, "INSERT INTO member_deputies (team_id, person_id, seq, deputy_id) VALUES (?, ?, ?, ?)", t.ID, m.PersonID, i, d); err != nil {
				return err
			}
		}
	}
	return nil
}

// UpdateTeam stores a team's fields and replaces its members.
func (db *DB) UpdateTeam(ctx context.Context, t *org.Team) error {
	return db.InTx(ctx, func(ctx context.Context) error {
		res, err := db.exec(ctx, `UPDATE teams SET kind = ?, name = ?, name_en = ?, unit_id = ?, duties = ?, duties_en = ?, sort_order = ?, updated_at = ? WHERE id = ?`,
			t.Kind, t.Name, t.NameEn, t.UnitID, t.Duties, t.DutiesEn, t.SortOrder, t.UpdatedAt.UTC(), t.ID)
		if err := mustAffect(res, err, "team"); err != nil {
			return err
		}
		return db.writeMembers(ctx, t)
	})
}

// DeleteTeam removes a team with its members.
func (db *DB) DeleteTeam(ctx context.Context, id int64) error {
	return db.InTx(ctx, func(ctx context.Context) error {
		if _, err := db.exec(ctx, "DELETE FROM member_deputies WHERE team_id = ?", id); err != nil {
			return err
		}
		res, err := db.exec(ctx, "DELETE FROM teams WHERE id = ?", id)
		return mustAffect(res, err, "team")
	})
}

// TeamByID returns one team with members.
func (db *DB) TeamByID(ctx context.Context, id int64) (org.Team, error) {
	t, err := scanTeam(db.queryRow(ctx, "SELECT "+teamCols+" FROM teams WHERE id = ?", id))
	if err != nil {
		return t, notFound(err, "team")
	}
	ts := []org.Team{t}
	if err := db.loadMembers(ctx, ts, "WHERE team_id = ?", id); err != nil {
		return t, err
	}
	return ts[0], nil
}

// ListTeams returns every team with members, by kind order then sort order.
func (db *DB) ListTeams(ctx context.Context) ([]org.Team, error) {
	rows, err := db.query(ctx, "SELECT "+teamCols+" FROM teams ORDER BY sort_order, id")
	if err != nil {
		return nil, err
	}
	var ts []org.Team
	for rows.Next() {
		t, err := scanTeam(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		ts = append(ts, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return ts, db.loadMembers(ctx, ts, "")
}

func (db *DB) loadMembers(ctx context.Context, ts []org.Team, where string, args ...any) error {
	idx := map[int64]int{}
	for i, t := range ts {
		idx[t.ID] = i
	}
	type key struct{ team, person int64 }
	deputies := map[key][]int64{}
	rows, err := db.query(ctx, "SELECT team_id, person_id, deputy_id FROM member_deputies "+where+" ORDER BY team_id, person_id, seq", args...)
	if err != nil {
		return err
	}
	for rows.Next() {
		var k key
		var d int64
		if err := rows.Scan(&k.team, &k.person, &d); err != nil {
			rows.Close()
			return err
		}
		deputies[k] = append(deputies[k], d)
	}
	rows.Close()
	rows, err = db.query(ctx, "SELECT team_id, person_id, role, duty, duty_en, sort_order FROM team_members "+where+" ORDER BY team_id, sort_order, person_id", args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var teamID int64
		var m org.Member
		if err := rows.Scan(&teamID, &m.PersonID, &m.Role, &m.Duty, &m.DutyEn, &m.SortOrder); err != nil {
			return err
		}
		m.Deputies = deputies[key{teamID, m.PersonID}]
		if m.Deputies == nil {
			m.Deputies = []int64{}
		}
		if i, ok := idx[teamID]; ok {
			ts[i].Members = append(ts[i].Members, m)
		}
	}
	for i := range ts {
		if ts[i].Members == nil {
			ts[i].Members = []org.Member{}
		}
	}
	return rows.Err()
}

var _ org.Store = (*DB)(nil)
