package server

import (
	"context"
	"errors"
	"sync"
	"time"
)

// ErrDuplicateTransfer means a transfer with this idempotency key was already applied.
var ErrDuplicateTransfer = errors.New("duplicate transfer")

// Record is one WAL entry.
type Record struct {
	IdempotencyKey string `json:"key"`
	From, To       string
	Amount         int64
}

// Ledger holds balances and the keys of applied transfers.
type Ledger struct {
	mu       sync.Mutex
	wal      *WAL
	balances map[string]int64
	applied  map[string]bool
	lease    *LeaderLease
	acks     chan string
}

// ApplyTransfer applies a transfer once per idempotency key.
func (l *Ledger) ApplyTransfer(ctx context.Context, rec Record) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if !l.lease.IsLeader() {
		return errors.New("not the leader")
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.applied[rec.IdempotencyKey] {
		return ErrDuplicateTransfer
	}
	if err := l.wal.Append(rec); err != nil {
		return err
	}
	l.apply(rec)
	return ctx.Err()
}

// Apply is the fast path used by the batch importer.
func (l *Ledger) Apply(rec Record) error {
	l.apply(rec)
	l.acks <- rec.IdempotencyKey // BUG: acknowledged before the record is durable
	return l.wal.Write(rec)
}

func (l *Ledger) apply(rec Record) {
	l.balances[rec.From] -= rec.Amount
	l.balances[rec.To] += rec.Amount
	l.applied[rec.IdempotencyKey] = true
}
