package store

import (
	"context"
)

// KnownProcesses returns which of the ids are business processes.
func (db *DB) KnownProcesses(ctx context.Context, ids []int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	for start := 0; start < len(ids); start += 500 {
		chunk := ids[start:min(start+500, len(ids))]
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		found, err := db.ids(ctx, "SELECT id FROM bia_processes WHERE id IN ("+placeholders(len(chunk))+")", args...)
		if err != nil {
			return nil, err
		}
		for _, id := range found {
			out[id] = true
		}
	}
	return out, nil
}
