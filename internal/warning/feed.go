package warning

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/errs"
)

// Feeds lists the polled CAP feeds.
func (s *Service) Feeds(ctx context.Context) ([]Feed, error) {
	if err := authz.Require(ctx, authz.WarningRead); err != nil {
		return nil, err
	}
	return s.store.ListFeeds(ctx)
}

// SaveFeed creates (ID 0) or updates a polled CAP feed.
func (s *Service) SaveFeed(ctx context.Context, f Feed) (Feed, error) {
	if err := authz.Require(ctx, authz.WarningWrite); err != nil {
		return Feed{}, err
	}
	if err := f.Validate(); err != nil {
		return Feed{}, err
	}
	err := s.tx.InTx(ctx, func(ctx context.Context) error {
		if f.ID == 0 {
			f.CreatedAt, f.LastPolledAt, f.LastError = s.clock.Now(), nil, ""
			if err := s.store.CreateFeed(ctx, &f); err != nil {
				return err
			}
			return s.audit.Record(ctx, "warning.feed.create", "warning_feed", f.ID, nil, f)
		}
		before, err := s.store.FeedByID(ctx, f.ID)
		if err != nil {
			return err
		}
		f.CreatedAt, f.LastPolledAt, f.LastError = before.CreatedAt, before.LastPolledAt, before.LastError
		if err := s.store.UpdateFeed(ctx, &f); err != nil {
			return err
		}
		return s.audit.Record(ctx, "warning.feed.update", "warning_feed", f.ID, before, f)
	})
	return f, err
}

// DeleteFeed stops polling a feed.
func (s *Service) DeleteFeed(ctx context.Context, id int64) error {
	if err := authz.Require(ctx, authz.WarningWrite); err != nil {
		return err
	}
	return s.tx.InTx(ctx, func(ctx context.Context) error {
		before, err := s.store.FeedByID(ctx, id)
		if err != nil {
			return err
		}
		if err := s.store.DeleteFeed(ctx, id); err != nil {
			return err
		}
		return s.audit.Record(ctx, "warning.feed.delete", "warning_feed", id, before, nil)
	})
}

// maxFeedBytes bounds what one feed or CAP document may weigh.
const maxFeedBytes = 4 << 20

// PollDue polls every active feed whose interval has passed since its last
// poll, by the service's clock, and applies the alerts it finds. It acts
// as the system. It returns the results of every alert applied.
func (s *Service) PollDue(ctx context.Context, client *http.Client) ([]AlertResult, error) {
	ctx = authz.WithPrincipal(ctx, authz.SystemPrincipal)
	feeds, err := s.store.ListFeeds(ctx)
	if err != nil {
		return nil, err
	}
	var all []AlertResult
	now := s.clock.Now()
	for _, f := range feeds {
		if !f.Active {
			continue
		}
		if f.LastPolledAt != nil && now.Before(f.LastPolledAt.Add(time.Duration(f.IntervalSeconds)*time.Second)) {
			continue
		}
		res, perr := s.PollFeed(ctx, client, f.URL)
		all = append(all, res...)
		f.LastPolledAt = &now
		f.LastError = ""
		if perr != nil {
			f.LastError = perr.Error()
			if len(f.LastError) > 2000 {
				f.LastError = f.LastError[:2000]
			}
		}
		if err := s.tx.InTx(ctx, func(ctx context.Context) error { return s.store.UpdateFeed(ctx, &f) }); err != nil {
			return all, err
		}
	}
	return all, nil
}

// RunFeeds polls the due feeds every tick until ctx ends. Which feeds are
// due is decided by the service's clock, so tests call PollDue directly
// and move the clock instead of waiting.
func (s *Service) RunFeeds(ctx context.Context, client *http.Client, tick time.Duration) {
	t := time.NewTicker(tick)
	defer t.Stop()
	for {
		if _, err := s.PollDue(ctx, client); err != nil && ctx.Err() == nil {
			s.mu.RLock()
			log := s.log
			s.mu.RUnlock()
			log.Warn("polling CAP feeds", "err", err)
		}
		sys := authz.WithPrincipal(ctx, authz.SystemPrincipal)
		if _, err := s.ExpireDue(sys); err != nil && ctx.Err() == nil {
			s.mu.RLock()
			log := s.log
			s.mu.RUnlock()
			log.Warn("expiring warnings", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// PollFeed fetches one feed URL, an Atom feed of CAP entries or a single
// CAP document, and applies every alert in it that was not applied
// before. An alert that cannot be applied (it names no indicator, for
// example) is recorded as seen so that it is not fetched into an error at
// every poll; the errors are returned joined.
func (s *Service) PollFeed(ctx context.Context, client *http.Client, feedURL string) ([]AlertResult, error) {
	body, err := fetch(ctx, client, feedURL)
	if err != nil {
		return nil, err
	}
	root, err := rootElement(body)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", feedURL, err)
	}
	var docs [][]byte
	var problems []error
	switch {
	case root.Local == "alert":
		docs = append(docs, body)
	case root.Local == "feed" && root.Space == atomNamespace:
		var feed atomFeed
		if err := xml.Unmarshal(body, &feed); err != nil {
			return nil, fmt.Errorf("%s: Atom feed: %w", feedURL, err)
		}
		base, _ := url.Parse(feedURL)
		for _, e := range feed.Entries {
			if strings.Contains(string(e.Content.Inner), "<alert") {
				docs = append(docs, bytes.TrimSpace(e.Content.Inner))
				continue
			}
			link := e.capLink()
			if link == "" {
				problems = append(problems, fmt.Errorf("entry %s: no CAP link or content", e.ID))
				continue
			}
			if u, err := url.Parse(link); err == nil && base != nil {
				link = base.ResolveReference(u).String()
			}
			doc, err := fetch(ctx, client, link)
			if err != nil {
				problems = append(problems, err)
				continue
			}
			docs = append(docs, doc)
		}
	default:
		return nil, fmt.Errorf("%s: <%s> is neither an Atom feed nor a CAP alert", feedURL, root.Local)
	}
	var results []AlertResult
	for _, doc := range docs {
		a, err := ParseCAP(bytes.NewReader(doc))
		if err != nil {
			problems = append(problems, err)
			continue
		}
		res, err := s.ApplyCAP(ctx, a)
		if err != nil {
			problems = append(problems, fmt.Errorf("%s: %w", a.Ref(), err))
			if errs.Is(err, errs.Invalid) {
				_ = s.tx.InTx(ctx, func(ctx context.Context) error {
					return s.store.MarkCAPSeen(ctx, a.Sender, a.Identifier, nil, s.clock.Now())
				})
			}
			continue
		}
		results = append(results, res)
	}
	return results, errors.Join(problems...)
}

func fetch(ctx context.Context, client *http.Client, u string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/atom+xml, application/cap+xml, application/xml;q=0.9, */*;q=0.1")
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s: HTTP %s", u, resp.Status)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxFeedBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", u, err)
	}
	if len(b) > maxFeedBytes {
		return nil, fmt.Errorf("%s: larger than %d bytes", u, maxFeedBytes)
	}
	return b, nil
}

func rootElement(b []byte) (xml.Name, error) {
	dec := xml.NewDecoder(bytes.NewReader(b))
	for {
		tok, err := dec.Token()
		if err != nil {
			return xml.Name{}, fmt.Errorf("not well-formed XML: %w", err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			return se.Name, nil
		}
	}
}

const atomNamespace = "http://www.w3.org/2005/Atom"

type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Entries []atomEntry `xml:"entry"`
}

type atomEntry struct {
	ID    string `xml:"id"`
	Links []struct {
		Href string `xml:"href,attr"`
		Rel  string `xml:"rel,attr"`
		Type string `xml:"type,attr"`
	} `xml:"link"`
	Content struct {
		Type  string `xml:"type,attr"`
		Inner []byte `xml:",innerxml"`
	} `xml:"content"`
}

// capLink is the entry's link to its CAP document: one typed as CAP,
// else the alternate link.
func (e *atomEntry) capLink() string {
	for _, l := range e.Links {
		if strings.Contains(l.Type, "cap") {
			return l.Href
		}
	}
	for _, l := range e.Links {
		if l.Rel == "" || l.Rel == "alternate" {
			return l.Href
		}
	}
	return ""
}
