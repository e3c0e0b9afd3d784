package web

import (
	"bytes"
	"net/http"
	"time"
)

// streamLifetime ends an event stream after a while; the browser
// reconnects at once (and gets a fresh board), which bounds how long a
// server shutdown waits for open streams.
const streamLifetime = 10 * time.Minute

// streamWarnings is the board's Server-Sent Events stream: an event
// "board" with the live part of the board, rendered for the viewer, at
// once and then whenever the warnings change.
func (h *handler) streamWarnings(hub *boardHub) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		rc := http.NewResponseController(w)
		ctx := r.Context()
		hdr := w.Header()
		hdr.Set("Content-Type", "text/event-stream; charset=utf-8")
		hdr.Set("Cache-Control", "no-store")
		hdr.Set("X-Accel-Buffering", "no") // nginx: do not hold the events back
		p := h.base(w, r, "")
		changes, cancel := hub.subscribe()
		defer cancel()
		w.WriteHeader(http.StatusOK)
		if _, err := w.Write([]byte("retry: 3000\n\n")); err != nil {
			return
		}
		send := func() bool {
			html, err := h.renderBoard(ctx, p)
			if err != nil {
				if ctx.Err() == nil {
					h.log.Error("warning board stream", "err", err)
				}
				return false
			}
			if _, err := w.Write(sseEvent("board", html)); err != nil {
				return false
			}
			return rc.Flush() == nil
		}
		if !send() {
			return
		}
		keepAlive := time.NewTicker(25 * time.Second)
		defer keepAlive.Stop()
		end := time.NewTimer(streamLifetime)
		defer end.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-end.C:
				return
			case <-keepAlive.C:
				if _, err := w.Write([]byte(": keep-alive\n\n")); err != nil || rc.Flush() != nil {
					return
				}
			case <-changes:
				if !send() {
					return
				}
			}
		}
	}
}

// sseEvent frames data as one event: one data line per line of text.
func sseEvent(name string, data []byte) []byte {
	var b bytes.Buffer
	b.WriteString("event: ")
	b.WriteString(name)
	b.WriteByte('\n')
	for _, line := range bytes.Split(bytes.ReplaceAll(data, []byte("\r"), nil), []byte("\n")) {
		b.WriteString("data: ")
		b.Write(line)
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	return b.Bytes()
}
