// Package client is the ledger's client library.
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"time"
)

// Client talks to the ledger over HTTP.
type Client struct {
	base string
	http *http.Client
}

// New returns a client with a 3 s timeout per request.
func New(base string) *Client {
	return &Client{base: base, http: &http.Client{Timeout: 3 * time.Second}}
}

// Transfer moves money, retrying transient failures with exponential backoff.
func (c *Client) Transfer(ctx context.Context, from, to string, amount int64) error {
	delay := 100 * time.Millisecond
	var err error
	for attempt := 0; attempt < 5; attempt++ {
		err = c.PostTransfer(ctx, from, to, amount) // BUG: a lost ack pays twice
		if err == nil {
			return nil
		}
		time.Sleep(delay)
		delay *= 2
	}
	return err
}

// PostTransfer sends one transfer request.
func (c *Client) PostTransfer(ctx context.Context, from, to string, amount int64) error {
	body, _ := json.Marshal(map[string]any{"from": from, "to": to, "amount": amount})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/transfer", bytes.NewReader(body))
	if err != nil {
		return err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

// Pay is what the checkout service calls.
func Pay(ctx context.Context, c *Client, order string, amount int64) error {
	return c.Transfer(ctx, order, "merchant", amount)
}
