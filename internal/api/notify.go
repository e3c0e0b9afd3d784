package api

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/notify"
)

// channelBody is a channel as a client writes it. Secrets are write-only.
type channelBody struct {
	Kind          notify.Kind       `json:"kind" enum:"email,sms,dingtalk,wecom,feishu,slack,webhook"`
	Name          string            `json:"name" maxLength:"200"`
	Enabled       *bool             `json:"enabled,omitempty" doc:"default true"`
	Settings      map[string]string `json:"settings,omitempty" doc:"channel settings, see docs/notifications.md (email: host, port, tls, username, from; webhook and sms: url, …)"`
	Secrets       map[string]string `json:"secrets,omitempty" doc:"write-only: passwords, signing secrets, robot URLs with tokens. On update, a secret left out keeps its value and \"\" removes it"`
	RatePerSecond float64           `json:"rate_per_second,omitempty" minimum:"0" maximum:"100000" doc:"messages per second; 0 is unlimited"`
}

func (b channelBody) config(id int64) notify.ChannelConfig {
	return notify.ChannelConfig{ID: id, Kind: b.Kind, Name: b.Name, Enabled: b.Enabled == nil || *b.Enabled, Settings: b.Settings,
		Secrets: b.Secrets, RatePerSecond: b.RatePerSecond}
}

// channelView is a channel as the API shows it: which secrets are set,
// never their values.
type channelView struct {
	notify.ChannelConfig
	SecretsSet []string `json:"secrets_set" doc:"names of the secrets that have a value"`
}

func viewChannel(c notify.ChannelConfig) channelView {
	return channelView{ChannelConfig: c, SecretsSet: c.SecretsSet()}
}

// stepBody is an escalation step with its delay written as "10m".
type stepBody struct {
	After    string        `json:"after" pattern:"^[0-9]+(\\.[0-9]+)?(s|m|h)([0-9]+(s|m))*$" doc:"delay from the start of the round, such as 10m or 1h30m"`
	Target   notify.Target `json:"target" enum:"holder,deputies,next_deputy" doc:"holder: the person notified; deputies: all their deputies in order; next_deputy: the next one not yet notified"`
	Channels []notify.Kind `json:"channels,omitempty" doc:"channels of this step; default the person's preferred ones"`
}

// policyBody is an escalation policy as a client writes and reads it.
type policyBody struct {
	ID        int64      `json:"id,omitempty" readOnly:"true"`
	Name      string     `json:"name" maxLength:"200"`
	Steps     []stepBody `json:"steps" minItems:"1" maxItems:"20"`
	Repeat    int        `json:"repeat,omitempty" minimum:"0" maximum:"20" doc:"rounds after the first"`
	Interval  string     `json:"interval,omitempty" doc:"time between the starts of rounds, such as 30m; default the last step's delay plus the first's"`
	CreatedAt time.Time  `json:"created_at,omitzero" readOnly:"true"`
	UpdatedAt time.Time  `json:"updated_at,omitzero" readOnly:"true"`
}

func (b policyBody) policy(id int64) (notify.Policy, error) {
	p := notify.Policy{ID: id, Name: b.Name, Repeat: b.Repeat}
	var v errs.Validation
	for i, s := range b.Steps {
		d, err := time.ParseDuration(s.After)
		if err != nil {
			v.Add(fmt.Sprintf("steps[%d].after", i), "is not a duration such as 10m")
		}
		p.Steps = append(p.Steps, notify.Step{After: notify.Duration(d), Target: s.Target, Channels: s.Channels})
	}
	if b.Interval != "" {
		d, err := time.ParseDuration(b.Interval)
		if err != nil {
			v.Add("interval", "is not a duration such as 30m")
		}
		p.Interval = notify.Duration(d)
	}
	return p, v.Err()
}

func viewPolicy(p notify.Policy) policyBody {
	b := policyBody{ID: p.ID, Name: p.Name, Repeat: p.Repeat, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt, Steps: []stepBody{}}
	if p.Interval > 0 {
		b.Interval = time.Duration(p.Interval).String()
	}
	for _, s := range p.Steps {
		b.Steps = append(b.Steps, stepBody{After: time.Duration(s.After).String(), Target: s.Target, Channels: s.Channels})
	}
	return b
}

// messageBody is a message to send.
type messageBody struct {
	DedupKey    string                 `json:"dedup_key,omitempty" maxLength:"200" doc:"a message with a key already used is not sent again"`
	Source      string                 `json:"source,omitempty" maxLength:"100" doc:"what the message is about, such as warning:12"`
	Severity    notify.Severity        `json:"severity" enum:"info,blue,yellow,orange,red" doc:"red is critical: it overrides quiet hours"`
	AckRequired bool                   `json:"ack_required,omitempty" doc:"include an acknowledgement link"`
	Texts       map[string]notify.Text `json:"texts" doc:"subject and body by language: zh-CN, en"`
	Recipients  []int64                `json:"recipients,omitempty" maxItems:"100000" doc:"person ids; a message needs people or external recipients"`
	External    []notify.External      `json:"external,omitempty" maxItems:"1000" doc:"recipients outside the directory: by email and SMS, without escalation nor acknowledgement link"`
	Channels    []notify.Kind          `json:"channels,omitempty" doc:"channels to use instead of each person's preferences"`
	PolicyID    *int64                 `json:"policy_id,omitempty" doc:"escalation policy; needs ack_required"`
}

// sendResult says whether a message was stored or already existed.
type sendResult struct {
	Message notify.Message `json:"message"`
	Created bool           `json:"created" doc:"false when a message with the same dedup_key existed"`
}

// deliveryQuery filters the delivery log.
type deliveryQuery struct {
	MessageID int64  `query:"message_id" minimum:"0"`
	PersonID  int64  `query:"person_id" minimum:"0" doc:"deliveries to this person or on their behalf"`
	Kind      string `query:"kind" enum:"email,sms,dingtalk,wecom,feishu,slack,webhook"`
	State     string `query:"state" enum:"queued,sent,delivered,failed,acknowledged,cancelled"`
	Source    string `query:"source" maxLength:"100"`
	BeforeID  int64  `query:"before_id" minimum:"0" doc:"keyset pagination: deliveries older than this id"`
	Limit     int    `query:"limit" default:"50" minimum:"1" maximum:"500"`
}

func (q deliveryQuery) filter() notify.DeliveryFilter {
	return notify.DeliveryFilter{MessageID: q.MessageID, PersonID: q.PersonID, Kind: notify.Kind(q.Kind), State: notify.State(q.State),
		Source: q.Source, BeforeID: q.BeforeID, Limit: q.Limit}
}

// testBody says whom a test message goes to.
type testBody struct {
	PersonID int64  `json:"person_id,omitempty" doc:"a person with an address on this channel"`
	Address  string `json:"address,omitempty" maxLength:"200" doc:"an address instead (email, mobile, platform user id)"`
}

// testResult is the channel's answer to a test message.
type testResult struct {
	Sent      bool `json:"sent"`
	Delivered bool `json:"delivered" doc:"the channel confirmed delivery, not only acceptance"`
}

// preferenceBody is a person's notification preference.
type preferenceBody struct {
	Channels   []notify.Kind `json:"channels" doc:"channels in order; empty: email (or SMS without email)"`
	QuietStart string        `json:"quiet_start,omitempty" pattern:"^([01][0-9]|2[0-3]):[0-5][0-9]$" doc:"HH:MM local time; critical (red) messages ignore quiet hours"`
	QuietEnd   string        `json:"quiet_end,omitempty" pattern:"^([01][0-9]|2[0-3]):[0-5][0-9]$"`
	TimeZone   string        `json:"time_zone,omitempty" doc:"IANA zone, default Asia/Shanghai"`
	Lang       string        `json:"lang,omitempty" enum:"zh-CN,en"`
}

func (h *handlers) registerNotify(api huma.API) {
	if h.d.Notify == nil {
		return
	}
	tags := []string{"notifications"}
	manage := authz.Needs(authz.NotifyManage)
	signedIn := authz.AuthenticatedRule()
	n := h.d.Notify

	register(api, manage, huma.Operation{
		OperationID: "list-notify-channels", Method: http.MethodGet, Path: "/notify/channels", Tags: tags,
		Summary: "Configured notification channels (secrets are never shown)",
	}, func(ctx context.Context, _ *struct{}) (*out[items[channelView]], error) {
		cs, err := n.Channels(ctx)
		vs := make([]channelView, len(cs))
		for i, c := range cs {
			vs[i] = viewChannel(c)
		}
		return list(vs, err)
	})

	register(api, manage, huma.Operation{
		OperationID: "create-notify-channel", Method: http.MethodPost, Path: "/notify/channels", Tags: tags,
		Summary: "Configure a channel", DefaultStatus: http.StatusCreated,
		Description: "The settings are checked by building the channel; secrets are stored but never returned.",
	}, func(ctx context.Context, in *struct{ Body channelBody }) (*out[channelView], error) {
		c, err := n.SaveChannel(ctx, in.Body.config(0))
		if err != nil {
			return nil, err
		}
		return ok(viewChannel(c))
	})

	register(api, manage, huma.Operation{
		OperationID: "get-notify-channel", Method: http.MethodGet, Path: "/notify/channels/{id}", Tags: tags,
		Summary: "One channel",
	}, func(ctx context.Context, in *idPath) (*out[channelView], error) {
		c, err := n.Channel(ctx, in.ID)
		if err != nil {
			return nil, err
		}
		return ok(viewChannel(c))
	})

	register(api, manage, huma.Operation{
		OperationID: "update-notify-channel", Method: http.MethodPut, Path: "/notify/channels/{id}", Tags: tags,
		Summary: "Change a channel", Description: "Secrets left out keep their value; a secret given as \"\" is removed.",
	}, func(ctx context.Context, in *struct {
		ID   int64 `path:"id" minimum:"1"`
		Body channelBody
	}) (*out[channelView], error) {
		c, err := n.SaveChannel(ctx, in.Body.config(in.ID))
		if err != nil {
			return nil, err
		}
		return ok(viewChannel(c))
	})

	register(api, manage, huma.Operation{
		OperationID: "delete-notify-channel", Method: http.MethodDelete, Path: "/notify/channels/{id}", Tags: tags,
		Summary: "Remove a channel", DefaultStatus: http.StatusNoContent,
		Description: "Its deliveries stay in the log; those still queued fail.",
	}, func(ctx context.Context, in *idPath) (*struct{}, error) {
		return nil, n.DeleteChannel(ctx, in.ID)
	})

	register(api, manage, huma.Operation{
		OperationID: "test-notify-channel", Method: http.MethodPost, Path: "/notify/channels/{id}/test", Tags: tags,
		Summary: "Send a test message now", Description: "Sent at once, outside the outbox; a refusal by the channel is a 422 with its reason.",
	}, func(ctx context.Context, in *struct {
		ID   int64 `path:"id" minimum:"1"`
		Body testBody
	}) (*out[testResult], error) {
		rc, err := n.TestChannel(ctx, in.ID, in.Body.PersonID, in.Body.Address)
		if err != nil {
			return nil, err
		}
		return ok(testResult{Sent: true, Delivered: rc.Delivered})
	})

	register(api, manage, huma.Operation{
		OperationID: "send-notification", Method: http.MethodPost, Path: "/notify/messages", Tags: tags,
		Summary: "Notify people and external recipients", DefaultStatus: http.StatusAccepted,
		Description: "Stores the message; the dispatcher fans it out and sends it. A repeated dedup_key returns the first message with created false.",
	}, func(ctx context.Context, in *struct{ Body messageBody }) (*out[sendResult], error) {
		b := in.Body
		m, created, err := n.Send(ctx, notify.Message{DedupKey: b.DedupKey, Source: b.Source, Severity: b.Severity, AckRequired: b.AckRequired,
			Texts: b.Texts, Recipients: b.Recipients, External: b.External, Channels: b.Channels, PolicyID: b.PolicyID})
		if err != nil {
			return nil, err
		}
		return ok(sendResult{Message: m, Created: created})
	})

	register(api, manage, huma.Operation{
		OperationID: "get-notification", Method: http.MethodGet, Path: "/notify/messages/{id}", Tags: tags,
		Summary: "One message",
	}, func(ctx context.Context, in *idPath) (*out[notify.Message], error) {
		m, err := n.Message(ctx, in.ID)
		if err != nil {
			return nil, err
		}
		return ok(m)
	})

	register(api, manage, huma.Operation{
		OperationID: "list-notify-escalations", Method: http.MethodGet, Path: "/notify/messages/{id}/escalations", Tags: tags,
		Summary: "The escalation timers of a message",
	}, func(ctx context.Context, in *idPath) (*out[items[notify.Escalation]], error) {
		return list(n.Escalations(ctx, in.ID))
	})

	register(api, manage, huma.Operation{
		OperationID: "list-notify-deliveries", Method: http.MethodGet, Path: "/notify/deliveries", Tags: tags,
		Summary: "The delivery log, newest first",
	}, func(ctx context.Context, in *deliveryQuery) (*out[items[notify.Delivery]], error) {
		return list(n.Deliveries(ctx, in.filter()))
	})

	register(api, signedIn, huma.Operation{
		OperationID: "list-my-notifications", Method: http.MethodGet, Path: "/me/notifications", Tags: tags,
		Summary: "Notifications sent to me (or on my behalf to my deputies)",
	}, func(ctx context.Context, in *deliveryQuery) (*out[items[notify.Delivery]], error) {
		return list(n.MyDeliveries(ctx, in.filter()))
	})

	register(api, signedIn, huma.Operation{
		OperationID: "acknowledge-notification", Method: http.MethodPost, Path: "/notify/deliveries/{id}/ack", Tags: tags,
		Summary:     "Acknowledge a notification",
		Description: "Only by its recipient, or by the holder it was sent for; stops the escalation for that holder. Repeating it changes nothing.",
	}, func(ctx context.Context, in *idPath) (*out[notify.AckResult], error) {
		res, err := n.Acknowledge(ctx, in.ID)
		if err != nil {
			return nil, err
		}
		return ok(res)
	})

	register(api, manage, huma.Operation{
		OperationID: "list-notify-policies", Method: http.MethodGet, Path: "/notify/policies", Tags: tags,
		Summary: "Escalation policies",
	}, func(ctx context.Context, _ *struct{}) (*out[items[policyBody]], error) {
		ps, err := n.Policies(ctx)
		vs := make([]policyBody, len(ps))
		for i, p := range ps {
			vs[i] = viewPolicy(p)
		}
		return list(vs, err)
	})

	register(api, manage, huma.Operation{
		OperationID: "create-notify-policy", Method: http.MethodPost, Path: "/notify/policies", Tags: tags,
		Summary: "Create an escalation policy", DefaultStatus: http.StatusCreated,
	}, func(ctx context.Context, in *struct{ Body policyBody }) (*out[policyBody], error) {
		p, err := in.Body.policy(0)
		if err != nil {
			return nil, err
		}
		if p, err = n.SavePolicy(ctx, p); err != nil {
			return nil, err
		}
		return ok(viewPolicy(p))
	})

	register(api, manage, huma.Operation{
		OperationID: "get-notify-policy", Method: http.MethodGet, Path: "/notify/policies/{id}", Tags: tags,
		Summary: "One escalation policy",
	}, func(ctx context.Context, in *idPath) (*out[policyBody], error) {
		p, err := n.Policy(ctx, in.ID)
		if err != nil {
			return nil, err
		}
		return ok(viewPolicy(p))
	})

	register(api, manage, huma.Operation{
		OperationID: "update-notify-policy", Method: http.MethodPut, Path: "/notify/policies/{id}", Tags: tags,
		Summary: "Change an escalation policy", Description: "Running escalations keep their next due time and use the new steps.",
	}, func(ctx context.Context, in *struct {
		ID   int64 `path:"id" minimum:"1"`
		Body policyBody
	}) (*out[policyBody], error) {
		p, err := in.Body.policy(in.ID)
		if err != nil {
			return nil, err
		}
		if p, err = n.SavePolicy(ctx, p); err != nil {
			return nil, err
		}
		return ok(viewPolicy(p))
	})

	register(api, manage, huma.Operation{
		OperationID: "delete-notify-policy", Method: http.MethodDelete, Path: "/notify/policies/{id}", Tags: tags,
		Summary: "Remove an escalation policy", DefaultStatus: http.StatusNoContent, Description: "Its pending escalations stop.",
	}, func(ctx context.Context, in *idPath) (*struct{}, error) {
		return nil, n.DeletePolicy(ctx, in.ID)
	})

	register(api, signedIn, huma.Operation{
		OperationID: "get-notify-preference", Method: http.MethodGet, Path: "/notify/preferences/{id}", Tags: tags,
		Summary: "A person's notification preference", Description: "One's own, or anyone's with notify.manage. The id is a person id.",
	}, func(ctx context.Context, in *idPath) (*out[notify.Preference], error) {
		p, err := n.Preference(ctx, in.ID)
		if err != nil {
			return nil, err
		}
		return ok(p)
	})

	register(api, signedIn, huma.Operation{
		OperationID: "set-notify-preference", Method: http.MethodPut, Path: "/notify/preferences/{id}", Tags: tags,
		Summary: "Set a person's channels, quiet hours and language", Description: "One's own, or anyone's with notify.manage.",
	}, func(ctx context.Context, in *struct {
		ID   int64 `path:"id" minimum:"1"`
		Body preferenceBody
	}) (*out[notify.Preference], error) {
		b := in.Body
		p, err := n.SavePreference(ctx, notify.Preference{PersonID: in.ID, Channels: b.Channels, QuietStart: b.QuietStart, QuietEnd: b.QuietEnd,
			TimeZone: b.TimeZone, Lang: b.Lang})
		if err != nil {
			return nil, err
		}
		return ok(p)
	})
}
