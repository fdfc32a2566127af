// Package p2p is stinger's cluster networking: a go-libp2p host that talks only to the
// operators of one cluster, and the small protocol framework every stinger protocol uses.
//
// What it promises:
//
//   - Identity and transports. The host uses the operator's secp256k1 key as its libp2p identity,
//     TCP and QUIC transports, Noise and TLS security, and yamux. It listens on Config.ListenAddrs
//     and advertises Config.ExternalAddrs when set.
//   - Only cluster operators get in. A connection gater admits exactly the peer IDs in
//     Config.Peers, inbound and outbound, refusing others right after the security handshake
//     (before the muxer or any protocol runs) and counting them in
//     stinger_p2p_refused_connections_total. The resource manager independently blocks every peer
//     without an explicit allowance. Configured relays may only be dialled, never accept.
//   - Connectivity. Node.Run dials every cluster peer from its configured addresses, keeps the
//     connections (protected from trimming, pinged every PingInterval), and redials with
//     exponential backoff and jitter (ReconnectMin..ReconnectMax) after a disconnect. With
//     Config.Relays, the node holds circuit relay v2 reservations and adds relay circuit
//     addresses for every peer, so peers without a direct route connect through a relay.
//     NewRelay runs the relay server side (go-libp2p's relay v2 service with limits).
//   - Protocols. IDs are /stinger/<name>/<version> (Protocol). One stream carries one exchange:
//     a varint-length-prefixed envelope (protocol buffers wire format in a strict canonical form,
//     see envelope.proto and DecodeEnvelope), then either the receiver's close (one-way: Send,
//     Broadcast, Forward) or one signed response (Request). Each protocol has a maximum payload
//     size and a deadline for the whole exchange; any error resets the stream and never the
//     connection.
//   - Authenticity. Every envelope carries the protocol ID, kind, cluster lock hash, the original
//     sender's peer ID and payload, signed by the sender's operator key. Handlers only ever see
//     envelopes that decode canonically, fit the protocol's size, name this protocol, kind and
//     lock hash, come from a cluster operator and verify; everything else is dropped and counted
//     in stinger_p2p_dropped_messages_total by reason. Because the signer is in the envelope,
//     a forwarded message (Forward) is still attributed to its author (Message.From).
//     Payloads are encoded by each protocol with protocol buffers as well.
//   - Health. Per-peer RTT (libp2p ping), connection state, messages and bytes in and out by
//     protocol, and errors by reason are exported on the injected prometheus.Registerer;
//     Node.Peers and PeersHandler (GET /v1/peers) report the same per peer, FetchPeers and
//     FormatPeers serve `stinger peers`.
//
// Timers use the injected Clock; stream deadlines use the system clock, as the network stack does.
//
// Wiring (the caller's duties, in order):
//
//  1. cfg := DefaultConfig(); fill Key (cluster.Identity.Key), Peers and LockHash (from the
//     cluster lock), ListenAddrs/ExternalAddrs/Relays (config), Logger, Registerer.
//  2. node, err := New(cfg) — validates, builds the host and listens.
//  3. node.HandleMessages / node.HandleRequests for every protocol, before peers talk to us.
//  4. go node.Run(ctx) — connect, reconnect, ping, relay reservations until ctx ends.
//  5. Mount node.PeersHandler() at PeersPath on the node API.
//  6. On shutdown: cancel ctx, wait for Run, then node.Close().
//
// `stinger relay` calls NewRelay(cfg RelayConfig) and Close; `stinger peers` calls FetchPeers and
// FormatPeers.
package p2p
