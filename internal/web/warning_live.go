package web

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// boardHub tells the open warning boards when what they show may have
// changed. While at least one board is open, one goroutine polls a cheap
// revision token from the database (so that a change made by another
// server process on the same database is seen too) and wakes every
// subscriber when it moves; a change made in this process pokes it for an
// immediate look. When the last board closes, the poller stops: nothing
// runs while nobody watches.
type boardHub struct {
	revision func(context.Context) (string, error)
	every    time.Duration
	log      *slog.Logger

	mu      sync.Mutex
	subs    map[chan struct{}]struct{}
	stop    context.CancelFunc // set while a poller runs
	poke    chan struct{}
	pollers sync.WaitGroup
}

func newBoardHub(revision func(context.Context) (string, error), every time.Duration, log *slog.Logger) *boardHub {
	return &boardHub{revision: revision, every: every, log: log, subs: map[chan struct{}]struct{}{}, poke: make(chan struct{}, 1)}
}

// subscribe registers a watcher. Its channel receives a value (coalesced:
// a slow reader gets one wake-up for many changes) whenever the revision
// moves; cancel unregisters it and must be called.
func (b *boardHub) subscribe() (<-chan struct{}, func()) {
	ch := make(chan struct{}, 1)
	b.mu.Lock()
	b.subs[ch] = struct{}{}
	if b.stop == nil {
		ctx, stop := context.WithCancel(context.Background())
		b.stop = stop
		b.pollers.Add(1)
		go b.poll(ctx)
	}
	b.mu.Unlock()
	var once sync.Once
	return ch, func() {
		once.Do(func() {
			b.mu.Lock()
			delete(b.subs, ch)
			if len(b.subs) == 0 && b.stop != nil {
				b.stop()
				b.stop = nil
			}
			b.mu.Unlock()
		})
	}
}

// changed asks the poller for an immediate look, after a change made by
// this process.
func (b *boardHub) changed() {
	select {
	case b.poke <- struct{}{}:
	default:
	}
}

// watchers says how many boards are subscribed.
func (b *boardHub) watchers() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.subs)
}

// wait blocks until every poller has stopped.
func (b *boardHub) wait() { b.pollers.Wait() }

func (b *boardHub) poll(ctx context.Context) {
	defer b.pollers.Done()
	last, err := b.revision(ctx)
	if err != nil && ctx.Err() == nil {
		b.log.Warn("warning board: reading the revision failed", "err", err)
	}
	t := time.NewTicker(b.every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-b.poke:
		}
		rev, err := b.revision(ctx)
		if err != nil {
			if ctx.Err() == nil {
				b.log.Warn("warning board: reading the revision failed", "err", err)
			}
			continue
		}
		if rev == last {
			continue
		}
		last = rev
		b.mu.Lock()
		for ch := range b.subs {
			select {
			case ch <- struct{}{}:
			default: // already woken, not yet read
			}
		}
		b.mu.Unlock()
	}
}
