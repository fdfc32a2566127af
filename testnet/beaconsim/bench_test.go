package beaconsim_test

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/attestantio/go-eth2-client/spec/electra"
	"github.com/attestantio/go-eth2-client/spec/phase0"

	"github.com/stingerdvt/stinger/eth2/bls"
	"github.com/stingerdvt/stinger/eth2/signing"
	"github.com/stingerdvt/stinger/testnet/beaconsim"
)

// BenchmarkSignatureChecks10kValidators measures the signature checks per second the simulator sustains
// judging attestations over HTTP for 10,000 scored validators (minimal preset, 1 s slots): each iteration
// submits one epoch of attestations (one per validator, 10,000 checks) in per-committee batches from
// several concurrent clients. At 1 s slots the minimal preset needs 1,250 checks/s, mainnet 313/s.
func BenchmarkSignatureChecks10kValidators(b *testing.B) {
	const n = 10_000
	var seed [32]byte
	seed[0] = 9
	r := rand.NewChaCha8(seed)
	sks := make([]*bls.SecretKey, n)
	pks := make([]phase0.BLSPubKey, n)
	for i := range sks {
		sk, err := bls.GenerateSecretKey(r)
		if err != nil {
			b.Fatal(err)
		}
		sks[i] = sk
		copy(pks[i][:], sk.PublicKey().Bytes())
	}
	genesis := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := &testClock{now: genesis}
	cfg := beaconsim.DefaultConfig()
	cfg.Validators = pks
	cfg.GenesisTime = genesis
	cfg.Clock = clock
	cfg.FuluForkEpoch = beaconsim.FarFutureEpoch // the signing below uses the Electra fork version
	sim, err := beaconsim.New(cfg, nil)
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(sim.Handler())
	defer srv.Close()
	// Judge epoch 1 at its last slot: every attestation of the epoch is inside the window.
	last := phase0.Slot(15)
	clock.Set(genesis.Add(time.Duration(last)*time.Second + 500*time.Millisecond))
	if err := sim.AdvanceTo(last); err != nil {
		b.Fatal(err)
	}
	bodies := signEpoch(b, srv.URL, sks)
	b.ResetTimer()
	start := time.Now()
	checksBefore := sim.Stats().SignatureChecks
	for range b.N {
		submitAll(b, srv.URL, bodies, 4)
	}
	elapsed := time.Since(start)
	checks := sim.Stats().SignatureChecks - checksBefore
	b.ReportMetric(float64(checks)/elapsed.Seconds(), "sigchecks/s")
	if st := sim.Stats(); st.Totals.InvalidSignatures != 0 {
		b.Fatalf("invalid signatures: %+v", st.Totals)
	}
}

// signEpoch signs every validator's attestation of epoch 1 and returns one JSON body per committee.
func signEpoch(b *testing.B, url string, sks []*bls.SecretKey) [][]byte {
	b.Helper()
	resp, err := http.Get(url + "/eth/v1/beacon/states/head/committees?epoch=1")
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	var committees struct {
		Data []struct {
			Slot       string   `json:"slot"`
			Index      string   `json:"index"`
			Validators []string `json:"validators"`
		} `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&committees); err != nil {
		b.Fatal(err)
	}
	gen := getJSON[struct {
		Data struct {
			Root string `json:"genesis_validators_root"`
		} `json:"data"`
	}](b, url+"/eth/v1/beacon/genesis")
	gvr, err := signing.RootFromBytes(mustHex(b, gen.Data.Root))
	if err != nil {
		b.Fatal(err)
	}
	domain, err := signing.ComputeDomain(signing.DomainBeaconAttester, phase0.Version{0x60, 0x00, 0x00, 0x5a}, gvr)
	if err != nil {
		b.Fatal(err)
	}
	var bodies [][]byte
	for _, c := range committees.Data {
		data := getJSON[struct {
			Data *phase0.AttestationData `json:"data"`
		}](b, url+"/eth/v1/validator/attestation_data?slot="+c.Slot+"&committee_index="+c.Index).Data
		ci := phase0.CommitteeIndex(atoi(b, c.Index))
		root, err := signing.ComputeSigningRoot(data, domain)
		if err != nil {
			b.Fatal(err)
		}
		atts := make([]*electra.SingleAttestation, len(c.Validators))
		var wg sync.WaitGroup
		for i, vs := range c.Validators {
			wg.Add(1)
			go func() {
				defer wg.Done()
				vi := atoi(b, vs)
				var sig phase0.BLSSignature
				copy(sig[:], sks[vi].Sign(root[:]).Bytes())
				atts[i] = &electra.SingleAttestation{CommitteeIndex: ci, AttesterIndex: phase0.ValidatorIndex(vi),
					Data: data, Signature: sig}
			}()
		}
		wg.Wait()
		body, err := json.Marshal(atts)
		if err != nil {
			b.Fatal(err)
		}
		bodies = append(bodies, body)
	}
	return bodies
}

// submitAll posts every body with the given number of concurrent clients.
func submitAll(b *testing.B, url string, bodies [][]byte, clients int) {
	b.Helper()
	work := make(chan []byte)
	var wg sync.WaitGroup
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for body := range work {
				req, _ := http.NewRequest(http.MethodPost, url+"/eth/v2/beacon/pool/attestations", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Eth-Consensus-Version", "electra")
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					b.Error(err)
					continue
				}
				resp.Body.Close()
				if resp.StatusCode != 200 {
					b.Errorf("submit: status %d", resp.StatusCode)
				}
			}
		}()
	}
	for _, body := range bodies {
		work <- body
	}
	close(work)
	wg.Wait()
}

func getJSON[T any](b *testing.B, url string) T {
	b.Helper()
	var out T
	resp, err := http.Get(url)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		b.Fatal(err)
	}
	return out
}

func mustHex(b *testing.B, s string) []byte {
	b.Helper()
	out := make([]byte, (len(s)-2)/2)
	for i := range out {
		var v byte
		for _, ch := range s[2+2*i : 4+2*i] {
			v <<= 4
			switch {
			case ch >= '0' && ch <= '9':
				v |= byte(ch - '0')
			case ch >= 'a' && ch <= 'f':
				v |= byte(ch - 'a' + 10)
			default:
				b.Fatalf("bad hex %q", s)
			}
		}
		out[i] = v
	}
	return out
}

func atoi(b *testing.B, s string) uint64 {
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		b.Error(err)
	}
	return v
}
