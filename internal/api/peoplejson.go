package api

import (
	"slices"
	"strconv"
	"unicode/utf8"
)

// AppendJSON writes the people page without reflection: the list is the
// API's busiest read, and encoding/json's reflection over fifty rows was a
// sixth of a request's CPU. (A MarshalJSON method would not help:
// encoding/json re-scans what it returns, which costs more still.) The
// output is byte for byte what encoding/json writes for the same struct
// with HTML escaping off, as the API encodes; a test checks it on awkward
// strings.
func (p peoplePage) AppendJSON(b []byte) []byte {
	b = slices.Grow(b, 128+len(p.Items)*384)
	b = append(b, `{"items":[`...)
	for i := range p.Items {
		if i > 0 {
			b = append(b, ',')
		}
		b = p.Items[i].appendJSON(b)
	}
	b = append(b, `],"total":`...)
	b = strconv.AppendInt(b, int64(p.Total), 10)
	b = append(b, `,"limit":`...)
	b = strconv.AppendInt(b, int64(p.Limit), 10)
	b = append(b, `,"offset":`...)
	b = strconv.AppendInt(b, int64(p.Offset), 10)
	b = append(b, `,"next_after_id":`...)
	b = appendIntPtr(b, p.NextAfterID)
	return append(b, '}')
}

func (r *personRow) appendJSON(b []byte) []byte {
	b = append(b, `{"id":`...)
	b = strconv.AppendInt(b, r.ID, 10)
	b = append(b, `,"employee_no":`...)
	b = appendJSONString(b, r.EmployeeNo)
	b = append(b, `,"name":`...)
	b = appendJSONString(b, r.Name)
	b = append(b, `,"name_en":`...)
	b = appendJSONString(b, r.NameEn)
	b = append(b, `,"title":`...)
	b = appendJSONString(b, r.Title)
	b = append(b, `,"title_en":`...)
	b = appendJSONString(b, r.TitleEn)
	b = append(b, `,"unit_id":`...)
	b = strconv.AppendInt(b, r.UnitID, 10)
	b = append(b, `,"site_id":`...)
	b = appendIntPtr(b, r.SiteID)
	b = append(b, `,"active":`...)
	b = strconv.AppendBool(b, r.Active)
	b = append(b, `,"contacts":`...)
	if r.Contacts == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, c := range r.Contacts {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"kind":`...)
			b = appendJSONString(b, string(c.Kind))
			b = append(b, `,"value":`...)
			b = appendJSONString(b, c.Value)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	b = append(b, `,"created_at":`...)
	b = appendJSONString(b, r.CreatedAt)
	b = append(b, `,"updated_at":`...)
	b = appendJSONString(b, r.UpdatedAt)
	return append(b, '}')
}

func appendIntPtr(b []byte, v *int64) []byte {
	if v == nil {
		return append(b, "null"...)
	}
	return strconv.AppendInt(b, *v, 10)
}

const hexDigits = "0123456789abcdef"

// appendJSONString quotes s as encoding/json does without HTML escaping:
// quote, backslash and control characters escaped, invalid UTF-8 replaced
// by U+FFFD, and U+2028 and U+2029 escaped for JavaScript.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
