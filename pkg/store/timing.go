package store

import (
	"context"
	"database/sql/driver"
	"time"
)

// Observer hears how long each SQL statement took (pkg/metrics's store
// latency); kind is "exec" or "query", backend "sqlite" or "postgres".
type Observer interface {
	StoreStatement(backend, kind string, d time.Duration, err error)
}

// timedConnector wraps a driver's connections so every statement is
// timed, whatever the store method that ran it: one place, both engines.
type timedConnector struct {
	inner   driver.Connector
	backend string
	obs     Observer
}

func (c timedConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.inner.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return &timedConn{Conn: conn, backend: c.backend, obs: c.obs}, nil
}

func (c timedConnector) Driver() driver.Driver { return c.inner.Driver() }

// dsnConnector turns a driver and a DSN into a Connector (database/sql's
// own is not exported).
type dsnConnector struct {
	dsn string
	drv driver.Driver
}

func (c dsnConnector) Connect(context.Context) (driver.Conn, error) { return c.drv.Open(c.dsn) }
func (c dsnConnector) Driver() driver.Driver                        { return c.drv }

// timedConn forwards every optional interface database/sql looks for, so
// wrapping changes nothing but the timing: where the inner connection
// lacks one, the answer is the one database/sql gives without it.
type timedConn struct {
	driver.Conn
	backend string
	obs     Observer
}

var (
	_ driver.ExecerContext      = (*timedConn)(nil)
	_ driver.QueryerContext     = (*timedConn)(nil)
	_ driver.ConnPrepareContext = (*timedConn)(nil)
	_ driver.ConnBeginTx        = (*timedConn)(nil)
	_ driver.Pinger             = (*timedConn)(nil)
	_ driver.SessionResetter    = (*timedConn)(nil)
	_ driver.Validator          = (*timedConn)(nil)
	_ driver.NamedValueChecker  = (*timedConn)(nil)
)

func (c *timedConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	e, ok := c.Conn.(driver.ExecerContext)
	if !ok {
		return nil, driver.ErrSkip
	}
	start := time.Now()
	res, err := e.ExecContext(ctx, query, args)
	if err != driver.ErrSkip {
		c.obs.StoreStatement(c.backend, "exec", time.Since(start), err)
	}
	return res, err
}

func (c *timedConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	q, ok := c.Conn.(driver.QueryerContext)
	if !ok {
		return nil, driver.ErrSkip
	}
	start := time.Now()
	rows, err := q.QueryContext(ctx, query, args)
	if err != driver.ErrSkip {
		c.obs.StoreStatement(c.backend, "query", time.Since(start), err)
	}
	return rows, err
}

func (c *timedConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	if p, ok := c.Conn.(driver.ConnPrepareContext); ok {
		return p.PrepareContext(ctx, query)
	}
	return c.Prepare(query)
}

func (c *timedConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	if b, ok := c.Conn.(driver.ConnBeginTx); ok {
		return b.BeginTx(ctx, opts)
	}
	return c.Begin() //nolint:staticcheck // the drivers' own fallback
}

func (c *timedConn) Ping(ctx context.Context) error {
	if p, ok := c.Conn.(driver.Pinger); ok {
		return p.Ping(ctx)
	}
	return nil
}

func (c *timedConn) ResetSession(ctx context.Context) error {
	if r, ok := c.Conn.(driver.SessionResetter); ok {
		return r.ResetSession(ctx)
	}
	return nil
}

func (c *timedConn) IsValid() bool {
	if v, ok := c.Conn.(driver.Validator); ok {
		return v.IsValid()
	}
	return true
}

func (c *timedConn) CheckNamedValue(nv *driver.NamedValue) error {
	if n, ok := c.Conn.(driver.NamedValueChecker); ok {
		return n.CheckNamedValue(nv)
	}
	return driver.ErrSkip
}
