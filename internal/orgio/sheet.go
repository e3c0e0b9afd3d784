package orgio

import (
	"context"
	"io"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/i18n"
	"github.com/continuo-bcm/continuo/internal/org"
)

// This file opens the spreadsheet machinery of the org imports to the
// importers of other areas (the risk register, business impact analysis),
// so that every import of Continuo reads files, names columns and reports
// problems the same way.

// Column is a recognised column of an import file: its English key, its
// Chinese header, the aliases accepted, and what the template says of it.
type Column = column

// Sheet is a parsed import file whose header row has been matched to
// columns.
type Sheet struct {
	t *table
	h headerIndex
}

// ReadSheet reads the first worksheet of an XLSX file, or a CSV file, and
// matches its header row to cols. Problems with the header (unknown,
// repeated or missing required columns, values without a header) go to
// pr; an unreadable file is returned as an error, in the same form.
func ReadSheet(r io.Reader, f Format, cols []Column, pr *Problems) (*Sheet, error) {
	t, err := readTable(r, f)
	if err != nil {
		return nil, err
	}
	h := mapHeader(t, cols, &pr.p)
	checkHeaderless(t, &pr.p)
	return &Sheet{t: t, h: h}, nil
}

// Has reports whether the file has the column.
func (s *Sheet) Has(key string) bool { return s.h.has(key) }

// Len is the number of data rows.
func (s *Sheet) Len() int { return len(s.t.rows) }

// Line is the spreadsheet row number of data row i, as users see it.
func (s *Sheet) Line(i int) int { return s.t.rows[i].line }

// Cell is the trimmed value of a column in data row i, "" when absent.
func (s *Sheet) Cell(i int, key string) string { return s.h.cell(s.t.rows[i], key) }

// Problems collects what is wrong with an import file, by row, and turns
// it into the one error every import returns: Invalid, "import failed,
// nothing was stored", with fields such as "row 7.unit".
type Problems struct {
	p problems
}

// Add records a problem on a spreadsheet row; field is the column key, or
// "" for the row as a whole.
func (p *Problems) Add(line int, field, format string, args ...any) {
	p.p.add(line, field, format, args...)
}

// Empty reports whether no problem was found.
func (p *Problems) Empty() bool { return p.p.empty() }

// Err returns the error listing the problems in row order, or nil.
func (p *Problems) Err() error { return p.p.err() }

// Service records an error a domain service returned for a row. User
// errors are added as problems (field names mapped to columns by fieldOf)
// and nil is returned so that the import goes on collecting them; a
// failure of the system is returned to stop the import.
func (p *Problems) Service(line int, err error, fieldOf func(string) string, unit string) error {
	return serviceProblem(&p.p, line, err, fieldOf, unit)
}

// Importer returns the acting principal when they hold perm on some unit;
// the unit scope is then checked row by row.
func Importer(ctx context.Context, perm authz.Permission) (authz.Principal, error) {
	return importer(ctx, perm)
}

// UnitIndex finds org units by what people write in spreadsheets: a code,
// a name in either language, or a path such as “杭州分公司/运营部”.
type UnitIndex struct {
	x *unitIndex
}

// NewUnitIndex indexes the units.
func NewUnitIndex(units []org.Unit) UnitIndex { return UnitIndex{newUnitIndex(units)} }

// Resolve finds the unit named by v, or says why it cannot.
func (u UnitIndex) Resolve(v string) (org.Unit, string) { return u.x.resolve(v) }

// Display names a unit by its path of names.
func (u UnitIndex) Display(id int64) string { return u.x.display(id) }

// Unit returns an indexed unit by id.
func (u UnitIndex) Unit(id int64) (org.Unit, bool) {
	unit, ok := u.x.byID[id]
	return unit, ok
}

// WriteTemplate writes an empty import file for cols: the header row in
// the chosen language and, in XLSX, drop-down lists for the columns in
// lists and a second sheet explaining each column.
func WriteTemplate(w io.Writer, f Format, lang i18n.Lang, cols []Column, sheetZH, sheetEN string, lists map[string][]string) error {
	return writeTemplate(w, f, lang, cols, bilingual{sheetZH, sheetEN}, lists)
}

// WriteCSV writes rows as CSV the way Excel reads it back: UTF-8 with a
// byte order mark, CRLF line ends.
func WriteCSV(w io.Writer, rows [][]string) error { return writeCSV(w, rows) }

// CleanNumber undoes what spreadsheets do to long digit strings typed as
// numbers (1.38E+10, 13800001234.0).
func CleanNumber(s string) string { return cleanNumber(s) }

// NameKey is how names are compared: case-, width- and space-insensitive.
func NameKey(s string) string { return nameKey(s) }

// NormHeader is how header cells and labels are compared: like NameKey,
// and ignoring the punctuation people put around them.
func NormHeader(s string) string { return normHeader(s) }
