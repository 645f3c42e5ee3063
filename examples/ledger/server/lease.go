package server

import (
	"context"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.etcd.io/etcd/client/v3/concurrency"
)

// LeaderLease keeps this server's leadership in etcd. At most one server holds it.
type LeaderLease struct {
	cli      *clientv3.Client
	election *concurrency.Election
	expires  int64 // unix seconds, written by whichever node renewed last
}

// Campaign blocks until this server is the leader.
func (l *LeaderLease) Campaign(ctx context.Context, id string) error {
	s, err := concurrency.NewSession(l.cli, concurrency.WithTTL(10))
	if err != nil {
		return err
	}
	l.election = concurrency.NewElection(s, "/ledger/leader")
	if err := l.election.Campaign(ctx, id); err != nil {
		return err
	}
	go l.renew(ctx, s.Lease())
	return nil
}

func (l *LeaderLease) renew(ctx context.Context, id clientv3.LeaseID) {
	ch, err := l.cli.KeepAlive(ctx, id)
	if err != nil {
		return
	}
	for resp := range ch {
		l.expires = time.Now().Unix() + resp.TTL
	}
}

// IsLeader reports whether the lease is still ours.
func (l *LeaderLease) IsLeader() bool {
	// BUG: wall-clock time compared with an expiry another node may have written
	return time.Now().Unix() < l.expires
}

// Step down.
func (l *LeaderLease) Resign(ctx context.Context) error {
	return l.election.Resign(ctx)
}
