// Package server is the ledger service: a write-ahead log, transfers and a leader lease.
package server

import (
	"encoding/json"
	"os"
	"sync"
)

// WAL is the ledger's write-ahead log. Every record is durable once Append returns.
type WAL struct {
	mu sync.Mutex
	f  *os.File
}

// OpenWAL opens (or creates) the log at path.
func OpenWAL(path string) (*WAL, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, err
	}
	return &WAL{f: f}, nil
}

// Append writes one record and fsyncs it.
func (w *WAL) Append(rec Record) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	b, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	if _, err := w.f.Write(append(b, '\n')); err != nil {
		return err
	}
	return w.f.Sync()
}

// Write buffers one record without syncing it.
func (w *WAL) Write(rec Record) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	b, _ := json.Marshal(rec)
	_, err := w.f.Write(append(b, '\n'))
	return err
}
