package web

import (
	"bufio"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/continuo-bcm/continuo/internal/audit"
	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/clock"
	"github.com/continuo-bcm/continuo/internal/org"
	"github.com/continuo-bcm/continuo/internal/store"
	"github.com/continuo-bcm/continuo/internal/store/storetest"
	"github.com/continuo-bcm/continuo/internal/warning"
)

// fakeRevision is a revision token the test moves by hand.
type fakeRevision struct {
	mu  sync.Mutex
	rev string
	n   int // reads
}

func (f *fakeRevision) read(context.Context) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.n++
	return f.rev, nil
}

func (f *fakeRevision) set(s string) {
	f.mu.Lock()
	f.rev = s
	f.mu.Unlock()
}

// waitFor fails the test when ch gives nothing before the safety
// deadline (the hub is poked, so it answers at once when it works).
func waitFor(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(10 * time.Second):
		t.Fatalf("no wake-up: %s", what)
	}
}

func TestBoardHubWakesWatchersAndStops(t *testing.T) {
	rev := &fakeRevision{rev: "1.0"}
	// A poll interval far beyond the test: only pokes make it look.
	hub := newBoardHub(rev.read, time.Hour, slog.New(slog.DiscardHandler))

	a, cancelA := hub.subscribe()
	b, cancelB := hub.subscribe()
	if hub.watchers() != 2 {
		t.Fatalf("watchers = %d, want 2", hub.watchers())
	}
	// The poller reads its starting revision before it waits; make sure
	// it did, so that the change below is a change.
	deadline := time.Now().Add(10 * time.Second)
	for {
		rev.mu.Lock()
		n := rev.n
		rev.mu.Unlock()
		if n > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the poller never read the revision")
		}
		time.Sleep(time.Millisecond)
	}

	rev.set("2.0")
	hub.changed()
	waitFor(t, a, "watcher a after a change")
	waitFor(t, b, "watcher b after a change")

	// No change, no wake-up: a poke with the same revision sends nothing.
	hub.changed()
	rev.set("3.0")
	hub.changed()
	waitFor(t, a, "watcher a after the second change")
	select {
	case <-a:
		t.Fatal("watcher a woken twice for one change")
	default:
	}

	cancelA()
	cancelA() // cancelling twice is harmless
	if hub.watchers() != 1 {
		t.Fatalf("watchers = %d, want 1", hub.watchers())
	}
	cancelB()
	// The last watcher gone, the poller ends: wait returns.
	done := make(chan struct{})
	go func() { hub.wait(); close(done) }()
	waitFor(t, done, "the poller to stop after the last watcher left")

	// A new watcher starts a new poller, which sees later changes.
	c, cancelC := hub.subscribe()
	defer cancelC()
	for i := 0; ; i++ {
		rev.set("4." + string(rune('0'+i%10)))
		hub.changed()
		select {
		case <-c:
			return
		case <-time.After(50 * time.Millisecond):
			if i > 200 {
				t.Fatal("a restarted poller does not wake watchers")
			}
		}
	}
}

func TestSSEEventFraming(t *testing.T) {
	got := string(sseEvent("board", []byte("<div>\r\n  a\n</div>")))
	want := "event: board\ndata: <div>\ndata:   a\ndata: </div>\n\n"
	if got != want {
		t.Fatalf("sseEvent = %q, want %q", got, want)
	}
}

// TestStreamStopsWhenTheClientLeaves serves the board's event stream on a
// real database, reads the first board, hangs up, and checks that the
// stream unsubscribed and the hub's poller ended: nothing keeps running
// for a closed tab.
func TestStreamStopsWhenTheClientLeaves(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		clk := clock.NewFake(time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC))
		a := audit.NewLog(db, db, clk)
		tpl, err := parseTemplates()
		if err != nil {
			t.Fatal(err)
		}
		h := &handler{tpl: tpl, log: slog.New(slog.DiscardHandler),
			d: Deps{Warning: warning.NewService(db, db, a, clk), Org: org.NewService(db, db, a, clk), Clock: clk, Location: time.UTC}}
		sys := func(ctx context.Context) context.Context { return authz.WithPrincipal(ctx, authz.SystemPrincipal) }
		hub := newBoardHub(func(ctx context.Context) (string, error) { return h.d.Warning.BoardRevision(sys(ctx)) },
			10*time.Millisecond, h.log)
		stream := h.streamWarnings(hub)
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			stream(w, r.WithContext(sys(r.Context())))
		}))
		defer srv.Close()

		ctx, hangUp := context.WithCancel(context.Background())
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(res.Body)
		sc.Buffer(make([]byte, 0, 64<<10), 4<<20)
		for sc.Scan() && sc.Text() != "event: board" {
		}
		if sc.Text() != "event: board" {
			t.Fatalf("no board event: %v", sc.Err())
		}
		if hub.watchers() != 1 {
			t.Fatalf("watchers while connected = %d, want 1", hub.watchers())
		}
		hangUp()
		res.Body.Close()

		done := make(chan struct{})
		go func() {
			for hub.watchers() != 0 {
				time.Sleep(time.Millisecond)
			}
			hub.wait()
			close(done)
		}()
		waitFor(t, done, "the stream to unsubscribe and the poller to stop after the client left")
	})
}
