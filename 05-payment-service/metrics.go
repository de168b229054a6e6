package main

import (
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"
)

// collectors are the payment counters for /metrics.
func (p *payer) collectors() []prometheus.Collector {
	counter := func(name, help string, n *atomic.Int64) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help},
			func() float64 { return float64(n.Load()) })
	}
	return []prometheus.Collector{
		counter("payments_created_total", "Orders paid by this instance: payment events published.", &p.paid),
		counter("payments_already_paid_total", "Orders delivered again after they were paid, and not paid twice.", &p.alreadyPaid),
		counter("payments_paid_records_forgotten_total",
			"Records of paid orders removed by this instance because order-events no longer holds their entries.", &p.records.forgotten),
	}
}

// stats adds the payment counters to /stats.
func (p *payer) stats() any {
	return map[string]int64{"paymentsCreated": p.paid.Load(), "alreadyPaid": p.alreadyPaid.Load()}
}
