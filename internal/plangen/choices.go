package plangen

// Choice is one value a generator input may take, with its names.
type Choice struct {
	ID     string   `json:"id"`
	Name   string   `json:"name"`
	NameEn string   `json:"name_en"`
	Note   string   `json:"note,omitempty" doc:"employees of a size, jurisdiction of a region"`
	NoteEn string   `json:"note_en,omitempty"`
	Alias  []string `json:"aliases,omitempty"`
}

// Choices are the values of a knowledge base's inputs, for forms and API
// clients.
type Choices struct {
	Industries []Choice `json:"industries"`
	Sizes      []Choice `json:"sizes"`
	Regions    []Choice `json:"regions"`
	Languages  []string `json:"languages"`
	KBVersion  string   `json:"kb_version"`
}

// Choices lists the industries, sizes and regions the knowledge base knows.
func (kb *KB) Choices() Choices {
	c := Choices{Languages: []string{LangZh, LangEn}, KBVersion: kb.Version}
	for _, p := range kb.Industries {
		c.Industries = append(c.Industries, Choice{ID: p.ID, Name: p.Name.Zh, NameEn: p.Name.En, Alias: p.Aliases})
	}
	for _, s := range kb.Sizes {
		c.Sizes = append(c.Sizes, Choice{ID: s.ID, Name: s.Name.Zh, NameEn: s.Name.En, Note: s.Employees.Zh, NoteEn: s.Employees.En})
	}
	for _, r := range kb.Regions {
		j := kb.jurisdictions[r.Jurisdiction]
		ch := Choice{ID: r.ID, Name: r.Name.Zh, NameEn: r.Name.En}
		if j != nil {
			ch.Note, ch.NoteEn = j.Name.Zh, j.Name.En
		}
		c.Regions = append(c.Regions, ch)
	}
	return c
}
