package main

import (
	"math"
	"slices"
	"time"
)

// percentile returns the p-th percentile (0 < p <= 100) of sorted samples by the
// nearest-rank method: the smallest sample such that at least p% of the samples are
// less than or equal to it. It returns 0 for no samples.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	// The epsilon keeps float rounding (99.9/100*1000 = 999.0000000000001) from moving
	// an exact rank up by one.
	rank := int(math.Ceil(p*float64(len(sorted))/100 - 1e-9))
	rank = min(max(rank, 1), len(sorted))
	return sorted[rank-1]
}

// Latency summarizes one kind of request.
type Latency struct {
	Count    int `json:"count"`    // answered requests (errors included)
	Errors   int `json:"errors"`   // error responses
	Timeouts int `json:"timeouts"` // no answer within the timeout
	Empty    int `json:"empty"`    // null or empty results
	// Items sums what the answers offered: completion items, definition locations.
	Items int `json:"items"`
	// CrossFile counts definition answers with a location in another file.
	CrossFile int     `json:"crossFile"`
	P50       float64 `json:"p50Ms"`
	P99       float64 `json:"p99Ms"`
	Max       float64 `json:"maxMs"`
	Mean      float64 `json:"meanMs"`
	// FirstError is the first error message, to tell why requests failed.
	FirstError string `json:"firstError,omitempty"`
}

// recorder collects latencies of one kind.
type recorder struct {
	samples []time.Duration
	lat     Latency
}

func (r *recorder) add(d time.Duration) { r.samples = append(r.samples, d) }

func (r *recorder) fail(err error, timeout bool) {
	if timeout {
		r.lat.Timeouts++
	} else {
		r.lat.Errors++
	}
	if r.lat.FirstError == "" {
		r.lat.FirstError = err.Error()
	}
}

func (r *recorder) summary() Latency {
	s := slices.Clone(r.samples)
	slices.Sort(s)
	l := r.lat
	l.Count = len(s) + l.Errors
	l.P50 = ms(percentile(s, 50))
	l.P99 = ms(percentile(s, 99))
	if len(s) > 0 {
		l.Max = ms(s[len(s)-1])
		var sum time.Duration
		for _, d := range s {
			sum += d
		}
		l.Mean = ms(sum / time.Duration(len(s)))
	}
	return l
}

// ms is a duration in milliseconds with microsecond precision.
func ms(d time.Duration) float64 { return math.Round(float64(d)/1e3) / 1e3 }
