package notify

import (
	"context"
	"fmt"
	"time"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/errs"
)

// ---- channels ----

// Channels lists the configured channels (secrets are not exposed by the
// JSON form of ChannelConfig).
func (s *Service) Channels(ctx context.Context) ([]ChannelConfig, error) {
	if err := authz.Require(ctx, authz.NotifyManage); err != nil {
		return nil, err
	}
	return s.store.ListChannels(ctx)
}

// Channel returns one configured channel.
func (s *Service) Channel(ctx context.Context, id int64) (ChannelConfig, error) {
	if err := authz.Require(ctx, authz.NotifyManage); err != nil {
		return ChannelConfig{}, err
	}
	return s.store.ChannelByID(ctx, id)
}

// check builds the channel's notifier to validate its settings.
func (s *Service) check(c ChannelConfig) error {
	f, ok := s.cfg.Factories[c.Kind]
	if !ok {
		return errs.Field("kind", "channel kind %s is not available in this server", c.Kind)
	}
	if _, err := f(c); err != nil {
		return errs.Wrap(errs.Invalid, err, "the channel settings are not usable")
	}
	return nil
}

// SaveChannel creates (ID 0) or updates a channel. On update, secrets not
// given keep their value and a secret given as "" is removed: the client
// never needs to know a secret to change the other settings.
func (s *Service) SaveChannel(ctx context.Context, c ChannelConfig) (ChannelConfig, error) {
	if err := authz.Require(ctx, authz.NotifyManage); err != nil {
		return ChannelConfig{}, err
	}
	if err := c.Validate(); err != nil {
		return ChannelConfig{}, err
	}
	if c.Settings == nil {
		c.Settings = map[string]string{}
	}
	now := s.clock.Now().UTC()
	err := s.tx.InTx(ctx, func(ctx context.Context) error {
		if c.ID == 0 {
			secrets := map[string]string{}
			for k, v := range c.Secrets {
				if v != "" {
					secrets[k] = v
				}
			}
			c.Secrets = secrets
			if err := s.check(c); err != nil {
				return err
			}
			c.CreatedAt, c.UpdatedAt = now, now
			if err := s.store.CreateChannel(ctx, &c); errs.Is(err, errs.Conflict) {
				return errs.Field("name", "another channel has this name")
			} else if err != nil {
				return err
			}
			return s.audit.Record(ctx, "notify.channel.create", "notify_channel", c.ID, nil, redacted(c))
		}
		before, err := s.store.ChannelByID(ctx, c.ID)
		if err != nil {
			return err
		}
		if before.Kind != c.Kind {
			return errs.Field("kind", "the kind of a channel cannot change")
		}
		secrets := map[string]string{}
		for k, v := range before.Secrets {
			secrets[k] = v
		}
		for k, v := range c.Secrets {
			if v == "" {
				delete(secrets, k)
			} else {
				secrets[k] = v
			}
		}
		c.Secrets = secrets
		if err := s.check(c); err != nil {
			return err
		}
		c.CreatedAt, c.UpdatedAt = before.CreatedAt, now
		if err := s.store.UpdateChannel(ctx, &c); errs.Is(err, errs.Conflict) {
			return errs.Field("name", "another channel has this name")
		} else if err != nil {
			return err
		}
		return s.audit.Record(ctx, "notify.channel.update", "notify_channel", c.ID, redacted(before), redacted(c))
	})
	return c, err
}

// redacted is the audit form of a channel: the names of its secrets, not
// their values.
func redacted(c ChannelConfig) any {
	return struct {
		ChannelConfig
		SecretsSet []string `json:"secrets_set"`
	}{c, c.SecretsSet()}
}

// DeleteChannel removes a channel; its deliveries stay in the log.
func (s *Service) DeleteChannel(ctx context.Context, id int64) error {
	if err := authz.Require(ctx, authz.NotifyManage); err != nil {
		return err
	}
	return s.tx.InTx(ctx, func(ctx context.Context) error {
		before, err := s.store.ChannelByID(ctx, id)
		if err != nil {
			return err
		}
		if err := s.store.DeleteChannel(ctx, id); err != nil {
			return err
		}
		return s.audit.Record(ctx, "notify.channel.delete", "notify_channel", id, redacted(before), nil)
	})
}

// TestChannel sends a test message through a channel at once, outside the
// outbox, to the given person (or to the address given), and returns the
// channel's error, if any, in words.
func (s *Service) TestChannel(ctx context.Context, id, personID int64, address string) (Receipt, error) {
	if err := authz.Require(ctx, authz.NotifyManage); err != nil {
		return Receipt{}, err
	}
	c, err := s.store.ChannelByID(ctx, id)
	if err != nil {
		return Receipt{}, err
	}
	f, ok := s.cfg.Factories[c.Kind]
	if !ok {
		return Receipt{}, errs.New(errs.Invalid, "channel kind %s is not available in this server", c.Kind)
	}
	n, err := f(c)
	if err != nil {
		return Receipt{}, errs.Wrap(errs.Invalid, err, "the channel settings are not usable")
	}
	o := &Outgoing{IdempotencyKey: fmt.Sprintf("continuo-test-%d-%d", id, s.clock.Now().UnixNano()), Lang: LangZh,
		Severity: Info, Source: "test:channel", SentAt: s.clock.Now().UTC(), Address: address, Name: "Continuo"}
	if personID > 0 {
		rs, err := s.store.Recipients(ctx, []int64{personID})
		if err != nil {
			return Receipt{}, err
		}
		r, ok := rs[personID]
		if !ok {
			return Receipt{}, errs.Field("person_id", "no active person with this id")
		}
		o.PersonID = personID
		if r.Preference.Lang != "" {
			o.Lang = r.Preference.Lang
		}
		o.Name = r.Person.DisplayName(o.Lang == LangEn)
		if o.Address == "" {
			o.Address = c.Kind.Address(&r.Person)
		}
	}
	if o.Address == "" && c.Kind != Webhook {
		return Receipt{}, errs.Field("address", "give a person with a %s address, or an address", c.Kind)
	}
	texts := map[string]Text{
		LangZh: {Subject: "Continuo 通知渠道测试", Body: "这是一条测试消息：渠道「" + c.Name + "」配置正确。"},
		LangEn: {Subject: "Continuo channel test", Body: "This is a test message: the channel \"" + c.Name + "\" works."},
	}
	t := texts[o.Lang]
	o.Subject, o.Body, err = s.Templates.Render(DefaultTemplate, c.Kind, RenderData{Subject: t.Subject, Body: t.Body, Name: o.Name,
		Lang: o.Lang, Source: o.Source, SentAt: o.SentAt.In(s.cfg.Location).Format("2006-01-02 15:04")})
	if err != nil {
		return Receipt{}, err
	}
	sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	rc, err := n.Send(sctx, o)
	if err != nil {
		return Receipt{}, errs.New(errs.Invalid, "the test message was not accepted: %s", redactSecrets(err.Error(), c))
	}
	return rc, nil
}

// ---- preferences ----

// Preference returns a person's notification preference (the default one
// when none is stored). Anyone may read their own; notify.manage reads all.
func (s *Service) Preference(ctx context.Context, personID int64) (Preference, error) {
	if err := s.requireSelfOrManage(ctx, personID); err != nil {
		return Preference{}, err
	}
	rs, err := s.store.Recipients(ctx, []int64{personID})
	if err != nil {
		return Preference{}, err
	}
	r, ok := rs[personID]
	if !ok {
		return Preference{}, errs.New(errs.NotFound, "person not found")
	}
	r.Preference.PersonID = personID
	if r.Preference.Channels == nil {
		r.Preference.Channels = []Kind{}
	}
	return r.Preference, nil
}

// SavePreference stores a person's preference: their own, or anyone's
// with notify.manage.
func (s *Service) SavePreference(ctx context.Context, p Preference) (Preference, error) {
	if err := s.requireSelfOrManage(ctx, p.PersonID); err != nil {
		return Preference{}, err
	}
	if err := p.Validate(); err != nil {
		return Preference{}, err
	}
	if p.Channels == nil {
		p.Channels = []Kind{}
	}
	p.UpdatedAt = s.clock.Now().UTC()
	err := s.tx.InTx(ctx, func(ctx context.Context) error {
		if err := s.store.SavePreference(ctx, &p); err != nil {
			return err
		}
		return s.audit.Record(ctx, "notify.preference.save", "person", p.PersonID, nil, p)
	})
	return p, err
}

func (s *Service) requireSelfOrManage(ctx context.Context, personID int64) error {
	p, ok := authz.From(ctx)
	if !ok {
		return errs.New(errs.Unauthorized, "not signed in")
	}
	if p.Any(authz.NotifyManage) {
		return nil
	}
	person, linked, err := s.store.PersonOfUser(ctx, p.UserID)
	if err != nil {
		return err
	}
	if linked && person == personID {
		return nil
	}
	return errs.New(errs.Forbidden, "only your own preferences, or permission %s", authz.NotifyManage)
}

// ---- escalation policies ----

// Policies lists the escalation policies.
func (s *Service) Policies(ctx context.Context) ([]Policy, error) {
	if err := authz.Require(ctx, authz.NotifyManage); err != nil {
		return nil, err
	}
	return s.store.ListPolicies(ctx)
}

// Policy returns one escalation policy.
func (s *Service) Policy(ctx context.Context, id int64) (Policy, error) {
	if err := authz.Require(ctx, authz.NotifyManage); err != nil {
		return Policy{}, err
	}
	return s.store.PolicyByID(ctx, id)
}

// SavePolicy creates (ID 0) or updates an escalation policy. Timers
// already running keep their due times and pick up the new steps.
func (s *Service) SavePolicy(ctx context.Context, p Policy) (Policy, error) {
	if err := authz.Require(ctx, authz.NotifyManage); err != nil {
		return Policy{}, err
	}
	if err := p.Validate(); err != nil {
		return Policy{}, err
	}
	now := s.clock.Now().UTC()
	err := s.tx.InTx(ctx, func(ctx context.Context) error {
		if p.ID == 0 {
			p.CreatedAt, p.UpdatedAt = now, now
			if err := s.store.CreatePolicy(ctx, &p); err != nil {
				return err
			}
			return s.audit.Record(ctx, "notify.policy.create", "notify_policy", p.ID, nil, p)
		}
		before, err := s.store.PolicyByID(ctx, p.ID)
		if err != nil {
			return err
		}
		p.CreatedAt, p.UpdatedAt = before.CreatedAt, now
		if err := s.store.UpdatePolicy(ctx, &p); err != nil {
			return err
		}
		return s.audit.Record(ctx, "notify.policy.update", "notify_policy", p.ID, before, p)
	})
	return p, err
}

// DeletePolicy removes an escalation policy and stops its pending timers.
func (s *Service) DeletePolicy(ctx context.Context, id int64) error {
	if err := authz.Require(ctx, authz.NotifyManage); err != nil {
		return err
	}
	return s.tx.InTx(ctx, func(ctx context.Context) error {
		before, err := s.store.PolicyByID(ctx, id)
		if err != nil {
			return err
		}
		if err := s.store.DeletePolicy(ctx, id); err != nil {
			return err
		}
		return s.audit.Record(ctx, "notify.policy.delete", "notify_policy", id, before, nil)
	})
}
