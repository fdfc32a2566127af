package p2p

import (
	"errors"
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// Drop and error reasons used as the "reason" label.
const (
	reasonMalformed     = "malformed"
	reasonOversize      = "oversize"
	reasonWrongLockHash = "wrong_lock_hash"
	reasonBadSignature  = "bad_signature"
	reasonUnknownSender = "unknown_sender"
	reasonWrongProtocol = "wrong_protocol"
	reasonWrongKind     = "wrong_kind"
	reasonHandler       = "handler_error"
	reasonStream        = "stream_error"
	reasonResource      = "resource_limit"
	reasonDial          = "dial_failed"
	reasonPing          = "ping_failed"
	reasonUnresponsive  = "unresponsive"
)

// metrics are the node's Prometheus collectors. Peer labels are cluster peer names (or IDs),
// so their cardinality is bounded by the cluster size.
type metrics struct {
	refused      *prometheus.CounterVec // direction, stage
	connected    *prometheus.GaugeVec   // peer
	rtt          *prometheus.GaugeVec   // peer
	msgs         *prometheus.CounterVec // peer, protocol, direction
	bytes        *prometheus.CounterVec // peer, protocol, direction
	dropped      *prometheus.CounterVec // peer, protocol, reason
	peerErrors   *prometheus.CounterVec // peer, reason
	reservations *prometheus.GaugeVec   // relay
	resvFailures *prometheus.CounterVec // relay
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		refused: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "stinger", Subsystem: "p2p", Name: "refused_connections_total",
			Help: "Connections refused because the remote peer is not a cluster operator (or relay).",
		}, []string{"direction", "stage"}),
		connected: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Namespace: "stinger", Subsystem: "p2p", Name: "peer_connected",
			Help: "1 if at least one connection to the cluster peer is open, else 0.",
		}, []string{"peer"}),
		rtt: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Namespace: "stinger", Subsystem: "p2p", Name: "peer_rtt_seconds",
			Help: "Last measured ping round-trip time to the cluster peer.",
		}, []string{"peer"}),
		msgs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "stinger", Subsystem: "p2p", Name: "messages_total",
			Help: "Envelopes sent (out) and accepted (in) per peer and protocol.",
		}, []string{"peer", "protocol", "direction"}),
		bytes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "stinger", Subsystem: "p2p", Name: "message_bytes_total",
			Help: "Framed envelope bytes sent (out) and accepted (in) per peer and protocol.",
		}, []string{"peer", "protocol", "direction"}),
		dropped: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "stinger", Subsystem: "p2p", Name: "dropped_messages_total",
			Help: "Inbound messages dropped before reaching a handler, by reason.",
		}, []string{"peer", "protocol", "reason"}),
		peerErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "stinger", Subsystem: "p2p", Name: "peer_errors_total",
			Help: "Errors talking to a cluster peer (sends, dials, pings), by reason.",
		}, []string{"peer", "reason"}),
		reservations: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Namespace: "stinger", Subsystem: "p2p", Name: "relay_reservation_active",
			Help: "1 if this node holds a circuit relay v2 reservation on the relay.",
		}, []string{"relay"}),
		resvFailures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "stinger", Subsystem: "p2p", Name: "relay_reservation_failures_total",
			Help: "Failed attempts to obtain or renew a circuit relay v2 reservation.",
		}, []string{"relay"}),
	}
	if reg == nil {
		return m, nil
	}
	for _, c := range []prometheus.Collector{m.refused, m.connected, m.rtt, m.msgs, m.bytes, m.dropped, m.peerErrors, m.reservations, m.resvFailures} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("register p2p metrics: %w", err)
		}
	}
	return m, nil
}

// dropReason maps an inbound processing error to its metric label.
func dropReason(err error) string {
	switch {
	case errors.Is(err, ErrOversize):
		return reasonOversize
	case errors.Is(err, ErrMalformed):
		return reasonMalformed
	case errors.Is(err, ErrWrongLockHash):
		return reasonWrongLockHash
	case errors.Is(err, ErrBadSignature):
		return reasonBadSignature
	case errors.Is(err, ErrUnknownSender):
		return reasonUnknownSender
	case errors.Is(err, ErrWrongProtocol):
		return reasonWrongProtocol
	case errors.Is(err, ErrWrongKind):
		return reasonWrongKind
	case errors.Is(err, errResource):
		return reasonResource
	default:
		return reasonStream
	}
}
