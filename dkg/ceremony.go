package dkg

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/crypto/ecies"
	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"
	"go.uber.org/zap"

	"github.com/stingerdvt/stinger/cluster"
	"github.com/stingerdvt/stinger/eth2/bls"
	"github.com/stingerdvt/stinger/eth2/deposit"
)

// Config holds what one operator needs to take part in a ceremony.
type Config struct {
	// Definition is the approved cluster definition; every operator must use the same.
	Definition *cluster.Definition
	// Key is this operator's secp256k1 key (its peer ID must be in the definition).
	Key crypto.PrivKey
	// Transport carries the rounds to the other operators.
	Transport Transport
	// Rand is the randomness for polynomials, encryption and batch checks:
	// crypto/rand.Reader in production, a seeded reader in tests.
	Rand io.Reader
	// Logger receives one line per round; nil disables logging.
	Logger *zap.Logger
	// Progress, when set, is called after each round.
	Progress func(Progress)

	// tamper lets in-package tests make this operator misbehave.
	tamper *tamper
}

// tamper describes deliberate misbehaviour for tests of the identifiable abort.
type tamper struct {
	// badShare makes the share dealt to (and revealed to) recipient
	// badShareFor wrong: f(j) + f(0) instead of f(j).
	badShare    bool
	badShareFor int
	// badCommitment replaces the first commitment of validator 0.
	badCommitment bool
}

// Progress reports how far the ceremony is.
type Progress struct {
	Round          Round
	ValidatorsDone int
	Validators     int
}

// Validator is one distributed validator produced by the ceremony.
type Validator struct {
	// PublicKey is the validator's group public key.
	PublicKey *bls.PublicKey
	// PublicShares holds every operator's public share, in operator order.
	PublicShares []*bls.PublicKey
	// Deposits are the signed deposits, one per amount of the definition.
	Deposits []deposit.Data
}

// Result is what the ceremony produces for one operator.
type Result struct {
	// Index is this operator's position; it holds share index Index+1.
	Index int
	// Shares holds this operator's secret share of every validator.
	Shares []*bls.SecretKey
	// Lock is the cluster lock, signed by every operator.
	Lock *cluster.Lock
}

// OperatorError names the operators that made the ceremony abort.
type OperatorError struct {
	Round     Round
	Operators []int
	Names     []string
	Reason    string
}

func (e *OperatorError) Error() string {
	return fmt.Sprintf("dkg aborted in round %s: %s: %s", e.Round, strings.Join(e.Names, ", "), e.Reason)
}

// ceremony is one operator's state across the rounds.
type ceremony struct {
	cfg     Config
	def     *cluster.Definition
	defHash []byte
	n, t, v int
	me      int
	peers   []peer.ID
	eciesSK *ecies.PrivateKey
	log     *zap.Logger

	own        []*bls.Polynomial  // [validator]: our polynomials
	dealings   []*dealing         // [dealer], as received
	digests    [][32]byte         // [dealer]: sha256 of each dealing as received
	shares     [][]*bls.SecretKey // [dealer][validator]: shares dealt to us
	complaints map[int][]int      // dealer -> complaining recipients
	final      []*bls.SecretKey   // [validator]: our share of the group key
}

// Run performs the whole ceremony for one operator. Every operator runs it
// at the same time with the same definition; ctx bounds it (the ceremony
// timeout) and a round that times out names the operators that are missing.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	c, err := newCeremony(cfg)
	if err != nil {
		return nil, err
	}
	var (
		validators []*Validator
		lock       *cluster.Lock
	)
	steps := []struct {
		round Round
		fn    func(context.Context) error
	}{
		{RoundDeal, c.deal},
		{RoundVerify, c.verify},
		{RoundJustify, c.justify},
		{RoundDeposit, func(ctx context.Context) (err error) { validators, err = c.deposits(ctx); return err }},
		{RoundLock, func(ctx context.Context) (err error) { lock, err = c.lock(ctx, validators); return err }},
	}
	for _, s := range steps {
		start := time.Now()
		if err := s.fn(ctx); err != nil {
			return nil, c.name(err)
		}
		c.log.Info("DKG round done", zap.Stringer("round", s.round), zap.Duration("took", time.Since(start)))
		done := 0
		if s.round >= RoundDeposit {
			done = c.v
		}
		c.progress(s.round, done)
	}
	return &Result{Index: c.me, Shares: c.final, Lock: lock}, nil
}

func newCeremony(cfg Config) (*ceremony, error) {
	if cfg.Definition == nil || cfg.Key == nil || cfg.Transport == nil || cfg.Rand == nil {
		return nil, errors.New("dkg: definition, key, transport and randomness are all required")
	}
	def := cfg.Definition
	if err := def.ValidateApproved(); err != nil {
		return nil, fmt.Errorf("dkg: %w", err)
	}
	h, err := def.Hash()
	if err != nil {
		return nil, fmt.Errorf("dkg: %w", err)
	}
	me, err := def.OperatorIndex(cfg.Key.GetPublic())
	if err != nil {
		return nil, fmt.Errorf("dkg: %w", err)
	}
	peers, err := def.PeerIDs()
	if err != nil {
		return nil, fmt.Errorf("dkg: %w", err)
	}
	sk, err := operatorECIESKey(cfg.Key)
	if err != nil {
		return nil, fmt.Errorf("dkg: %w", err)
	}
	log := cfg.Logger
	if log == nil {
		log = zap.NewNop()
	}
	return &ceremony{
		cfg: cfg, def: def, defHash: h,
		n: len(def.Operators), t: def.Threshold, v: def.NumValidators,
		me: me, peers: peers, eciesSK: sk,
		log: log.With(zap.Int("operator_index", me)),
	}, nil
}

func (c *ceremony) progress(r Round, done int) {
	if c.cfg.Progress != nil {
		c.cfg.Progress(Progress{Round: r, ValidatorsDone: done, Validators: c.v})
	}
}

// name fills in operator names in errors that carry operator indices.
func (c *ceremony) name(err error) error {
	var me *MissingError
	if errors.As(err, &me) && len(me.Names) == 0 {
		for _, o := range me.Operators {
			me.Names = append(me.Names, c.displayName(o))
		}
	}
	var oe *OperatorError
	if errors.As(err, &oe) && len(oe.Names) == 0 {
		for _, o := range oe.Operators {
			oe.Names = append(oe.Names, c.displayName(o))
		}
	}
	return err
}

func (c *ceremony) displayName(i int) string {
	op := c.def.Operators[i]
	if op.Name != "" {
		return fmt.Sprintf("operator %d %q (%s)", i, op.Name, op.PeerID)
	}
	return fmt.Sprintf("operator %d (%s)", i, op.PeerID)
}

func blame(round Round, reason string, ops ...int) error {
	sort.Ints(ops)
	return &OperatorError{Round: round, Operators: ops, Reason: reason}
}

// deal draws our polynomials and exchanges the dealings.
func (c *ceremony) deal(ctx context.Context) error {
	c.own = make([]*bls.Polynomial, c.v)
	for v := range c.v {
		p, err := bls.NewPolynomial(c.t, c.cfg.Rand)
		if err != nil {
			return fmt.Errorf("dkg deal: %w", err)
		}
		c.own[v] = p
	}
	d := &dealing{
		commitments: make([][]*bls.PublicKey, c.v),
		pops:        make([]*bls.Signature, c.v),
		ciphertexts: make([][]byte, c.n),
	}
	popMsg := popMessage(c.defHash, c.me)
	for v := range c.v {
		d.commitments[v] = c.own[v].Commitments()
		d.pops[v] = c.own[v].Secret().Sign(popMsg)
	}
	if c.cfg.tamper != nil && c.cfg.tamper.badCommitment {
		other, err := bls.GenerateSecretKey(c.cfg.Rand)
		if err != nil {
			return err
		}
		d.commitments[0][c.t-1] = other.PublicKey()
	}
	for j := range c.n {
		if j == c.me {
			continue
		}
		to, err := peerECIESKey(c.peers[j])
		if err != nil {
			return fmt.Errorf("dkg deal: %w", err)
		}
		plain, err := c.sharesFor(j)
		if err != nil {
			return fmt.Errorf("dkg deal: %w", err)
		}
		ct, err := encryptShares(c.cfg.Rand, to, plain, shareContext(c.defHash, c.me, j))
		if err != nil {
			return fmt.Errorf("dkg deal: %w", err)
		}
		d.ciphertexts[j] = ct
	}
	got, err := c.cfg.Transport.Exchange(ctx, RoundDeal, encodeDealing(d))
	if err != nil {
		return err
	}
	c.dealings = make([]*dealing, c.n)
	c.digests = make([][32]byte, c.n)
	var bad []int
	for i := range c.n {
		c.digests[i] = sha256.Sum256(got[i])
		dl, err := decodeDealing(got[i], c.n, c.t, c.v)
		if err != nil {
			c.log.Warn("Malformed dealing", zap.Int("dealer", i), zap.Error(err))
			bad = append(bad, i)
			continue
		}
		c.dealings[i] = dl
	}
	if len(bad) > 0 {
		return blame(RoundDeal, "sent a malformed dealing", bad...)
	}
	return c.checkProofs()
}

// sharesFor returns the serialised shares of recipient j for every validator.
func (c *ceremony) sharesFor(j int) ([]byte, error) {
	shares, err := c.sharesOf(j)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, c.v*bls.SecretKeyLength)
	for _, s := range shares {
		out = append(out, s.Bytes()...)
	}
	return out, nil
}

// sharesOf evaluates our polynomials at recipient j's index.
func (c *ceremony) sharesOf(j int) ([]*bls.SecretKey, error) {
	out := make([]*bls.SecretKey, c.v)
	for v := range c.v {
		s, err := c.own[v].Evaluate(uint64(j + 1))
		if err != nil {
			return nil, err
		}
		if c.cfg.tamper != nil && c.cfg.tamper.badShare && c.cfg.tamper.badShareFor == j && j != c.me {
			if s, err = bls.AddSecretKeys(s, c.own[v].Secret()); err != nil {
				return nil, err
			}
		}
		out[v] = s
	}
	return out, nil
}

// checkProofs verifies every dealer's proofs of possession in one batch and,
// if the batch fails, finds the dealers at fault.
func (c *ceremony) checkProofs() error {
	items := make([]bls.BatchItem, 0, c.n*c.v)
	for i, d := range c.dealings {
		msg := popMessage(c.defHash, i)
		for v := range c.v {
			items = append(items, bls.BatchItem{PublicKey: d.commitments[v][0], Message: msg, Signature: d.pops[v]})
		}
	}
	invalid, err := bls.FindInvalid(items, c.cfg.Rand)
	if err != nil {
		return fmt.Errorf("dkg check proofs of possession: %w", err)
	}
	bad := make(map[int]bool)
	for _, k := range invalid {
		bad[k/c.v] = true
	}
	if len(bad) == 0 {
		return nil
	}
	dealers := make([]int, 0, len(bad))
	for i := range bad {
		dealers = append(dealers, i)
		c.log.Warn("Bad proof of possession", zap.Int("dealer", i))
	}
	return blame(RoundDeal, "sent commitments without a valid proof of possession", dealers...)
}

// verify decrypts and checks our shares, then exchanges digests and complaints.
func (c *ceremony) verify(ctx context.Context) error {
	c.shares = make([][]*bls.SecretKey, c.n)
	var complaints []int
	for i, d := range c.dealings {
		if i == c.me {
			own, err := c.sharesOf(c.me)
			if err != nil {
				return err
			}
			c.shares[i] = own
			continue
		}
		shares, err := c.openShares(i, d)
		if err != nil {
			c.log.Warn("Complaint against dealer", zap.Int("dealer", i), zap.Error(err))
			complaints = append(complaints, i)
			continue
		}
		c.shares[i] = shares
	}
	got, err := c.cfg.Transport.Exchange(ctx, RoundVerify, encodeVerification(&verification{digests: c.digests, complaints: complaints}))
	if err != nil {
		return err
	}
	c.complaints = make(map[int][]int)
	var malformed []int
	for j := range c.n {
		m, err := decodeVerification(got[j], c.n)
		if err != nil {
			malformed = append(malformed, j)
			continue
		}
		for i := range c.n {
			if m.digests[i] != c.digests[i] {
				return blame(RoundVerify, fmt.Sprintf("operators %d and %d received different dealings from the same dealer (equivocation by the dealer, or a false report by operator %d)", c.me, j, j), i)
			}
		}
		for _, dealer := range m.complaints {
			c.complaints[dealer] = append(c.complaints[dealer], j)
		}
	}
	if len(malformed) > 0 {
		return blame(RoundVerify, "sent a malformed verification message", malformed...)
	}
	return nil
}

// openShares decrypts dealer i's shares for us and checks them against i's commitments.
func (c *ceremony) openShares(i int, d *dealing) ([]*bls.SecretKey, error) {
	plain, err := decryptShares(c.eciesSK, d.ciphertexts[c.me], shareContext(c.defHash, i, c.me))
	if err != nil {
		return nil, err
	}
	if len(plain) != c.v*bls.SecretKeyLength {
		return nil, fmt.Errorf("share bundle is %d bytes, expected %d", len(plain), c.v*bls.SecretKeyLength)
	}
	shares := make([]*bls.SecretKey, c.v)
	for v := range c.v {
		s, err := bls.SecretKeyFromBytes(plain[v*bls.SecretKeyLength : (v+1)*bls.SecretKeyLength])
		if err != nil {
			return nil, fmt.Errorf("validator %d: %w", v, err)
		}
		shares[v] = s
	}
	if bad := checkShares(shares, d.commitments, uint64(c.me+1)); bad >= 0 {
		return nil, fmt.Errorf("validator %d: share does not match the commitments", bad)
	}
	return shares, nil
}

// checkShares returns the first validator whose share fails the dealer's
// commitments at index, or -1 if all pass.
func checkShares(shares []*bls.SecretKey, commitments [][]*bls.PublicKey, index uint64) int {
	for v, s := range shares {
		if s == nil {
			return v
		}
		want, err := bls.PublicShareFromCommitments(commitments[v], index)
		if err != nil || !s.PublicKey().Equal(want) {
			return v
		}
	}
	return -1
}
