// Package orgio moves the organisation directory in and out of
// spreadsheets: importing people and org units from XLSX or CSV files that
// HR systems and Excel produce, the blank templates for those imports, and
// the emergency contact list (应急联络一览表) for printing.
//
// Imports are all-or-nothing: every row is parsed and checked first, every
// problem is reported with its spreadsheet row number, and only a file
// without problems is applied, inside one transaction, through the org
// service (which checks authorization and writes the audit log).
package orgio

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"path"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"

	"github.com/continuo-bcm/continuo/internal/errs"
)

// Format is a spreadsheet file format.
type Format string

// The supported formats.
const (
	FormatXLSX Format = "xlsx"
	FormatCSV  Format = "csv"
)

// Limits of an import file.
const (
	// MaxRows is the most data rows (header not counted) one import takes.
	MaxRows = 100_000
	// maxFileBytes bounds what is read from the reader; the HTTP edge has
	// its own, smaller bound (server.MaxUpload).
	maxFileBytes = 64 << 20
	// maxProblems bounds the problems listed in one error, so that a file
	// with a wrong column in 100,000 rows gives a readable answer.
	maxProblems = 1000
)

const (
	mimeXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	mimeCSV  = "text/csv"
)

// FormatFromName picks the format of an uploaded file from its name (the
// extension wins) or, when the name says nothing, its content type.
func FormatFromName(filename, contentType string) (Format, error) {
	switch ext := strings.ToLower(path.Ext(strings.TrimSpace(filename))); ext {
	case ".xlsx", ".xlsm":
		return FormatXLSX, nil
	case ".csv":
		return FormatCSV, nil
	case ".xls", ".et", ".wps":
		return "", fileErr("“%s” is a legacy Excel/WPS workbook; save it as .xlsx (Excel Workbook) or .csv (UTF-8) and upload again", filename)
	case ".numbers", ".ods":
		return "", fileErr("“%s” is not supported; export it as .xlsx or .csv and upload again", filename)
	case "":
	default:
		// An unknown extension may still come with a telling content type.
		if ct := mediaType(contentType); ct != mimeXLSX && ct != mimeCSV {
			return "", fileErr("“%s” is not a spreadsheet; upload an .xlsx or .csv file", filename)
		}
	}
	switch mediaType(contentType) {
	case mimeXLSX:
		return FormatXLSX, nil
	case mimeCSV, "application/csv", "text/comma-separated-values", "text/x-csv":
		return FormatCSV, nil
	}
	if filename == "" && contentType == "" {
		return "", fileErr("the file has neither a name nor a content type; upload an .xlsx or .csv file")
	}
	return "", fileErr("cannot tell the format of “%s” (%s); upload an .xlsx or .csv file", filename, contentType)
}

func mediaType(ct string) string {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return strings.ToLower(strings.TrimSpace(ct))
	}
	return mt
}

// fileErr is a problem with the file as a whole, reported like the row
// problems so that the edges show it the same way.
func fileErr(format string, args ...any) error {
	return &errs.Error{Code: errs.Invalid, Message: failedMessage, Fields: []errs.FieldError{{Field: "file", Message: fmt.Sprintf(format, args...)}}}
}

const failedMessage = "import failed, nothing was stored"

// record is one non-blank row of the file with its spreadsheet row number
// (the header is row 1 when it is the first row).
type record struct {
	line  int
	cells []string
}

// table is a parsed file: its header row and data rows.
type table struct {
	headerLine int
	header     []string
	rows       []record
}

var (
	zipMagic = []byte("PK\x03\x04")
	oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
)

// readTable reads the first worksheet of an XLSX file or a CSV file. The
// first non-blank row is the header; rows that are entirely blank are
// skipped. The content decides over the declared format when they
// disagree in a way that is certain (a ZIP container is never CSV).
func readTable(r io.Reader, f Format) (*table, error) {
	if f != FormatXLSX && f != FormatCSV {
		return nil, fileErr("unsupported format %q; use xlsx or csv", f)
	}
	data, err := io.ReadAll(io.LimitReader(r, maxFileBytes+1))
	if err != nil {
		// The HTTP edge bounds uploads; say so in the words of an import.
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, fileErr("the file is larger than %d MiB; split it into smaller files", mbe.Limit>>20)
		}
		return nil, fmt.Errorf("orgio: read upload: %w", err)
	}
	if len(data) > maxFileBytes {
		return nil, fileErr("the file is larger than %d MiB; split it into smaller files", maxFileBytes>>20)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, fileErr("the file is empty")
	}
	switch {
	case bytes.HasPrefix(data, oleMagic):
		return nil, fileErr("this is a legacy Excel (.xls) or encrypted workbook; save it as .xlsx (Excel Workbook) or .csv (UTF-8) and upload again")
	case bytes.HasPrefix(data, zipMagic):
		return readXLSX(data)
	case f == FormatXLSX:
		return nil, fileErr("the file is not an XLSX workbook; save it as .xlsx or upload it as CSV")
	}
	return readCSV(data)
}

func readXLSX(data []byte) (*table, error) {
	x, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: 1 << 30})
	if err != nil {
		return nil, fileErr("the file is not a readable XLSX workbook (%v)", err)
	}
	defer x.Close()
	sheets := x.GetSheetList()
	if len(sheets) == 0 {
		return nil, fileErr("the workbook has no worksheet")
	}
	rows, err := x.Rows(sheets[0])
	if err != nil {
		return nil, fileErr("cannot read worksheet “%s” (%v)", sheets[0], err)
	}
	defer rows.Close()
	t := &table{}
	line := 0
	for rows.Next() {
		line++
		// Raw values keep long numbers such as phone numbers from being
		// shown in scientific notation; cleanNumber handles the rest.
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, fileErr("cannot read row %d of worksheet “%s” (%v)", line, sheets[0], err)
		}
		if err := t.add(line, cells); err != nil {
			return nil, err
		}
	}
	if err := rows.Error(); err != nil {
		return nil, fileErr("cannot read worksheet “%s” (%v)", sheets[0], err)
	}
	return t.done()
}

// add appends a row, skipping blank ones; the first non-blank row is the
// header.
func (t *table) add(line int, cells []string) error {
	blank := true
	for i, c := range cells {
		c = cleanCell(c)
		cells[i] = c
		if c != "" {
			blank = false
		}
	}
	if blank {
		return nil
	}
	if t.header == nil {
		t.headerLine, t.header = line, cells
		return nil
	}
	if len(t.rows) >= MaxRows {
		return fileErr("the file has more than %d data rows; split it into smaller files", MaxRows)
	}
	t.rows = append(t.rows, record{line: line, cells: cells})
	return nil
}

func (t *table) done() (*table, error) {
	if t.header == nil {
		return nil, fileErr("the file is empty")
	}
	if len(t.rows) == 0 {
		return nil, fileErr("the file has a header row but no data rows")
	}
	return t, nil
}

// cleanCell trims spaces, including the no-break and ideographic spaces
// that pasted text brings, and normalises line ends.
func cleanCell(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.TrimFunc(s, func(r rune) bool {
		return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\u00a0' || r == '\u3000' || r == '\ufeff' || r == '\u200b'
	})
}

func readCSV(data []byte) (*table, error) {
	text, err := decodeText(data)
	if err != nil {
		return nil, err
	}
	cr := csv.NewReader(strings.NewReader(text))
	cr.Comma = sniffDelimiter(text)
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.ReuseRecord = false
	t := &table{}
	line := 0
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		line++
		if err != nil {
			return nil, fileErr("the CSV file cannot be read at row %d (%v)", line, unwrapCSV(err))
		}
		if err := t.add(line, rec); err != nil {
			return nil, err
		}
	}
	return t.done()
}

func unwrapCSV(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// decodeText turns the bytes of a CSV file into UTF-8 text. Excel writes
// UTF-8 with a BOM ("CSV UTF-8"), UTF-16 with a BOM ("Unicode text"), or,
// on Chinese Windows, GBK without any marker ("CSV (comma delimited)").
func decodeText(data []byte) (string, error) {
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		data = data[3:]
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		out, err := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder().Bytes(data)
		if err != nil {
			return "", fileErr("the file looks like UTF-16 text but cannot be decoded (%v)", err)
		}
		data = out
	}
	if bytes.IndexByte(data, 0) >= 0 {
		return "", fileErr("the file is not a spreadsheet or CSV text file; upload an .xlsx or .csv file")
	}
	if utf8.Valid(data) {
		return string(data), nil
	}
	out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
	if err != nil || !utf8.Valid(out) {
		return "", fileErr("the CSV file is neither UTF-8 nor GBK text; save it as “CSV UTF-8” and upload again")
	}
	return string(out), nil
}

// sniffDelimiter picks the separator of the header line: Excel in many
// locales writes semicolons, and "Unicode text" is tab-separated.
func sniffDelimiter(text string) rune {
	first, _, _ := strings.Cut(text, "\n")
	best, bestN := ',', 0
	for _, d := range []rune{',', '\t', ';'} {
		n := 0
		inQuote := false
		for _, r := range first {
			switch {
			case r == '"':
				inQuote = !inQuote
			case r == d && !inQuote:
				n++
			}
		}
		if n > bestN {
			best, bestN = d, n
		}
	}
	return best
}
