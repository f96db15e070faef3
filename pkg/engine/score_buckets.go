package engine

import (
	"fmt"
	"time"
)

// bucketFolder folds rows a store hands bucket by bucket (score grid cells, in bucket order):
// a bucket's rows are gathered, then flushed when the next bucket begins and at the end, so
// that memory holds one bucket's rows, not the range's. A row of an earlier bucket after a later
// one breaks the store's contract and is an error.
type bucketFolder struct {
	buckets []time.Time
	width   time.Duration
	what    string // what the rows are, for the order error
	flush   func(bucket int)
	current int
	err     error
}

func newBucketFolder(buckets []time.Time, width time.Duration, what string, flush func(bucket int)) *bucketFolder {
	return &bucketFolder{buckets: buckets, width: width, what: what, flush: flush, current: -1}
}

// at is the bucket index of a row at t, flushing the previous bucket when a new one begins; -1
// for a row to leave out (outside the buckets, or after an order error).
func (f *bucketFolder) at(t time.Time) int {
	if f.err != nil {
		return -1
	}
	i := bucketIndex(f.buckets, f.width, t)
	if i < 0 || i == f.current {
		return i
	}
	if i < f.current {
		f.err = fmt.Errorf("%s of the bucket at %s came after a later bucket's: the store must hand them in bucket order", f.what, t.Format(time.RFC3339))
		return -1
	}
	if f.current >= 0 {
		f.flush(f.current)
	}
	f.current = i
	return i
}

// done flushes the last bucket after the store's read returned err; it returns the read's error
// or the order error.
func (f *bucketFolder) done(err error) error {
	if err == nil {
		err = f.err
	}
	if err != nil {
		return err
	}
	if f.current >= 0 {
		f.flush(f.current)
	}
	return nil
}
