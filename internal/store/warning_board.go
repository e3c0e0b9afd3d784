package store

import (
	"context"
	"strconv"
	"time"
)

// BoardRevision returns the latest history event id and the number of
// warnings in force whose acknowledgements are due, as one token: both
// are index lookups, cheap enough to poll every second or two.
func (db *DB) BoardRevision(ctx context.Context, now time.Time) (string, error) {
	var last int64
	if err := db.queryRow(ctx, "SELECT COALESCE(MAX(id), 0) FROM warning_events").Scan(&last); err != nil {
		return "", mapErr(err)
	}
	var due int
	if err := db.queryRow(ctx, "SELECT COUNT(*) FROM warnings WHERE status IN "+inForceSQL()+" AND ack_due_at <= ?",
		now.UTC()).Scan(&due); err != nil {
		return "", mapErr(err)
	}
	return strconv.FormatInt(last, 10) + "." + strconv.Itoa(due), nil
}
