package api

import (
	"bytes"
	"context"
	"mime"
	"net/http"
	"strconv"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/warning"
)

// mediaCAP is the media type of CAP documents.
const mediaCAP = "application/cap+xml"

// indicatorBody is an indicator as a client writes it.
type indicatorBody struct {
	Code          string              `json:"code" maxLength:"64" doc:"unique reference: letters, digits, - _ . ; Alertmanager alerts name it in the continuo_indicator label"`
	Name          string              `json:"name" maxLength:"200"`
	NameEn        string              `json:"name_en,omitempty" maxLength:"200"`
	Description   string              `json:"description,omitempty" maxLength:"4000"`
	Measure       string              `json:"measure,omitempty" maxLength:"30" doc:"unit of measure, such as °C, mm, km, %"`
	Source        warning.SourceKind  `json:"source,omitempty" enum:"api,alertmanager,cap" doc:"where observations come from; default api"`
	OwnerUnitID   int64               `json:"owner_unit_id" doc:"the unit that owns the indicator; warning.write is checked on it"`
	Direction     warning.Direction   `json:"direction" enum:"higher_is_worse,lower_is_worse"`
	Thresholds    warning.Thresholds  `json:"thresholds" doc:"value per level, rising from blue to red when higher is worse, falling when lower is worse; CAP indicators may leave them out"`
	Aggregation   warning.Aggregation `json:"aggregation,omitempty" enum:"last,max,min,sum,avg" doc:"how the window's observations make the value; default last"`
	WindowMinutes int                 `json:"window_minutes,omitempty" minimum:"0" doc:"the window in minutes, e.g. 180 for rainfall in 3 h"`
	Hysteresis    float64             `json:"hysteresis,omitempty" minimum:"0" doc:"how far back past a threshold the value must come before the warning is lowered or lifted"`
	Audience      warning.Audience    `json:"audience,omitempty" doc:"who receives the warnings it raises; default the owner unit"`
	Active        *bool               `json:"active,omitempty" doc:"default true; inactive indicators store observations but raise nothing"`
}

func (b indicatorBody) indicator(id int64) warning.Indicator {
	active := b.Active == nil || *b.Active
	return warning.Indicator{ID: id, Code: b.Code, Name: b.Name, NameEn: b.NameEn, Description: b.Description, Measure: b.Measure,
		Source: b.Source, OwnerUnitID: b.OwnerUnitID, Direction: b.Direction, Thresholds: b.Thresholds, Aggregation: b.Aggregation,
		WindowMinutes: b.WindowMinutes, Hysteresis: b.Hysteresis, Audience: b.Audience, Active: active}
}

// observationBody is one measured value.
type observationBody struct {
	Value      float64           `json:"value"`
	ObservedAt *time.Time        `json:"observed_at,omitempty" doc:"when it was measured; default now"`
	Labels     map[string]string `json:"labels,omitempty" doc:"free labels, such as the sensor or the station"`
}

// observationByCodeBody is an observation naming its indicator by code.
type observationByCodeBody struct {
	Indicator  string            `json:"indicator" doc:"the indicator's code"`
	Value      float64           `json:"value"`
	ObservedAt *time.Time        `json:"observed_at,omitempty" doc:"when it was measured; default now"`
	Labels     map[string]string `json:"labels,omitempty"`
}

// observationResult is the stored observation and the indicator after
// its evaluation.
type observationResult struct {
	Observation warning.Observation `json:"observation"`
	Indicator   warning.Indicator   `json:"indicator"`
}

// warningBody is a warning as the crisis office issues it.
type warningBody struct {
	Level      warning.Level    `json:"level" minimum:"1" maximum:"4" doc:"1 red (Ⅰ), 2 orange (Ⅱ), 3 yellow (Ⅲ), 4 blue (Ⅳ)"`
	Title      string           `json:"title" maxLength:"300"`
	TitleEn    string           `json:"title_en,omitempty" maxLength:"300"`
	Category   string           `json:"category,omitempty" doc:"CAP category; default Other"`
	Area       string           `json:"area,omitempty" maxLength:"2000" doc:"affected area, in words"`
	UnitIDs    []int64          `json:"unit_ids,omitempty" maxItems:"500" doc:"affected org units"`
	Impact     string           `json:"impact,omitempty" maxLength:"4000" doc:"expected impact"`
	Measures   string           `json:"measures,omitempty" maxLength:"4000" doc:"required measures"`
	ValidUntil *time.Time       `json:"valid_until,omitempty" doc:"when it expires unless lifted before"`
	Audience   warning.Audience `json:"audience" doc:"recipients: units (which must acknowledge), teams, team roles, people, partners"`
}

// levelBody changes a warning's level.
type levelBody struct {
	Level warning.Level `json:"level" minimum:"1" maximum:"4"`
	Note  string        `json:"note,omitempty" maxLength:"2000" doc:"why"`
}

// noteBody carries a note.
type noteBody struct {
	Note string `json:"note,omitempty" maxLength:"2000"`
}

// ackBody is a department's acknowledgement.
type ackBody struct {
	UnitID   int64  `json:"unit_id" doc:"the recipient department acknowledging; warning.ack is checked on it"`
	Measures string `json:"measures" maxLength:"4000" doc:"the measures the department took"`
}

// warningPage is one page of warnings.
type warningPage struct {
	Items  []warning.Warning `json:"items"`
	Total  int               `json:"total"`
	Limit  int               `json:"limit"`
	Offset int               `json:"offset"`
}

// warningFilter selects warnings.
type warningFilter struct {
	Status      string `query:"status" enum:"active,upgraded,downgraded,lifted,expired" doc:"one status"`
	InForce     bool   `query:"in_force" doc:"only warnings in force (active, upgraded, downgraded)"`
	Level       int    `query:"level" minimum:"0" maximum:"4"`
	IndicatorID int64  `query:"indicator_id" minimum:"0"`
	UnitID      int64  `query:"unit_id" minimum:"0" doc:"warnings with this unit among the recipient departments"`
	Limit       int    `query:"limit" minimum:"0" maximum:"500" doc:"default 50"`
	Offset      int    `query:"offset" minimum:"0"`
}

// capInput is a posted CAP document.
type capInput struct {
	ContentType string `header:"Content-Type" hidden:"true"`
	RawBody     []byte `contentType:"application/cap+xml"`
}

// alertmanagerInput is a posted Alertmanager webhook payload, read as it
// comes so that it is checked strictly, version first.
type alertmanagerInput struct {
	RawBody []byte `contentType:"application/json"`
}

// alertResults is what a webhook did, alert by alert.
type alertResults struct {
	Results []warning.AlertResult `json:"results"`
}

// capOutput is a CAP document.
type capOutput struct {
	ContentType        string `header:"Content-Type"`
	ContentDisposition string `header:"Content-Disposition"`
	Body               []byte
}

func (h *handlers) registerWarnings(api huma.API) {
	if h.d.Warning == nil {
		return
	}
	svc := h.d.Warning
	read, write, ack := authz.Needs(authz.WarningRead), authz.Needs(authz.WarningWrite), authz.Needs(authz.WarningAck)
	itags, wtags, intags := []string{"indicators"}, []string{"warnings"}, []string{"warning inputs"}

	register(api, read, huma.Operation{
		OperationID: "list-indicators", Method: http.MethodGet, Path: "/indicators", Tags: itags,
		Summary: "Every warning indicator with its thresholds and current level",
	}, func(ctx context.Context, _ *struct{}) (*out[items[warning.Indicator]], error) {
		return list(svc.Indicators(ctx))
	})

	register(api, write, huma.Operation{
		OperationID: "create-indicator", Method: http.MethodPost, Path: "/indicators", Tags: itags,
		Summary: "Define an indicator", DefaultStatus: http.StatusCreated,
		Description: "Thresholds per level must be monotonic in the direction: with higher_is_worse each set threshold " +
			"is above the one of the level below (blue < yellow < orange < red). A sum over a window expresses rules " +
			"such as \"50 mm in 3 h\" (aggregation sum, window_minutes 180).",
	}, func(ctx context.Context, in *struct{ Body indicatorBody }) (*out[warning.Indicator], error) {
		ind, err := svc.SaveIndicator(ctx, in.Body.indicator(0))
		if err != nil {
			return nil, err
		}
		return ok(ind)
	})

	register(api, read, huma.Operation{
		OperationID: "get-indicator", Method: http.MethodGet, Path: "/indicators/{id}", Tags: itags,
		Summary: "One indicator",
	}, func(ctx context.Context, in *idPath) (*out[warning.Indicator], error) {
		ind, err := svc.Indicator(ctx, in.ID)
		if err != nil {
			return nil, err
		}
		return ok(ind)
	})

	register(api, write, huma.Operation{
		OperationID: "update-indicator", Method: http.MethodPut, Path: "/indicators/{id}", Tags: itags,
		Summary:     "Replace an indicator's definition",
		Description: "The current level and value stay; new thresholds apply from the next observation.",
	}, func(ctx context.Context, in *struct {
		ID   int64 `path:"id" minimum:"1"`
		Body indicatorBody
	}) (*out[warning.Indicator], error) {
		ind, err := svc.SaveIndicator(ctx, in.Body.indicator(in.ID))
		if err != nil {
			return nil, err
		}
		return ok(ind)
	})

	register(api, write, huma.Operation{
		OperationID: "delete-indicator", Method: http.MethodDelete, Path: "/indicators/{id}", Tags: itags,
		Summary: "Delete an indicator and its observations", DefaultStatus: http.StatusNoContent,
		Description: "The warnings it raised stay, without the link.",
	}, func(ctx context.Context, in *idPath) (*struct{}, error) {
		return nil, svc.DeleteIndicator(ctx, in.ID)
	})

	register(api, read, huma.Operation{
		OperationID: "list-observations", Method: http.MethodGet, Path: "/indicators/{id}/observations", Tags: itags,
		Summary: "An indicator's recent observations, oldest first",
	}, func(ctx context.Context, in *struct {
		ID    int64     `path:"id" minimum:"1"`
		Since time.Time `query:"since" doc:"default: the last 24 hours"`
		Limit int       `query:"limit" minimum:"0" maximum:"10000" doc:"default 1000"`
	}) (*out[items[warning.Observation]], error) {
		return list(svc.Observations(ctx, in.ID, in.Since, in.Limit))
	})

	observe := func(ctx context.Context, id int64, value float64, at *time.Time, labels map[string]string) (*out[observationResult], error) {
		o := warning.Observation{IndicatorID: id, Value: value, Labels: labels, Source: warning.SourceAPI}
		if at != nil {
			o.ObservedAt = *at
		}
		o, ind, err := svc.Observe(ctx, o)
		if err != nil {
			return nil, err
		}
		return ok(observationResult{Observation: o, Indicator: ind})
	}
	register(api, write, huma.Operation{
		OperationID: "create-observation", Method: http.MethodPost, Path: "/indicators/{id}/observations", Tags: intags,
		Summary: "Record an observation of an indicator", DefaultStatus: http.StatusCreated,
		Description: "The indicator is evaluated at once: crossing a threshold raises or upgrades its warning, falling back " +
			"below (past the hysteresis) lowers or lifts it.",
	}, func(ctx context.Context, in *struct {
		ID   int64 `path:"id" minimum:"1"`
		Body observationBody
	}) (*out[observationResult], error) {
		return observe(ctx, in.ID, in.Body.Value, in.Body.ObservedAt, in.Body.Labels)
	})

	register(api, write, huma.Operation{
		OperationID: "create-observation-by-code", Method: http.MethodPost, Path: "/observations", Tags: intags,
		Summary: "Record an observation of the indicator with a code", DefaultStatus: http.StatusCreated,
	}, func(ctx context.Context, in *struct{ Body observationByCodeBody }) (*out[observationResult], error) {
		ind, err := svc.IndicatorByCode(ctx, in.Body.Indicator)
		if errs.Is(err, errs.NotFound) {
			return nil, errs.Field("indicator", "no indicator with code %q", in.Body.Indicator)
		} else if err != nil {
			return nil, err
		}
		return observe(ctx, ind.ID, in.Body.Value, in.Body.ObservedAt, in.Body.Labels)
	})

	register(api, write, huma.Operation{
		OperationID: "receive-alertmanager", Method: http.MethodPost, Path: "/alertmanager", Tags: intags,
		Summary: "Prometheus Alertmanager webhook receiver",
		Description: "Point an Alertmanager `webhook_configs` receiver here with `http_config.authorization` carrying an API " +
			"token (`credentials`) of a user with warning.write. The payload must be version 4. Each alert names its " +
			"indicator in the label `continuo_indicator`; its annotation `value` is evaluated against the thresholds, or " +
			"without one the label `severity` sets the level (critical red, major orange, warning yellow, info blue). " +
			"A resolved alert without a value lifts the warning it raised. All or nothing.",
		RequestBody: &huma.RequestBody{Required: true, Content: map[string]*huma.MediaType{
			"application/json": {Schema: &huma.Schema{Type: huma.TypeObject, Description: "Alertmanager webhook payload, version 4"}}}},
		SkipValidateBody: true, // parsed strictly by warning.ParseAlertmanager, with errors by field
	}, func(ctx context.Context, in *alertmanagerInput) (*out[alertResults], error) {
		p, err := warning.ParseAlertmanager(bytes.NewReader(in.RawBody))
		if err != nil {
			return nil, err
		}
		res, err := svc.ReceiveAlertmanager(ctx, p)
		if err != nil {
			return nil, err
		}
		return ok(alertResults{Results: nonNil(res)})
	})

	register(api, write, huma.Operation{
		OperationID: "receive-cap", Method: http.MethodPost, Path: "/cap", Tags: intags,
		Summary: "Apply a CAP 1.2 alert",
		Description: "The body is one OASIS CAP 1.2 `<alert>` (Content-Type application/cap+xml, application/xml or text/xml), " +
			"checked strictly: errors name the element, such as `alert.info[0].severity`. An alert feeds the indicator named " +
			"by its parameter `continuo_indicator`, or the CAP indicator whose name or code is its event; Update and Cancel " +
			"messages change or lift the warning of the message they reference. Only status Actual is applied, and each " +
			"alert once.",
		RequestBody: &huma.RequestBody{Required: true, Content: map[string]*huma.MediaType{
			mediaCAP:          {Schema: &huma.Schema{Type: huma.TypeString, Format: "xml"}},
			"application/xml": {Schema: &huma.Schema{Type: huma.TypeString, Format: "xml"}},
		}},
		Errors:           []int{http.StatusUnsupportedMediaType},
		SkipValidateBody: true, // parsed strictly by warning.ParseCAP, with errors by element
	}, func(ctx context.Context, in *capInput) (*out[warning.AlertResult], error) {
		mt, _, _ := mime.ParseMediaType(in.ContentType)
		switch mt {
		case mediaCAP, "application/xml", "text/xml":
		default:
			return nil, huma.NewError(http.StatusUnsupportedMediaType, "a CAP alert is sent as application/cap+xml, application/xml or text/xml, not "+strconv.Quote(in.ContentType))
		}
		a, err := warning.ParseCAP(bytes.NewReader(in.RawBody))
		if err != nil {
			return nil, err
		}
		res, err := svc.ApplyCAP(ctx, a)
		if err != nil {
			return nil, err
		}
		return ok(res)
	})

	register(api, read, huma.Operation{
		OperationID: "list-warnings", Method: http.MethodGet, Path: "/warnings", Tags: wtags,
		Summary: "Warnings, newest first",
	}, func(ctx context.Context, in *warningFilter) (*out[warningPage], error) {
		f := warning.Filter{Status: warning.Status(in.Status), InForce: in.InForce, Level: warning.Level(in.Level),
			IndicatorID: in.IndicatorID, UnitID: in.UnitID, Limit: in.Limit, Offset: in.Offset}
		ws, total, err := svc.Warnings(ctx, f)
		if err != nil {
			return nil, err
		}
		if f.Limit <= 0 {
			f.Limit = 50
		}
		return ok(warningPage{Items: nonNil(ws), Total: total, Limit: f.Limit, Offset: f.Offset})
	})

	register(api, write, huma.Operation{
		OperationID: "issue-warning", Method: http.MethodPost, Path: "/warnings", Tags: wtags,
		Summary: "Issue a warning", DefaultStatus: http.StatusCreated,
		Description: "Issued by the crisis office: level, affected area and units, expected impact, required measures, valid " +
			"until, and the audience. Every unit of the audience must acknowledge it. warning.write is checked on every " +
			"affected and recipient unit.",
	}, func(ctx context.Context, in *struct{ Body warningBody }) (*out[warning.Warning], error) {
		b := in.Body
		w, err := svc.Issue(ctx, warning.Warning{Level: b.Level, Title: b.Title, TitleEn: b.TitleEn, Category: b.Category, Area: b.Area,
			UnitIDs: b.UnitIDs, Impact: b.Impact, Measures: b.Measures, ValidUntil: b.ValidUntil, Audience: b.Audience})
		if err != nil {
			return nil, err
		}
		return ok(w)
	})

	register(api, read, huma.Operation{
		OperationID: "get-warning", Method: http.MethodGet, Path: "/warnings/{id}", Tags: wtags,
		Summary: "One warning",
	}, func(ctx context.Context, in *idPath) (*out[warning.Warning], error) {
		w, err := svc.Warning(ctx, in.ID)
		if err != nil {
			return nil, err
		}
		return ok(w)
	})

	type levelInput struct {
		ID   int64 `path:"id" minimum:"1"`
		Body levelBody
	}
	register(api, write, huma.Operation{
		OperationID: "upgrade-warning", Method: http.MethodPost, Path: "/warnings/{id}/upgrade", Tags: wtags,
		Summary:     "Raise a warning to a higher level",
		Description: "A new revision: every recipient department acknowledges again.",
		Errors:      []int{http.StatusConflict},
	}, func(ctx context.Context, in *levelInput) (*out[warning.Warning], error) {
		w, err := svc.Upgrade(ctx, in.ID, in.Body.Level, in.Body.Note)
		if err != nil {
			return nil, err
		}
		return ok(w)
	})
	register(api, write, huma.Operation{
		OperationID: "downgrade-warning", Method: http.MethodPost, Path: "/warnings/{id}/downgrade", Tags: wtags,
		Summary: "Lower a warning to a lower level",
		Errors:  []int{http.StatusConflict},
	}, func(ctx context.Context, in *levelInput) (*out[warning.Warning], error) {
		w, err := svc.Downgrade(ctx, in.ID, in.Body.Level, in.Body.Note)
		if err != nil {
			return nil, err
		}
		return ok(w)
	})
	register(api, write, huma.Operation{
		OperationID: "lift-warning", Method: http.MethodPost, Path: "/warnings/{id}/lift", Tags: wtags,
		Summary: "Lift a warning",
		Errors:  []int{http.StatusConflict},
	}, func(ctx context.Context, in *struct {
		ID   int64 `path:"id" minimum:"1"`
		Body noteBody
	}) (*out[warning.Warning], error) {
		w, err := svc.Lift(ctx, in.ID, in.Body.Note)
		if err != nil {
			return nil, err
		}
		return ok(w)
	})

	register(api, read, huma.Operation{
		OperationID: "get-warning-history", Method: http.MethodGet, Path: "/warnings/{id}/history", Tags: wtags,
		Summary: "Every change of a warning, oldest first",
	}, func(ctx context.Context, in *idPath) (*out[items[warning.Event]], error) {
		return list(svc.History(ctx, in.ID))
	})

	register(api, read, huma.Operation{
		OperationID: "get-warning-recipients", Method: http.MethodGet, Path: "/warnings/{id}/recipients", Tags: wtags,
		Summary: "The people and partners a warning goes to, resolved from its audience",
	}, func(ctx context.Context, in *idPath) (*out[warning.Recipients], error) {
		r, err := svc.Recipients(ctx, in.ID)
		if err != nil {
			return nil, err
		}
		return ok(r)
	})

	register(api, read, huma.Operation{
		OperationID: "list-warning-acks", Method: http.MethodGet, Path: "/warnings/{id}/acks", Tags: wtags,
		Summary: "Acknowledgement progress: each recipient department for the current revision",
	}, func(ctx context.Context, in *idPath) (*out[items[warning.UnitAck]], error) {
		return list(svc.Acknowledgements(ctx, in.ID))
	})

	register(api, ack, huma.Operation{
		OperationID: "acknowledge-warning", Method: http.MethodPost, Path: "/warnings/{id}/acks", Tags: wtags,
		Summary: "Acknowledge a warning for a department, with the measures taken", DefaultStatus: http.StatusCreated,
		Description: "warning.ack is checked on the department: a role granted on a unit covers the units under it. " +
			"A department may acknowledge again to report further measures.",
		Errors: []int{http.StatusConflict},
	}, func(ctx context.Context, in *struct {
		ID   int64 `path:"id" minimum:"1"`
		Body ackBody
	}) (*out[warning.Ack], error) {
		a, err := svc.Acknowledge(ctx, in.ID, in.Body.UnitID, in.Body.Measures)
		if err != nil {
			return nil, err
		}
		return ok(a)
	})

	register(api, read, huma.Operation{
		OperationID: "list-overdue-warning-acks", Method: http.MethodGet, Path: "/warning-acks/overdue", Tags: wtags,
		Summary: "Recipient departments that have not acknowledged a warning in force by its due time",
	}, func(ctx context.Context, _ *struct{}) (*out[items[warning.PendingAck]], error) {
		return list(svc.OverdueAcks(ctx))
	})

	register(api, read, huma.Operation{
		OperationID: "get-warning-cap", Method: http.MethodGet, Path: "/warnings/{id}/cap", Tags: wtags,
		Summary:     "A warning as a CAP 1.2 document",
		Description: "msgType Alert when first issued, Update after a change of level, Cancel once lifted or expired; info blocks in Chinese and English.",
		Responses: map[string]*huma.Response{"200": {Description: "The CAP alert", Content: map[string]*huma.MediaType{
			mediaCAP: {Schema: &huma.Schema{Type: huma.TypeString, Format: "xml"}}}}},
	}, func(ctx context.Context, in *idPath) (*capOutput, error) {
		doc, err := svc.CAP(ctx, in.ID)
		if err != nil {
			return nil, err
		}
		return &capOutput{ContentType: mediaCAP + "; charset=utf-8",
			ContentDisposition: `inline; filename="warning-` + strconv.FormatInt(in.ID, 10) + `.xml"`, Body: doc}, nil
	})

	ftags := []string{"warning inputs"}
	register(api, read, huma.Operation{
		OperationID: "list-warning-feeds", Method: http.MethodGet, Path: "/warning-feeds", Tags: ftags,
		Summary: "Polled CAP feeds",
	}, func(ctx context.Context, _ *struct{}) (*out[items[warning.Feed]], error) {
		return list(svc.Feeds(ctx))
	})
	type feedBody struct {
		Name            string `json:"name" maxLength:"200"`
		URL             string `json:"url" maxLength:"2000" doc:"an Atom feed of CAP entries, or a URL that returns one CAP alert"`
		IntervalSeconds int    `json:"interval_seconds,omitempty" doc:"default 300, at least 60"`
		Active          *bool  `json:"active,omitempty" doc:"default true"`
	}
	feed := func(id int64, b feedBody) warning.Feed {
		return warning.Feed{ID: id, Name: b.Name, URL: b.URL, IntervalSeconds: b.IntervalSeconds, Active: b.Active == nil || *b.Active}
	}
	register(api, write, huma.Operation{
		OperationID: "create-warning-feed", Method: http.MethodPost, Path: "/warning-feeds", Tags: ftags,
		Summary: "Poll a CAP feed", DefaultStatus: http.StatusCreated,
	}, func(ctx context.Context, in *struct{ Body feedBody }) (*out[warning.Feed], error) {
		f, err := svc.SaveFeed(ctx, feed(0, in.Body))
		if err != nil {
			return nil, err
		}
		return ok(f)
	})
	register(api, write, huma.Operation{
		OperationID: "update-warning-feed", Method: http.MethodPut, Path: "/warning-feeds/{id}", Tags: ftags,
		Summary: "Change a polled CAP feed",
	}, func(ctx context.Context, in *struct {
		ID   int64 `path:"id" minimum:"1"`
		Body feedBody
	}) (*out[warning.Feed], error) {
		f, err := svc.SaveFeed(ctx, feed(in.ID, in.Body))
		if err != nil {
			return nil, err
		}
		return ok(f)
	})
	register(api, write, huma.Operation{
		OperationID: "delete-warning-feed", Method: http.MethodDelete, Path: "/warning-feeds/{id}", Tags: ftags,
		Summary: "Stop polling a CAP feed", DefaultStatus: http.StatusNoContent,
	}, func(ctx context.Context, in *idPath) (*struct{}, error) {
		return nil, svc.DeleteFeed(ctx, in.ID)
	})
}
